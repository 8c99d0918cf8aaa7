"""PostgreSQL away for a few seconds: requests get a clear 503 and recover by themselves.

The real server keeps running for the other tests; the outage is a TCP relay
between the app and PostgreSQL that we close (cutting every open connection)
and open again on the same port.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from forum import create_app
from forum.features.conferences import handlers as conferences
from forum.features.conferences.commands import CreateConference
from forum.features.members import handlers as members
from forum.features.members.commands import IssueApiToken
from forum.features.threads import handlers as threads
from forum.features.threads.commands import StartThread
from tests.conftest import People, make_config
from tests.servers import free_port


class Relay:
    """Forwards a local port to PostgreSQL until stopped; can start again."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            with self._lock:
                self._sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def stop(self) -> None:
        """The outage: refuse new connections and cut the open ones."""
        if self._listener is not None:
            try:  # wakes the blocked accept() (close alone would not, on Linux)
                self._listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._listener.close()
            self._listener = None
        with self._lock:
            for sock in self._sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self._sockets.clear()


@pytest.fixture
def relay(pg_schema_url: str) -> Iterator[Relay]:
    url = make_url(pg_schema_url)
    result = Relay((url.host or "127.0.0.1", url.port or 5432))
    result.start()
    yield result
    result.stop()


def test_requests_fail_with_503_while_postgres_is_away_and_recover_after(
    pg_schema_url: str, relay: Relay, tmp_path: Path
) -> None:
    url = make_url(pg_schema_url).set(host="127.0.0.1", port=relay.port)
    app = create_app(make_config(tmp_path, url.render_as_string(hide_password=False)))
    app.config["WTF_CSRF_ENABLED"] = False
    backend = app.extensions["commonroom"]
    try:
        people = People(backend)
        conf = conferences.create_conference(
            backend.services, people.admin,
            CreateConference("lounge", "Lounge", "public", ""))
        thread_id, _ = threads.start_thread(
            backend.services, people.staff, StartThread(conf, "Hello", "First."))
        token = members.issue_api_token(backend.services, people.staff,
                                        IssueApiToken("outage"))
        auth = {"Authorization": f"Bearer {token}"}
        client = app.test_client()
        assert client.get(f"/t/{thread_id}").status_code == 200
        head = backend.store.head()

        # When PostgreSQL goes away
        relay.stop()

        # Then pages and the API answer 503 "try again", with Retry-After, never a 500
        page = client.get("/")
        assert page.status_code == 503
        assert "try again" in page.get_data(as_text=True).lower()
        assert page.headers["Retry-After"] == "5"
        reply = client.post(f"/api/v1/threads/{thread_id}/posts", json={"body": "Lost?"},
                            headers=auth)
        assert reply.status_code == 503
        assert reply.get_json()["code"] == "unavailable"

        # When it comes back, the next requests work without a restart
        relay.start()
        assert client.get(f"/t/{thread_id}").status_code == 200
        sent = client.post(f"/api/v1/threads/{thread_id}/posts", json={"body": "Back."},
                           headers=auth)
        assert sent.status_code == 201, sent.get_json()
        # And the refused reply was never written: only the one sent after is new
        new = backend.store.read_all(head)
        assert [r.event.type for r in new] == ["ReplyPosted"]
        assert new[0].event.body == "Back."  # type: ignore[attr-defined]
    finally:
        backend.dispose()
