"""Command handlers: load the aggregate, decide, append. The only writers.

Each public function is named after the command it handles. Views call them
with the acting viewer and a command; nothing leaves the process before the
append has committed (side effects are subscribers of the log).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Engine

from forum.core.errors import ConcurrencyConflict, Forbidden
from forum.core.events import Event
from forum.core.eventstore import EventStore, Recorded, StreamWrite
from forum.core.passwords import Passwords, new_id
from forum.core.permissions import Viewer

S = TypeVar("S")
RETRIES = 5


@dataclass
class Services:
    """What handlers need: the store, the password hasher, id and meta sources."""

    store: EventStore
    passwords: Passwords = field(default_factory=Passwords)
    new_id: Callable[[], str] = new_id
    request_meta: Callable[[], dict[str, Any]] = dict

    @property
    def engine(self) -> Engine:
        return self.store.engine

    def meta(self, actor: Viewer) -> dict[str, Any]:
        return {**self.request_meta(), "actor": actor.member_id}


def run(
    svc: Services,
    actor: Viewer,
    stream_id: str,
    load: Callable[[list[Event]], S],
    decide: Callable[[S], Sequence[Event]],
    *,
    expected_version: int | None = None,
) -> list[Recorded]:
    """Load a stream, decide, and append at the version we decided on.

    If another writer got in first we decide again on the fresh state (the
    decision re-checks every rule), unless the caller pinned the version it
    saw, in which case the conflict goes back to the person as a 409.
    """
    for attempt in range(RETRIES):
        history = svc.store.read_stream(stream_id)
        version = len(history)
        if expected_version is not None and expected_version != version:
            raise ConcurrencyConflict(stream_id, expected_version, version)
        state = load([r.event for r in history])
        new_events = decide(state)
        if not new_events:
            return []
        writes = [StreamWrite(stream_id, new_events, version)]
        try:
            return svc.store.append_streams(writes, svc.meta(actor))
        except ConcurrencyConflict:
            if expected_version is not None or attempt == RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def member_of(actor: Viewer) -> str:
    """The acting member's id; visitors keep no read markers."""
    if not actor.signed_in or actor.member_id is None:
        raise Forbidden("sign in to keep track of what you have read")
    return actor.member_id


def append_marker(svc: Services, actor: Viewer, member_id: str, new_events: list[Event]) -> None:
    """Append to the member's own reading stream; markers are theirs, the last writer wins."""
    for attempt in range(RETRIES):
        try:
            if new_events:
                svc.store.append_streams(
                    [StreamWrite(f"reading-{member_id}", new_events, None)], svc.meta(actor))
            return
        except ConcurrencyConflict:
            if attempt == RETRIES - 1:
                raise
