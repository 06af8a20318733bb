"""A small per-process cache of API tokens resolved to their owners.

A Bearer token resolved in the last TOKEN_CACHE_SECONDS is resolved again from memory,
without a query. The bound: a token revoked, or an owner disabled or changed, by another
process is seen there at most TOKEN_CACHE_SECONDS later. In the process that made the
change it is seen at once: every flush and commit of a change to a User, Admin or
ApiToken row drops that owner's entries, and a lookup that began before the drop does
not store what it read (the cache's generation moved).

Entries hold a detached copy of the owner; each request gets its own copy merged into
its session without a query (services.tokens.owner_of).
"""

import time
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, has_app_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, make_transient_to_detached

from models import Admin, ApiToken, User

APP_KEY = "paperdesk_token_cache"
CHANGED = "paperdesk_token_owners_changed"
MAX_ENTRIES = 10_000


@dataclass(slots=True)
class Entry:
    token_id: int
    owner: User | Admin  # detached: merge it into a session before use
    owner_key: tuple[str, int]
    last_used_at: datetime | None
    read_at: float


class TokenCache:
    """Token hash -> Entry, for ``seconds`` after the read; ``clock`` is monotonic."""

    def __init__(self, seconds: float, clock=time.monotonic):
        self.seconds = seconds
        self.clock = clock
        self.generation = 0
        self._entries: dict[str, Entry] = {}

    def get(self, token_hash: str) -> Entry | None:
        """The entry of a token read less than ``seconds`` ago, else None."""
        entry = self._entries.get(token_hash)
        if entry is None or self.clock() - entry.read_at >= self.seconds:
            return None
        return entry

    def put(self, token_hash: str, token: ApiToken, owner, generation: int) -> Entry:
        """Remember a live token and its enabled owner, read while ``generation`` held.

        The entry is returned either way; it is kept only if nothing was forgotten since
        the read began (else the read may predate a change that just committed)."""
        copy, read_at = detached_copy(owner), self.clock()
        entry = Entry(token.token_id, copy, owner_key(owner), token.last_used_at, read_at)
        if self.seconds > 0 and generation == self.generation:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()  # expired entries of tokens no longer used
            self._entries[token_hash] = entry
        return entry

    def forget(self, owner_keys: set, token_ids: set) -> None:
        """Drop the entries of these owners and these tokens."""
        self.generation += 1
        stale = [
            digest
            for digest, entry in list(self._entries.items())
            if entry.owner_key in owner_keys or entry.token_id in token_ids
        ]
        for digest in stale:
            self._entries.pop(digest, None)


def current() -> TokenCache:
    """The current app's token cache (created on first use from TOKEN_CACHE_SECONDS)."""
    extensions = current_app.extensions
    cache = extensions.get(APP_KEY)
    if cache is None:
        cache = extensions.setdefault(
            APP_KEY, TokenCache(current_app.config["TOKEN_CACHE_SECONDS"])
        )
    return cache


def owner_key(owner) -> tuple[str, int]:
    """("user", id) or ("admin", id)."""
    return (owner.role, owner.id)


def detached_copy(owner):
    """A detached copy of a loaded User or Admin, with its column values and no session."""
    mapper = inspect(owner).mapper
    copy = mapper.class_(**{attr.key: getattr(owner, attr.key) for attr in mapper.column_attrs})
    make_transient_to_detached(copy)
    return copy


def _changes(session: Session) -> tuple[set, set]:
    owners, token_ids = set(), set()
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, (User, Admin)):
            owners.add(owner_key(obj))
        elif isinstance(obj, ApiToken):
            token_ids.add(obj.token_id)
            owners.add(("admin", obj.admin_id) if obj.admin_id else ("user", obj.user_id))
    return owners, token_ids


def _forget(owners: set, token_ids: set) -> None:
    if (owners or token_ids) and has_app_context():
        cache = current_app.extensions.get(APP_KEY)
        if cache is not None:
            cache.forget(owners, token_ids)


@event.listens_for(Session, "after_flush")
def _flushed(session, _context) -> None:
    owners, token_ids = _changes(session)
    if owners or token_ids:
        held = session.info.setdefault(CHANGED, (set(), set()))
        held[0].update(owners)
        held[1].update(token_ids)
        _forget(owners, token_ids)  # before the commit, so no reader keeps the old row


@event.listens_for(Session, "after_commit")
def _committed(session) -> None:
    held = session.info.pop(CHANGED, None)
    if held:
        _forget(*held)  # again: a lookup that read the old row meanwhile must not keep it


@event.listens_for(Session, "after_rollback")
def _rolled_back(session) -> None:
    session.info.pop(CHANGED, None)
