"""Publish a session's events after its transaction commits; drop them on rollback.

Listeners on the Session class cover every session (requests, the worker, the CLI).
Payload functions run in ``before_commit``, while the rows they read are still
loaded; the events go out in ``after_commit``.
"""

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from services import events

READY = "paperdesk_events_ready"
_installed = False


def install() -> None:
    """Register the listeners once per process."""
    global _installed
    if _installed:
        return
    _installed = True
    sa_event.listen(Session, "before_commit", _resolve)
    sa_event.listen(Session, "after_commit", _publish)
    sa_event.listen(Session, "after_rollback", _drop)
    sa_event.listen(Session, "after_soft_rollback", _drop_soft)


def _resolve(session) -> None:
    pending = session.info.pop(events.PENDING, None)
    if not pending:
        return
    ready = session.info.setdefault(READY, [])
    for kind, payload, at in pending:
        ready.append(events.event(kind, payload() if callable(payload) else payload, at))


def _publish(session) -> None:
    ready = session.info.pop(READY, None)
    if ready:
        events.publish_all(ready)


def _drop(session) -> None:
    session.info.pop(events.PENDING, None)
    session.info.pop(READY, None)


def _drop_soft(session, previous_transaction) -> None:
    if not previous_transaction.nested:  # a savepoint's rollback keeps the outer events
        _drop(session)
