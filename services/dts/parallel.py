"""Running a workload: serially, or each user's commands in order with different users
at once on several connections: worker processes on MariaDB/MySQL (services.dts.processes),
threads (each with its own session and context) where processes cannot be used."""

import threading
from collections import OrderedDict
from datetime import datetime, timedelta
from queue import Empty, SimpleQueue

from extensions import db
from services.dts import processes
from services.dts.context import Context
from services.dts.runner import Tally, run_items
from services.dts.summary import balances
from services.dts.users import Directory
from services.errors import ServiceError

SIM_START = datetime(2022, 1, 3)  # inside the log schema's time limits


def sim_clock(seconds: float | None):
    """``index -> time`` for a simulated clock advanced ``seconds`` per command, or None."""
    if seconds is None:
        return None
    return lambda index: SIM_START + timedelta(seconds=seconds * index)


def by_user(items) -> tuple[list[list], list]:
    """Each user's items in order (users in order of first appearance), and the items
    that name no user (run after the others)."""
    users, rest = OrderedDict(), []
    for item in items:
        if item.user is None:
            rest.append(item)
        else:
            users.setdefault(item.user, []).append(item)
    return list(users.values()), rest


def run(app, items, quotes, workers: int = 1, group_size: int = 200, progress=None):
    """Run the items; returns the Tally of commands and errors."""
    if workers <= 1:
        ctx = Context(quotes, admin=True)
        return Tally().count(run_items(ctx, items, group_size, progress))
    streams, rest = by_user(items)
    if processes.available(app):
        tally = processes.run(app, streams, quotes, workers, group_size, progress)
    else:
        tally = _threads(app, streams, quotes, workers, group_size, progress)
    ctx = Context(quotes, admin=True)
    return tally.count(run_items(ctx, rest, group_size, progress))


def _threads(app, streams, quotes, workers: int, group_size: int, progress=None) -> Tally:
    queue, tally, failures, lock = SimpleQueue(), Tally(), [], threading.Lock()
    for stream in streams:
        queue.put(stream)

    def work() -> None:
        with app.app_context():
            ctx = Context(quotes, admin=True)
            try:
                while not failures:
                    try:
                        stream = queue.get_nowait()
                    except Empty:
                        return
                    done = run_items(ctx, stream, group_size, progress)
                    with lock:
                        tally.count(done)
            except BaseException as exc:  # reported by the caller's thread
                failures.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, name=f"dts-{n}") for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return tally


def summary(tally: Tally, names) -> dict:
    """The ``--summary-json`` document for the users ``names``."""
    directory = Directory()
    users = {}
    for name in names:
        try:
            user_id = directory.find(name)
        except ServiceError:  # the name is a platform user's, or another case of a DTS one
            continue
        if user_id is not None:
            users[name] = balances(user_id)
    return {
        "commands": tally.commands,
        "errors": tally.errors,
        "users": users,
    }
