"""Who is behind a token, remembered for a few seconds: looking the caller up was a quarter of a plain read (issue 11).

The database stays the truth about roles. A commit in this process that changes a user account, an integration
client or a municipality forgets every remembered caller at once (the listener below bumps the generation), so a
deactivated user, a revoked client or a changed role is out with the next request here. A change committed by
another server process is seen here within `TILSYN_CALLER_CACHE_SECONDS` (default 5; 0 turns the cache off and
looks the caller up on every request, as before). An entry never outlives its token: its deadline is the earlier
of the token's `exp` and the cache's seconds.

Only a token that was verified and whose caller was found active is remembered; a refusal is never cached.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

from api.principal import Principal
from api.tables import IntegrationClient, Municipality, UserAccount

_CALLER_TABLES = (UserAccount, IntegrationClient, Municipality)
_TOUCHED = "tilsyn_touched_callers"
MAX_ENTRIES = 4096  # tokens in use at once per process; the oldest is dropped beyond it


@dataclass(frozen=True)
class KnownCaller:
    """A verified token's caller: the principal, and its municipality as `/me` shows it (a read model)."""

    principal: Principal
    municipality: Any
    generation: int
    deadline: float


class CallerCache:
    def __init__(self) -> None:
        self._entries: OrderedDict[tuple[str, ...], KnownCaller] = OrderedDict()
        self._lock = threading.Lock()
        self.generation = 0

    def get(self, key: tuple[str, ...]) -> KnownCaller | None:
        known = self._entries.get(key)
        if known is None:
            return None
        if known.generation != self.generation or known.deadline <= time.time():
            self._entries.pop(key, None)
            return None
        return known

    def put(self, key: tuple[str, ...], known: KnownCaller) -> None:
        """Remember `known`, unless a caller changed since its lookup began (its generation is then behind)."""
        with self._lock:
            if known.generation != self.generation:
                return
            self._entries[key] = known
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)

    def forget_all(self) -> None:
        with self._lock:
            self.generation += 1
            self._entries.clear()


CALLERS = CallerCache()


@event.listens_for(OrmSession, "after_flush")
def _note_caller_changes(session: OrmSession, _flush_context: object) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(row, _CALLER_TABLES) for row in changed):
        session.info[_TOUCHED] = True


@event.listens_for(OrmSession, "after_commit")
def _forget_after_commit(session: OrmSession) -> None:
    # After the commit, not at the flush: a request that looks a caller up between the two must not remember the
    # state the commit is about to replace.
    # A flag left by a rolled-back flush only makes one needless forget at this session's next commit.
    if session.info.pop(_TOUCHED, False):
        CALLERS.forget_all()
