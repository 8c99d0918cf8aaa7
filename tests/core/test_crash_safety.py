"""Crash safety: kill -9 the server while people post; every acknowledged post survives.

A real ``commonroom run`` process on SQLite and on PostgreSQL, real HTTP clients posting replies
through the sign-in and reply forms, then SIGKILL mid-stream. After a restart
every reply that got its redirect (the acknowledgement) is in the thread, and
the log holds no half-written event: every stream's versions are contiguous.
"""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from forum.backend import Backend
from forum.features.conferences import handlers as conferences
from forum.features.conferences.commands import CreateConference
from forum.features.threads import handlers as threads
from forum.features.threads.commands import StartThread
from tests.conftest import PASSWORD, People, make_config
from tests.servers import free_port, start_server


def signed_in(base: str, handle: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    page = session.get(f"{base}/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    response = session.post(f"{base}/login", allow_redirects=False, data={
        "login": handle, "password": PASSWORD, "csrf_token": token.group(1)})
    assert response.status_code == 302
    return session, token.group(1)


def test_acknowledged_posts_survive_kill_9(backend: Backend, tmp_path: Path) -> None:
    url = backend.engine.url.render_as_string(hide_password=False)
    people = People(backend)
    svc = backend.services
    cid = conferences.create_conference(
        svc, people.admin, CreateConference("crash", "Crash", "internal"))
    thread_id, first_post = threads.start_thread(
        svc, people.admin, StartThread(cid, "Crash test", "first"))
    backend.dispose()
    data_dir = make_config(tmp_path).data_dir

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(data_dir, port, secret_key="crash-test", database_url=url)
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def poster(handle: str) -> None:
        session, token = signed_in(base, handle)
        number = 0
        while not stop.is_set() and number < 2000:
            number += 1
            body = f"{handle} reply {number}"
            try:
                response = session.post(f"{base}/t/{thread_id}/reply", allow_redirects=False,
                                        timeout=5, data={"parent_post_id": first_post,
                                                         "body": body, "csrf_token": token})
            except requests.RequestException:
                return  # the server is gone: this one was never acknowledged
            if response.status_code == 302:
                with lock:
                    acknowledged.append(body)

    workers = [threading.Thread(target=poster, args=(h,)) for h in ("sam", "oli")]
    for worker in workers:
        worker.start()
    time.sleep(2.5)
    os.killpg(server.pid, signal.SIGKILL)
    server.wait(10)
    stop.set()
    for worker in workers:
        worker.join(10)
    assert len(acknowledged) > 10, "too few posts were acknowledged to test anything"

    # Restart on the same files; then check every acknowledged reply is there.
    server = start_server(data_dir, port, secret_key="crash-test", database_url=url)
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            bodies = set(conn.execute(text(
                "SELECT body FROM posts WHERE thread_id = :t"), {"t": thread_id}).scalars())
            gaps = conn.execute(text(
                "SELECT stream_id FROM events GROUP BY stream_id "
                "HAVING MAX(stream_version) != COUNT(*)")).all()
            logged = conn.execute(text(
                "SELECT COUNT(*) FROM events WHERE type = 'ReplyPosted'")).scalar()
        engine.dispose()
        missing = [body for body in acknowledged if body not in bodies]
        assert missing == []
        assert gaps == []
        assert logged == len(bodies) - 1
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(10)
