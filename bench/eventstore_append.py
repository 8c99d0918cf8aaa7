"""Append throughput of the event log: ours vs the ``eventsourcing`` SQLite recorder.

Each transaction appends 10 ``ReplyPosted`` events (bodies of about 500
characters) at known stream versions, by default one event to each of 10
different thread streams out of 1,000 (``--streams-per-tx 1`` puts all ten in
one stream). Both sides encode the same dataclasses with
``forum.serialization.encode`` inside the timed loop, so they store the same
JSON bytes.

- ours: ``forum.eventstore.EventStore.append_streams`` on a file SQLite
  database opened with ``forum.backend.open_backend`` (migrated schema), with
  projections off (``EventStore(engine, projections=None)``): the log alone.
- peer: ``eventsourcing.sqlite.SQLiteApplicationRecorder.insert_events`` with
  ``StoredEvent`` objects, on a file database (WAL, synchronous=NORMAL like
  ours; ``--peer-sync full`` keeps the library's default).

- floor: the same statements as ours (``BEGIN IMMEDIATE``, the version
  check, one ``executemany`` of the rows, ``COMMIT``) sent straight through
  ``sqlite3`` to a table of the same shape, with no library around them. No
  store that checks versions and keeps the same rows can beat it by much, so
  it bounds the ratio any store can reach against the peer at equal
  durability; a second line reports ours against it.

Unit: events/s, higher is better; ratio = ours / peer, above 1 means we are
faster. Target (issue): ratio >= 2.
Each round uses fresh databases for all three; we report the median round.
"""

from __future__ import annotations

import random
import sqlite3
import sys

import _common as c
from _peer import StoredEvent, close_peer, get_topic, open_peer

from forum.backend import open_backend
from forum.core import serialization
from forum.core.config import Config
from forum.core.events import Event
from forum.core.eventstore import EventStore, StreamWrite
from forum.features.threads.events import ReplyPosted, ThreadStarted

EVENTS_PER_TX = 10
STREAMS = 1000

Tx = list[tuple[str, int, Event]]  # (stream_id, version, event) x 10


def make_transactions(n_tx: int, streams_per_tx: int, seed: int = 7) -> list[Tx]:
    rng = random.Random(seed)
    threads = [c.new_id(rng) for _ in range(STREAMS)]
    members = [c.new_id(rng) for _ in range(200)]
    version = dict.fromkeys(threads, 1)  # each thread already has its ThreadStarted
    per_stream = EVENTS_PER_TX // streams_per_tx
    txs: list[Tx] = []
    for _ in range(n_tx):
        tx: Tx = []
        for thread_id in rng.sample(threads, streams_per_tx):
            for _ in range(per_stream):
                version[thread_id] += 1
                seq = version[thread_id]
                tx.append((f"thread-{thread_id}", seq, ReplyPosted(
                    thread_id=thread_id, post_id=c.new_id(rng), seq=seq,
                    parent_post_id=c.new_id(rng), author_id=rng.choice(members),
                    body=c.body(rng, 500),
                )))
        txs.append(tx)
    return txs


def thread_starts(txs: list[Tx]) -> list[tuple[str, int, Event]]:
    """Version 1 of every stream the transactions touch: its ThreadStarted."""
    rng = random.Random(11)
    streams = sorted({stream for tx in txs for stream, _, _ in tx})
    return [(s, 1, ThreadStarted(thread_id=s.removeprefix("thread-"), conference_id="general",
                                 subject=c.sentence(rng, 3, 8), post_id=c.new_id(rng),
                                 author_id="bench", body=c.body(rng, 500)))
            for s in streams]


def tx_meta(txs: list[Tx]) -> list[dict[str, str]]:
    """Each transaction's meta, as the web app writes it: its own request id and actor."""
    return [{"request_id": f"{i:032x}", "actor": tx[0][2].author_id}  # type: ignore[attr-defined]
            for i, tx in enumerate(txs)]


def run_ours(path, txs: list[Tx]) -> float:
    config = Config(data_dir=path, database_url=f"sqlite:///{path / 'ours.db'}",
                    secret_key="bench")
    backend = open_backend(config)
    store = EventStore(backend.engine, projections=None)
    # Streams start at version 1 (their ThreadStarted), as in make_transactions.
    store.append_streams([StreamWrite(s, [e], 0) for s, _, e in thread_starts(txs)])
    metas = tx_meta(txs)

    def go() -> None:
        for tx, meta in zip(txs, metas, strict=True):
            writes: list[StreamWrite] = []
            for stream, version, event in tx:
                if writes and writes[-1].stream_id == stream:
                    writes[-1].events.append(event)  # type: ignore[attr-defined]
                else:
                    writes.append(StreamWrite(stream, [event], version - 1))
            store.append_streams(writes, meta)

    seconds = c.timed(go)
    backend.dispose()
    return seconds


