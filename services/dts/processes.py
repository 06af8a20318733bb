"""``--users-parallel`` in worker processes: one interpreter (and one GIL) each, so every
core runs commands, not only the database's.

The workers are forked from the running app, so the parsed items and the quote source
come along as they are; only stream numbers go to them and counts come back (a million
outcomes pickled to the parent would cost a core and gigabytes there). Each
worker takes whole users from a shared queue and runs each user's commands in order
on its own connection, exactly as a thread of services.dts.parallel would. Users with few
commands are handed out several at a time, so that a worker's transactions still hold a
full group of commands (a user's commands stay in order, and in one worker).
"""

import multiprocessing
import queue as queues
import traceback

from extensions import db
from services.dts.context import Context
from services.dts.runner import Tally, run_items

POLL_SECONDS = 1.0


def available(app) -> bool:
    """Whether workers can be forked for this app's database (a SQLite file is shared
    badly by processes, and an in-memory one not at all: threads serve it)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    with app.app_context():
        return db.engine.dialect.name != "sqlite"


def run(app, streams: list[list], quotes, workers: int, group_size: int, progress=None):
    """Run every stream (one user's items) in ``workers`` processes; returns their Tally.

    A worker that fails stops the others after their current users, and the error is
    raised here, with the worker's traceback.
    """
    forking = multiprocessing.get_context("fork")
    tasks, results, stop = forking.Queue(), forking.Queue(), forking.Event()
    shares = handouts(streams, group_size)
    for numbers in shares:
        tasks.put(numbers)
    workers = max(1, min(workers, len(shares)))
    for _ in range(workers):
        tasks.put(None)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # no connection is shared with a child
    args = (app, streams, quotes, group_size, tasks, results, stop)
    children = [
        forking.Process(target=_work, args=args, name=f"dts-{n}", daemon=True)
        for n in range(workers)
    ]
    for child in children:
        child.start()
    try:
        return _collect(children, results, stop, progress)
    finally:
        for child in children:
            child.join(timeout=30)
            if child.is_alive():
                child.terminate()


def handouts(streams: list[list], group_size: int) -> list[list[int]]:
    """The streams' numbers in order, cut into hand-outs of at least ``group_size`` items
    (whole streams: the last may be smaller)."""
    shares, share, size = [], [], 0
    for number, stream in enumerate(streams):
        share.append(number)
        size += len(stream)
        if size >= group_size:
            shares.append(share)
            share, size = [], 0
    return [*shares, share] if share else shares


def _collect(children, results, stop, progress) -> Tally:
    tally, running, failure = Tally(), len(children), None
    while running:
        try:
            kind, value = results.get(timeout=POLL_SECONDS)
        except queues.Empty:
            if any(c.exitcode not in (None, 0) for c in children):
                stop.set()
                raise RuntimeError("A DTS worker process died.") from None
            continue
        if kind == "progress" and progress:
            progress(value)
        elif kind == "tally":
            tally.add(value)
        elif kind == "failed":
            stop.set()
            failure, running = failure or value, running - 1
        elif kind == "finished":
            running -= 1
    if failure:
        raise RuntimeError(f"A DTS worker process failed:\n{failure}")
    return tally


def _work(app, streams, quotes, group_size, tasks, results, stop) -> None:
    with app.app_context():
        db.engine.dispose(close=False)  # the parent's connections stay the parent's
        ctx = Context(quotes, admin=True)
        try:
            while not stop.is_set():
                numbers = tasks.get()
                if numbers is None:
                    break
                items = [item for number in numbers for item in streams[number]]
                done = run_items(ctx, items, group_size, _reporter(results))
                results.put(("tally", Tally().count(done)))
        except BaseException:
            results.put(("failed", traceback.format_exc()))
            return
        finally:
            db.session.remove()
    results.put(("finished", None))


def _reporter(results):
    return lambda count: results.put(("progress", count))
