"""A worker process for the lease tests: follows the log and writes each position it handles.

    python tests/core/lease_runner.py DATABASE_URL OUTPUT_FILE
"""

from __future__ import annotations

import sys
from pathlib import Path

from forum.core.db import make_engine
from forum.core.eventstore import EventStore, Recorded
from forum.core.subscribers import SubscriberRunner
from forum.features import register_events


class Writer:
    name = "mailer"

    def __init__(self, path: Path) -> None:
        self.out = path.open("a")

    def handle(self, recorded: Recorded) -> None:
        self.out.write(f"{recorded.position}\n")
        self.out.flush()


def main() -> None:
    url, output = sys.argv[1], Path(sys.argv[2])
    register_events()
    store = EventStore(make_engine(url), projections=None)
    SubscriberRunner(store, [Writer(output)], poll_interval=0.1).run_forever()


if __name__ == "__main__":
    main()
