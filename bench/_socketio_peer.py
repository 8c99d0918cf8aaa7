"""The peer of live_fanout.py: a bare python-socketio server broadcasting chat messages.

Not a benchmark itself. Same library, same threading mode and WebSocket
transport (simple-websocket), served by the same Werkzeug server as
``commonroom run``; it answers the same ``join`` and ``send`` events and
broadcasts a payload of the same shape as ours, with nothing behind it: no
sign-in, no access rule, no log, no database.

    python bench/_socketio_peer.py --port 5099
"""

from __future__ import annotations

import argparse
import itertools
import threading
from datetime import UTC, datetime
from typing import Any

import socketio
from werkzeug.serving import run_simple


def make_app() -> Any:
    server = socketio.Server(async_mode="threading")
    counter = itertools.count(1)
    lock = threading.Lock()

    @server.on("join")
    def join(sid: str, data: dict[str, Any]) -> dict[str, Any]:
        server.enter_room(sid, f"room:{data['id']}")
        return {"ok": True, "channel": f"room:{data['id']}", "catch_up": "none"}

    @server.on("send")
    def send(sid: str, data: dict[str, Any]) -> dict[str, Any]:
        with lock:
            seq = next(counter)
        message = {
            "id": f"{seq:012x}", "seq": seq, "room_id": data["room"], "author_id": sid[:12],
            "author_name": "Sender", "author_handle": "sender",
            "html": f"<p>{data['body']}</p>\n", "deleted": False, "revision": 1,
            "created_at": datetime.now(UTC).isoformat(), "reply_to": None, "reply_seq": None,
            "reply_author_name": None, "reactions": [],
        }
        server.emit("room_event", {"position": seq, "room_id": data["room"],
                                   "kind": "message", "message": message},
                    to=f"room:{data['room']}")
        return {"ok": True, "id": message["id"], "seq": seq}

    return socketio.WSGIApp(server)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    run_simple("127.0.0.1", args.port, make_app(), threaded=True)