def run_floor(path, txs: list[Tx]) -> float:
    db = sqlite3.connect(str(path / "floor.db"), isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(
        "CREATE TABLE events (position INTEGER PRIMARY KEY, stream_id TEXT NOT NULL, "
        "stream_version INTEGER NOT NULL, type TEXT NOT NULL, schema_version INTEGER NOT NULL, "
        "data TEXT NOT NULL, meta TEXT NOT NULL, occurred_at TEXT NOT NULL, "
        "UNIQUE (stream_id, stream_version))")
    insert = ("INSERT INTO events (stream_id, stream_version, type, schema_version, data, meta, "
              "occurred_at) VALUES (?,?,?,?,?,?,?)")
    when = "2026-12-01 00:00:00.000000"
    db.executemany(insert, [(s, 1, *serialization.encode(e), "{}", when)
                            for s, _, e in thread_starts(txs)])
    metas = [serialization.dumps(m) for m in tx_meta(txs)]

    def go() -> None:
        for tx, meta in zip(txs, metas, strict=True):
            streams = sorted({stream for stream, _, _ in tx})
            db.execute("BEGIN IMMEDIATE")
            db.execute("SELECT stream_id, MAX(stream_version) FROM events WHERE stream_id IN "
                       f"({','.join('?' * len(streams))}) GROUP BY stream_id", streams).fetchall()
            db.executemany(insert, [(stream, version, *serialization.encode(event), meta, when)
                                    for stream, version, event in tx])
            db.execute("COMMIT")

    seconds = c.timed(go)
    db.close()
    return seconds


def run_peer(path, txs: list[Tx], sync: str) -> float:
    recorder = open_peer(path / "peer.db", sync=sync)
    recorder.insert_events([StoredEvent(s, 1, get_topic(type(e)),
                                        serialization.encode(e)[2].encode("utf-8"))
                            for s, _, e in thread_starts(txs)])
    topics: dict[type, str] = {}

    def go() -> None:
        for tx in txs:
            stored = []
            for stream, version, event in tx:
                cls = type(event)
                topic = topics.get(cls) or topics.setdefault(cls, get_topic(cls))
                data = serialization.encode(event)[2].encode("utf-8")
                stored.append(StoredEvent(stream, version, topic, data))
            recorder.insert_events(stored)

    seconds = c.timed(go)
    close_peer(recorder)
    return seconds


def main(argv: list[str] | None = None) -> str:
    p = c.parser(__doc__)
    p.add_argument("--transactions", type=int, default=None)
    p.add_argument("--streams-per-tx", type=int, default=10, choices=(1, 2, 5, 10))
    p.add_argument("--peer-sync", default="normal", choices=("normal", "full"))
    args = p.parse_args(argv)
    n_tx = args.transactions or (500 if args.quick else 3000)
    rounds = args.rounds or (3 if args.quick else 5)
    txs = make_transactions(n_tx, args.streams_per_tx)
    n_events = n_tx * EVENTS_PER_TX
    ours: list[float] = []
    peer: list[float] = []
    floor: list[float] = []
    runs = [(ours, lambda path: run_ours(path, txs)),
            (peer, lambda path: run_peer(path, txs, args.peer_sync)),
            (floor, lambda path: run_floor(path, txs))]
    for r in range(rounds):
        with c.workdir("append") as path:
            # Rotate who goes first, so drift (page cache, CPU clock) hits all.
            for rates, run in runs[r % 3:] + runs[:r % 3]:
                rates.append(n_events / run(path))
        c.log(args, f"round {r + 1}: ours {c.fmt(ours[-1])}, peer {c.fmt(peer[-1])}, "
                    f"floor {c.fmt(floor[-1])} events/s")
    lines = "\n".join([
        c.summary("eventstore_append", c.median(ours), "eventsourcing", c.median(peer),
                  "events/s"),
        c.summary("eventstore_append_floor", c.median(ours), "bare-sqlite3", c.median(floor),
                  "events/s"),
    ])
    print(lines, flush=True)
    return lines


if __name__ == "__main__":
    main(sys.argv[1:])
