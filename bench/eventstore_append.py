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

Unit: events/s, higher is better; ratio = ours / peer, above 1 means we are
faster. Target (issue): ratio >= 2.
Each round uses fresh databases for both; we report the median round.
"""

from __future__ import annotations

import random
import sys

import _common as c
from _peer import StoredEvent, close_peer, get_topic, open_peer

from forum import serialization
from forum.backend import open_backend
from forum.config import Config
from forum.events import Event, ReplyPosted, ThreadStarted
from forum.eventstore import EventStore, StreamWrite

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
    for r in range(rounds):
        with c.workdir("append") as path:
            # Alternate who goes first, so drift (page cache, CPU clock) hits both.
            if r % 2 == 0:
                ours.append(n_events / run_ours(path, txs))
                peer.append(n_events / run_peer(path, txs, args.peer_sync))
            else:
                peer.append(n_events / run_peer(path, txs, args.peer_sync))
                ours.append(n_events / run_ours(path, txs))
        c.log(args, f"round {r + 1}: ours {c.fmt(ours[-1])}, peer {c.fmt(peer[-1])} events/s")
    line = c.summary("eventstore_append", c.median(ours), "eventsourcing", c.median(peer),
                     "events/s")
    print(line, flush=True)
    return line


if __name__ == "__main__":
    main(sys.argv[1:])
