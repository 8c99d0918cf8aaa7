"""Live fan-out: one room, 200 connected clients, messages through the real command path.

Method: each side is one server process on 127.0.0.1, served the same way
(Werkzeug's threaded server, python-socketio in threading mode over
WebSocket with simple-websocket):

- ours: ``commonroom run`` on a fresh SQLite database (data seeded through
  the handlers): a room, the listeners' member and the sender's. A message
  is a ``send`` event on the sender's socket: the socket handler, the room
  decision, the append (projections, notifications) and commit, then the
  live follower reads the log and delivers to the room's sockets. In the
  burst, messages that queue behind the room's writer are appended in one
  transaction (group commit), and what the follower reads at once reaches
  each socket as one ``room_events`` packet (a list); the client counts each
  message in it as a delivery, timed when the packet arrives.
- peer (``bench/_socketio_peer.py``): a bare python-socketio server that
  broadcasts the same payload to the same room on ``send``, with nothing
  behind it: one packet per message, as the library does.

The load is ``bench/js/fanout.mjs`` (node, socket.io-client from npm): 200
clients join the room (``--quick``: 50), one more sends 5 messages a second
for 10 s (``--quick``: 4 s) and every delivery is timed against its send on
the same clock; then a burst of 100 messages (``--quick``: 30) is sent as
fast as the server acknowledges, and deliveries/s is every burst delivery
over the time from the first send to the last delivery. A run with any
delivery missing fails. Three rounds (``--quick``: one), alternating which
side goes first; each figure is the median over rounds.

Prints (headline last)::

    live_fanout_p50: ours ... ms, python-socketio ... ms, ratio ...
    live_fanout_deliveries: ours ... deliveries/s, python-socketio ..., ratio ...
    live_fanout_p95: ours ... ms, python-socketio ... ms, ratio ...

For latency lower is better: the ratio is ours / peer, aim <= 1.5 at p95;
deliveries/s aim >= 5,000 on 2 cores.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import _common as c

from forum.backend import open_backend
from forum.core.config import Config
from forum.core.permissions import Viewer
from forum.features.members import handlers as members
from forum.features.members.commands import IssueApiToken, RegisterMember
from forum.features.rooms import handlers as rooms
from forum.features.rooms.commands import CreateRoom

PEER = "python-socketio"
SCRIPT = c.BENCH_DIR / "js" / "fanout.mjs"


def seed(data_dir: Path) -> tuple[str, str, str]:
    """A room with its listener and sender; returns (room id, listener token, sender token)."""
    config = Config(data_dir=data_dir, database_url=f"sqlite:///{data_dir / 'commonroom.db'}",
                    secret_key="bench", password_time_cost=1, password_memory_cost=1024)
    backend = open_backend(config)
    svc = backend.services
    admin = Viewer(members.register_member(svc, members.SYSTEM, RegisterMember(
        "admin", "Admin", "admin@example.org", "a long password", "admin")), "admin")
    people = [Viewer(members.register_member(svc, admin, RegisterMember(
        handle, handle.title(), f"{handle}@example.org", "a long password", "staff")), "staff")
        for handle in ("listener", "sender")]
    room_id = rooms.create_room(svc, admin, CreateRoom("Fan-out", "fan-out", members=tuple(
        p.member_id or "" for p in people)))
    tokens = [members.issue_api_token(svc, p, IssueApiToken("bench")) for p in people]
    backend.dispose()
    return room_id, tokens[0], tokens[1]


def drive(url: str, clients: int, token: str, room: str, seconds: int, burst: int
          ) -> dict[str, float]:
    node = shutil.which("node")
    if node is None:
        raise SystemExit("node is needed for the load side (bench/js/fanout.mjs)")
    out = subprocess.run([node, str(SCRIPT), url, str(clients), token, room, "5", str(seconds),
                          str(burst)], cwd=c.ROOT, capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    found = json.loads(out.stdout.strip().splitlines()[-1])
    if found["missing"]:
        raise RuntimeError(f"{found['missing']} deliveries never arrived")
    latencies = sorted(found["latencies_ms"])
    return {
        "p50": latencies[len(latencies) // 2],
        "p95": latencies[int(len(latencies) * 0.95)],
        "rate": found["burst"]["deliveries"] / found["burst"]["seconds"],
    }


def main() -> int:
    args = c.parser(__doc__).parse_args()
    clients, seconds, burst = (50, 4, 30) if args.quick else (200, 10, 100)
    work = c.WORK_DIR / "live_fanout"
    shutil.rmtree(work, ignore_errors=True)
    (work / "data").mkdir(parents=True)
    room_id, listener, sender = seed(work / "data")
    env = {**os.environ, "COMMONROOM_DATA_DIR": str(work / "data"),
           "COMMONROOM_SECRET_KEY": "bench", "COMMONROOM_MESSAGE_RATE_LIMIT": "1000 per second"}
    rounds = args.rounds or (1 if args.quick else 3)
    results: dict[str, list[dict[str, float]]] = {}
    sides = [
        ("ours", [sys.executable, "-m", "forum.cli", "run", "--port", "{port}"], c.ROOT),
        (PEER, [sys.executable, str(c.BENCH_DIR / "_socketio_peer.py"), "--port", "{port}"],
         c.BENCH_DIR),
    ]
    for round_ in range(rounds):
        # Alternate which side goes first, so neither always meets a warmer machine.
        for name, argv, cwd in sides if round_ % 2 == 0 else reversed(sides):
            server = c.Server(name, argv, cwd, env, work / f"{name}.log")
            try:
                server.wait_ready("/" if name == "ours" else "/socket.io/?EIO=4&transport=polling")
                # One token for the listeners, one for the sender (the peer ignores them).
                found = drive(server.base, clients, f"{listener}|{sender}", room_id,
                              seconds, burst)
                results.setdefault(name, []).append(found)
                c.log(args, name, found)
            finally:
                server.stop()
    ours, peer = ({key: c.median([r[key] for r in results[side]]) for key in ("p50", "p95",
                                                                           "rate")}
                  for side in ("ours", PEER))
    print(c.summary("live_fanout_p50", ours["p50"], PEER, peer["p50"], "ms"))
    print(c.summary("live_fanout_deliveries", ours["rate"], PEER, peer["rate"], "deliveries/s"))
    print(c.summary("live_fanout_p95", ours["p95"], PEER, peer["p95"], "ms"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
