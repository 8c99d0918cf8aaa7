"""Full replay of the log: read every event back and decode it into its dataclass.

The same events as ``eventstore_append.py`` (10-event transactions of
``ReplyPosted`` with ~500-character bodies over 1,000 thread streams) are
written once to both stores, then each round reads the whole log in position
order, batches of 5,000:

- ours: ``EventStore.iter_all()``, which yields ``Recorded`` objects with the
  event decoded by ``forum.serialization.decode`` (plus meta and timestamp).
- peer: ``SQLiteApplicationRecorder.select_notifications`` in batches, each
  notification decoded with the library's own ``JSONTranscoder`` and
  ``resolve_topic`` into the same ``forum.events`` dataclass (``cls(**state)``).
  The library's ``Mapper`` cannot be used as is: it requires an
  ``originator_id`` annotation on the event class.

- floor: the least any store can do to replay these rows: one ``sqlite3``
  query per batch straight on our database file (``type, data`` by position),
  ``orjson.loads`` and ``cls(**payload)``; no timestamps, no meta, no library.
  A second line reports ours against it, and a third the floor against the
  peer: the most any store could reach against the peer on this machine.

Unit: events/s, higher is better; ratio = ours / peer, above 1 means we are
faster. Target (issue): ratio >= 4.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import _common as c
import orjson
from _peer import JSONTranscoder, StoredEvent, close_peer, get_topic, open_peer, resolve_topic
from eventstore_append import make_transactions, thread_starts, tx_meta

from forum.backend import open_backend
from forum.core import serialization
from forum.core.config import Config
from forum.core.events import EVENT_TYPES
from forum.core.eventstore import EventStore, StreamWrite

BATCH = 5000


def replay_ours(store: EventStore) -> list[object]:
    return [rec.event for rec in store.iter_all(batch=BATCH)]


def replay_peer(recorder, transcoder: JSONTranscoder) -> list[object]:
    out: list[object] = []
    start = 0
    while True:
        notifications = recorder.select_notifications(start, BATCH, inclusive_of_start=False)
        if not notifications:
            return out
        for n in notifications:
            cls = resolve_topic(n.topic)
            out.append(cls(**transcoder.decode(n.state)))
        start = notifications[-1].id


def replay_floor(db: Path) -> list[object]:
    conn = sqlite3.connect(str(db))
    out: list[object] = []
    position = 0
    try:
        while True:
            rows = conn.execute("SELECT position, type, data FROM events WHERE position > ? "
                                "ORDER BY position LIMIT ?", (position, BATCH)).fetchall()
            if not rows:
                return out
            out.extend(EVENT_TYPES[kind](**orjson.loads(data)) for _, kind, data in rows)
            position = rows[-1][0]
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> str:
    p = c.parser(__doc__)
    p.add_argument("--transactions", type=int, default=None)
    args = p.parse_args(argv)
    n_tx = args.transactions or (500 if args.quick else 3000)
    rounds = args.rounds or (3 if args.quick else 7)
    txs = make_transactions(n_tx, 10)

    with c.workdir("replay") as path:
        config = Config(data_dir=path, database_url=f"sqlite:///{path / 'ours.db'}",
                        secret_key="bench")
        backend = open_backend(config)
        store = EventStore(backend.engine, projections=None)
        recorder = open_peer(path / "peer.db")
        all_txs = [thread_starts(txs), *txs]
        for tx, meta in zip(all_txs, tx_meta(all_txs), strict=True):
            store.append_streams([StreamWrite(s, [e], v - 1) for s, v, e in tx], meta)
            recorder.insert_events([
                StoredEvent(s, v, get_topic(type(e)), serialization.encode(e)[2].encode())
                for s, v, e in tx
            ])
        transcoder = JSONTranscoder()
        expected = [e for tx in [thread_starts(txs), *txs] for _, _, e in tx]
        n_events = len(expected)
        assert replay_ours(store) == expected, "ours decoded different events"
        assert replay_peer(recorder, transcoder) == expected, "peer decoded different events"
        assert replay_floor(path / "ours.db") == expected, "floor decoded different events"

        ours: list[float] = []
        peer: list[float] = []
        floor: list[float] = []
        for r in range(rounds):
            first, second = ((lambda: replay_ours(store)),
                             (lambda: replay_peer(recorder, transcoder)))
            if r % 2:
                t_peer, t_ours = c.timed(second), c.timed(first)
            else:
                t_ours, t_peer = c.timed(first), c.timed(second)
            ours.append(n_events / t_ours)
            peer.append(n_events / t_peer)
            floor.append(n_events / c.timed(lambda: replay_floor(path / "ours.db")))
            c.log(args, f"round {r + 1}: ours {c.fmt(ours[-1])}, peer {c.fmt(peer[-1])} events/s")
        close_peer(recorder)
        backend.dispose()

    lines = [
        c.summary("eventstore_replay_floor", c.median(ours), "bare-sqlite3-orjson",
                  c.median(floor), "events/s"),
        c.summary("eventstore_replay_bound", c.median(floor), "eventsourcing", c.median(peer),
                  "events/s"),
        c.summary("eventstore_replay", c.median(ours), "eventsourcing", c.median(peer),
                  "events/s"),
    ]
    for line in lines:
        print(line, flush=True)
    return lines[-1]


if __name__ == "__main__":
    main(sys.argv[1:])
