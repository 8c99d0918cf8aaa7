"""A write that hands a handler another handler's command is a type error, caught by mypy.

Issue 15: ``context.send`` is generic over the command and the handler's
result, so the mistake fails ``make lint`` instead of a request in production.
One mypy run checks a small snippet: the lines marked ``# error`` must be the
only ones reported, so the right calls (and the results they keep) type-check.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from mypy import api

ROOT = Path(__file__).resolve().parents[2]

SNIPPET = '''\
from __future__ import annotations

from forum.core.handlers import Services
from forum.core.permissions import Viewer
from forum.features.rooms.commands import React
from forum.features.threads.commands import LockThread, PostReply, StartThread
from forum.features.threads.handlers import lock_thread, post_reply, start_thread
from forum.web.context import send


def right() -> tuple[str, int]:
    send(lock_thread, LockThread("thread", "spam"))  # a handler taking a union of commands
    thread_id, post_id = send(start_thread, StartThread("conference", "subject", "body"))
    return send(post_reply, PostReply(thread_id, post_id, "body"))


def wrong_command() -> None:
    send(start_thread, PostReply("thread", "post", "body"))  # error
    send(lock_thread, React("room", "message", "+1"))  # error


def wrong_result() -> int:
    return send(start_thread, StartThread("conference", "subject", "body"))  # error


def not_a_handler(svc: Services, actor: Viewer) -> None:
    send(lambda svc, actor: None, StartThread("conference", "subject", "body"))  # error
'''


@pytest.fixture()
def snippet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # mypy must resolve `forum` to this checkout, not to an installed copy.
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MYPYPATH", str(ROOT))
    path = tmp_path / "writes.py"
    path.write_text(SNIPPET, encoding="utf-8")
    return path


def test_mypy_rejects_a_handler_given_the_wrong_command(snippet: Path) -> None:
    stdout, stderr, _status = api.run([
        "--strict", "--follow-imports=silent", "--no-error-summary",
        "--config-file", str(ROOT / "pyproject.toml"),
        "--cache-dir", os.devnull,  # one cold run; no cache shared with `make lint`
        str(snippet),
    ])
    assert not stderr
    reported = {int(m.group(1)) for m in re.finditer(r"^.*?writes\.py:(\d+): error:", stdout,
                                                     re.M)}
    expected = {number for number, line in enumerate(SNIPPET.splitlines(), start=1)
                if line.endswith("# error")}
    assert reported == expected, stdout
