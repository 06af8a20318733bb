"""DTS transaction numbers that the server hands out, unique across processes.

A line may carry its own number (``[n] CMD,args``, a workload's numbering); one that
does not is numbered from the ``dts_sequence`` row, advanced in a short transaction
of its own under that row's lock (on SQLite, the database's write lock), so two
requests or processes reserving at once get blocks that never overlap, and a run's
numbers increase. A reserved number whose command rolls back is not used again.
"""

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from extensions import db
from models import DtsEvent, DtsSequence
from services.db import is_lock_contention, transaction
from services.dts.parser import split_line

SEQ = DtsSequence.__table__
NAME = "transaction"
TRIES = 5
ADVANCE = (
    update(SEQ).where(SEQ.c.name == NAME).values(next_value=SEQ.c.next_value + bindparam("count"))
)
RAISE = (
    update(SEQ)
    .where(SEQ.c.name == NAME, SEQ.c.next_value < bindparam("floor"))
    .values(next_value=bindparam("floor"))
)
NEXT = select(SEQ.c.next_value).where(SEQ.c.name == NAME)


def number_from(lines: list[str]) -> int:
    """The number the (non-blank) ``lines`` are numbered from: line i without its own
    ``[n]`` takes this plus i, from a block reserved for them. Numbers handed out later
    follow the lines' own numbers too. 1 when every line carries its own."""
    own = [split_line(line)[0] for line in lines]
    given = [number for number in own if number]  # "[0]" counts as none, as in the parser
    if given:
        advance_past(max(given))
    return reserve(len(lines)) if len(given) < len(own) else 1


def reserve(count: int) -> int:
    """Reserve ``count`` consecutive transaction numbers (at least one); returns the first.

    Commits the session's transaction: call it before the commands' own transactions.
    """
    count = max(1, count)

    def advance() -> int:
        if db.session.execute(ADVANCE, {"count": count}).rowcount == 0:
            _seed(1 + count)
        return db.session.scalar(NEXT) - count

    return _retried(advance)


def advance_past(number: int) -> None:
    """Hand out only numbers above ``number`` from now on (after lines that carried
    their own numbers, so that later unnumbered lines follow them)."""

    def advance() -> None:
        moved = db.session.execute(RAISE, {"floor": number + 1}).rowcount
        if not moved and db.session.scalar(NEXT) is None:
            _seed(1, at_least=number + 1)

    _retried(advance)


def _seed(after: int, at_least: int = 0) -> None:
    # The row is missing (an emptied database): numbering follows the logged numbers.
    logged = db.session.scalar(select(func.max(DtsEvent.transaction_num))) or 0
    value = max(logged + after, at_least)
    db.session.execute(insert(SEQ).values(name=NAME, next_value=value))


def _retried(work):
    for attempt in range(TRIES):
        try:
            with transaction():
                return work()
        except IntegrityError:
            continue  # another process created the row first: advance it
        except DBAPIError as exc:
            if not is_lock_contention(exc) or attempt == TRIES - 1:
                raise
    raise RuntimeError("The DTS transaction numbers could not be advanced.")
