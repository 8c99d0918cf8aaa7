"""Real ``commonroom run`` processes for the tests that need them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path, port: int, **env: str) -> subprocess.Popen[bytes]:
    """``commonroom run`` on ``data_dir``, in its own process group; waits until it answers."""
    environment = {**os.environ, "COMMONROOM_DATA_DIR": str(data_dir),
                   "COMMONROOM_SECRET_KEY": "test-servers",
                   **{f"COMMONROOM_{k.upper()}": v for k, v in env.items()}}
    process = subprocess.Popen(
        [sys.executable, "-m", "forum.cli", "run", "--port", str(port)],
        env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=1)
            return process
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError("the server did not start")
