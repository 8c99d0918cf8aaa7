"""Run by the crash test as its own process: follow the log into the index, committing
often (small batches), until killed. Arguments: the test's directory, and the
database URL when it is PostgreSQL (whose search backend is then PostgreSQL's)."""

from __future__ import annotations

import sys
from pathlib import Path

from forum.backend import open_backend
from forum.core.subscribers import SubscriberRunner
from tests.conftest import make_config


def main(tmp_path: str, database_url: str | None = None) -> None:
    backend = open_backend(make_config(Path(tmp_path), database_url), migrate_schema=False)
    indexer = backend.search.indexer(commit_interval=0.0, max_pending=150)
    runner = SubscriberRunner(backend.store, [indexer], batch=100, poll_interval=0.05)
    print("indexing", flush=True)
    runner.run_forever()


if __name__ == "__main__":
    main(*sys.argv[1:3])
