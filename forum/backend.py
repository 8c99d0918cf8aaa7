"""Wires the pieces that exist without the web: engine, log, projections, handlers' services."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Engine

from forum.core import migrate
from forum.core.config import Config
from forum.core.db import make_engine, write_connection
from forum.core.eventstore import EventStore
from forum.core.handlers import Services
from forum.core.passwords import Passwords
from forum.core.projections.registry import Projections
from forum.core.subscribers import Subscriber, SubscriberRunner, Tick
from forum.features import all_projections
from forum.features.rotas import handlers as rotas
from search import SearchBackendError, SearchService, backend_problem, open_search

REMINDER_INTERVAL = 60.0  # seconds between checks for talk reminders that fell due


@dataclass
class Backend:
    config: Config
    engine: Engine
    projections: Projections
    store: EventStore
    services: Services
    search: SearchService
    subscribers: list[Subscriber] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)

    def runner(self, **kwargs: float) -> SubscriberRunner:
        return SubscriberRunner(self.store, self.subscribers, ticks=self.ticks,
                                **kwargs)  # type: ignore[arg-type]

    def dispose(self) -> None:
        self.search.close()
        self.engine.dispose()


def open_backend(config: Config, *, migrate_schema: bool = True,
                 subscribers: Sequence[Subscriber] = ()) -> Backend:
    """Open the database (migrating it to the newest schema) and wire the log."""
    # A search backend the database cannot serve is refused before anything is touched.
    problem = backend_problem(config.search_backend,
                              config.database_url.startswith("postgresql"))
    if problem is not None:
        raise SearchBackendError(problem)
    engine = make_engine(config.database_url)
    if migrate_schema:
        migrate.upgrade(engine)
    projections = all_projections()
    with write_connection(engine) as conn, conn.begin():
        projections.ensure_checkpoints(conn)
    store = EventStore(engine, projections)
    passwords = Passwords(config.password_time_cost, config.password_memory_cost)
    services = Services(store, passwords)
    search = open_search(config.search_backend, config.data_dir, engine)
    # Talk reminders fall due with time, not with an event: the runner checks each minute.
    reminders = Tick("talk-reminders", REMINDER_INTERVAL,
                     lambda: rotas.send_due_reminders(services))
    return Backend(config, engine, projections, store, services, search,
                   [search.indexer(), *subscribers], [reminders])
