"""Inline projections: read models kept in the appending transaction.

Each projection names the tables it owns and a function per event type. Its
checkpoint lives in ``projection_checkpoints``, written in the same
transaction as its rows, so a read model and its position never disagree.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, Table, select, update

from forum.core.db import projection_checkpoints, write_connection
from forum.core.events import Event
from forum.core.eventstore import Recorded, read_batch
from forum.core.projections.bulk import bulk_load
from forum.core.projections.sql import batched, replaying

E = TypeVar("E", bound=Event)
Apply = Callable[[Connection, Recorded, Any], None]


class Projection:
    """One read model: its tables and how each event changes them."""

    def __init__(self, name: str, tables: Sequence[Table], *,
                 reads: Sequence[str] = ()) -> None:
        self.name = name
        self.tables = tuple(tables)
        # Read models this one looks up while projecting (as they stood at each
        # event): rebuilding it alone rebuilds them with it, in the same replay.
        self.reads = tuple(reads)
        self.handlers: dict[str, Apply] = {}
        self.preparers: list[Callable[[Connection, Sequence[Recorded]], None]] = []

    def on(self, *event_types: type[Event]) -> Callable[[Apply], Apply]:
        def register(fn: Apply) -> Apply:
            for event_type in event_types:
                self.handlers[event_type.type] = fn
            return fn

        return register

    def before_chunk(
        self, fn: Callable[[Connection, Sequence[Recorded]], None]
    ) -> Callable[[Connection, Sequence[Recorded]], None]:
        """Register a look-ahead over a rebuild's chunk (e.g. one query instead of many)."""
        self.preparers.append(fn)
        return fn

    def apply(self, conn: Connection, recorded: Recorded) -> bool:
        """Apply one event; True if this projection cares about its type."""
        handler = self.handlers.get(recorded.event.type)
        if handler is None:
            return False
        handler(conn, recorded, recorded.event)
        return True

    def clear(self, conn: Connection) -> None:
        for table in reversed(self.tables):
            conn.execute(table.delete())


class Projections:
    """The set of inline projections, applied together on every append."""

    def __init__(self, items: Iterable[Projection]) -> None:
        self.items = list(items)
        self.by_name = {p.name: p for p in self.items}

    def apply(self, conn: Connection, recorded: Sequence[Recorded]) -> None:
        last: dict[int, list[str]] = {}  # position → the projections it was last for
        for item in self.items:
            handled = [rec.position for rec in recorded if item.apply(conn, rec)]
            if handled:
                last.setdefault(handled[-1], []).append(item.name)
        # A checkpoint moves only when its projection changed, so it doubles as
        # that read model's generation (the page cache keys on it), and writers
        # of unrelated events do not queue on its row. It moves to the last event
        # that projection handled (an append to several streams may end with an
        # event it ignores), as a rebuild leaves it. Never backwards: on
        # PostgreSQL a later transaction may hold a lower position.
        for position, touched in last.items():
            conn.execute(
                update(projection_checkpoints)
                .where(projection_checkpoints.c.name.in_(touched),
                       projection_checkpoints.c.position < position)
                .values(position=position)
            )

    def ensure_checkpoints(self, conn: Connection) -> None:
        known = set(conn.execute(select(projection_checkpoints.c.name)).scalars())
        missing = [{"name": n, "position": 0} for n in self.by_name if n not in known]
        if missing:
            conn.execute(projection_checkpoints.insert(), missing)

    def checkpoints(self, engine: Engine) -> dict[str, int]:
        with engine.connect() as conn:
            rows = conn.execute(select(projection_checkpoints.c.name,
                                       projection_checkpoints.c.position))
            return {name: int(pos) for name, pos in rows}

    def rebuild(
        self,
        engine: Engine,
        names: Sequence[str] | None = None,
        progress: Callable[[int], None] | None = None,
        batch: int = 20_000,
    ) -> int:
        """Drop the named read models (all by default) and replay the whole log.

        A read model that reads others while projecting is rebuilt with them.
        Runs in one transaction: a reader sees the old tables until the new
        ones are complete. Returns how many events were replayed.
        """
        wanted = set(names or self.by_name)
        while True:  # the read models each one reads, and theirs
            more = {r for n in wanted for r in self.by_name[n].reads} - wanted
            if not more:
                break
            wanted |= more
        chosen = [item for item in self.items if item.name in wanted]
        with write_connection(engine) as conn, conn.begin():
            self.ensure_checkpoints(conn)
            with bulk_load(conn, [table for item in chosen for table in item.tables]):
                for item in reversed(chosen):
                    item.clear(conn)
                replayed, last = _replay(conn, chosen, batch, progress)
            for name, handled in last.items():
                conn.execute(update(projection_checkpoints)
                             .where(projection_checkpoints.c.name == name)
                             .values(position=handled))
        return replayed


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Within the block, Python's cyclic garbage collector does not run.

    A replay makes millions of objects (events, rows queued for a chunk, what
    projections remember) that live on past a collection or two, so the
    collector kept walking them again: a fifth of a rebuild's time, by a
    sampling profile. None of them needs it (they form no cycles, and are
    freed by reference counting); it runs again when the replay ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _replay(
    conn: Connection, chosen: Sequence[Projection], batch: int,
    progress: Callable[[int], None] | None,
) -> tuple[int, dict[str, int]]:
    """Apply the whole log, chunk by chunk; how many events, and each one's last position."""
    # Per event type, the handlers that care, so each event costs one lookup.
    routes: dict[str, list[tuple[str, Apply]]] = {}
    for item in chosen:
        for kind, handler in item.handlers.items():
            routes.setdefault(kind, []).append((item.name, handler))
    replayed = 0
    last = {item.name: 0 for item in chosen}
    position = 0
    with replaying(conn), _without_cycle_collection():
        # No projection reads an event's meta (the rebuild test would see one that did).
        while chunk := read_batch(conn, position, batch, with_meta=False):
            with batched(conn):
                for item in chosen:
                    for prepare in item.preparers:
                        prepare(conn, chunk)
                for rec in chunk:
                    for name, handler in routes.get(rec.event.type, ()):
                        handler(conn, rec, rec.event)
                        last[name] = rec.position
            position = chunk[-1].position
            replayed += len(chunk)
            if progress is not None:
                progress(len(chunk))
    return replayed, last
