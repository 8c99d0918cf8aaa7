"""Federation: publish one article to 1,000 followers on 50 hosts; sign and verify requests.

- delivery: 1,000 remote followers of a public conference, 20 on each of 50
  loopback servers (distinct ports, each with a shared inbox), put in the log
  as FollowRequested/FollowAccepted. An article from the conference is
  approved; we time from the approval until every server has received the
  group's Announce of its Create: the outbox subscriber turning the event into
  jobs (one per shared inbox: 50, not 1,000) and the delivery worker sending
  them, signed, over HTTP. The receivers are small threaded Werkzeug servers in
  this process that record activity ids. No peer runs the same workload here,
  so this line has no ratio.
- signatures: one signed POST (a 1 KiB activity) signed and verified, per
  second: ours (draft-cavage, ``rsa-sha256`` over ``(request-target) host
  date digest``, federation/delivery/signatures.py) against the ``http-message-signatures``
  library (RFC 9421, ``rsa-v1_5-sha256`` over ``@method @authority
  @target-uri content-digest``), both RSA-2048, both with a body digest.
  Ratio above 1: ours faster.
"""

from __future__ import annotations

import statistics
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import _common as c
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageVerifier,
    HTTPSignatureKeyResolver,
    algorithms,
)
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

HOSTS = 50
FOLLOWERS = 1_000
BASE = "http://127.0.0.1:5000"


# --- receivers ---------------------------------------------------------------------------


class Receivers:
    """HOSTS small servers; ``have(activity_id)`` counts those that received it."""

    def __init__(self, hosts: int) -> None:
        self.lock = threading.Lock()
        self.seen: dict[str, set[int]] = {}
        self.servers = []
        for number in range(hosts):
            server = make_server("127.0.0.1", 0, self._app(number), threaded=True)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.servers.append(server)

    def _app(self, number: int) -> Any:
        def app(environ: dict[str, Any], start_response: Any) -> Any:
            request = Request(environ)
            activity = request.get_json(force=True, silent=True) or {}
            with self.lock:
                self.seen.setdefault(str(activity.get("id")), set()).add(number)
            return Response("", status=202)(environ, start_response)
        return app

    def ports(self) -> list[int]:
        return [server.server_port for server in self.servers]

    def have(self, activity_id: str) -> int:
        with self.lock:
            return len(self.seen.get(activity_id, ()))

    def stop(self) -> None:
        for server in self.servers:
            server.shutdown()


# --- delivery ----------------------------------------------------------------------------


def delivery(args: Any, path: Path, rounds: int) -> tuple[list[float], int]:
    from federation.follows import handlers as follows
    from federation.follows.events import FollowAccepted, FollowRequested
    from forum import create_app
    from forum.core.config import Config
    from forum.core.events import Event
    from forum.core.permissions import Viewer
    from forum.features.articles import handlers as articles
    from forum.features.articles.commands import ApproveArticle, ProposeArticle
    from forum.features.conferences import handlers as conferences
    from forum.features.conferences.commands import CreateConference
    from forum.features.members import handlers as members
    from forum.features.members.commands import RegisterMember
    from forum.features.threads import handlers as threads
    from forum.features.threads.commands import StartThread

    config = Config(data_dir=path, database_url=f"sqlite:///{path / 'commonroom.db'}",
                    secret_key="bench", base_url=BASE, federation=True,
                    allow_loopback_federation=True, run_subscribers=False,
                    password_time_cost=1, password_memory_cost=1024)
    app = create_app(config)
    backend = app.extensions["commonroom"]
    svc = backend.services
    admin_id = members.register_member(svc, members.SYSTEM, RegisterMember(
        "ada", "Ada", "ada@example.org", "correct horse battery", "admin"))
    admin = Viewer(admin_id, "admin")
    cid = conferences.create_conference(svc, admin, CreateConference(
        "open", "Open", "public"))
    receivers = Receivers(HOSTS)
    local = f"conference:{cid}"
    history: list[Event] = []
    for number in range(FOLLOWERS):
        port = receivers.ports()[number % HOSTS]
        actor = f"http://127.0.0.1:{port}/users/u{number}"
        history += [FollowRequested(local, actor, f"{actor}#follow", f"{actor}/inbox",
                                       f"http://127.0.0.1:{port}/inbox", f"@u{number}@x", "U"),
                    FollowAccepted(local, actor, f"{actor}#follow", "")]
    svc.store.append(follows.stream(local), history, expected_version=0, meta={})
    runner = backend.runner()
    worker = app.extensions["commonroom_delivery"]
    while runner.run_once():
        pass
    from federation.tables import deliveries
    with backend.engine.begin() as conn:  # the 1,000 Accepts are set-up, not the benchmark
        conn.execute(deliveries.update().values(status="cancelled"))
    times = []
    try:
        for round_no in range(rounds + 1):  # the first warms up (keys, connections)
            thread_id, _ = threads.start_thread(svc, admin, StartThread(
                cid, f"Findings {round_no}", c.body(__import__("random").Random(round_no))))
            article_id = articles.propose_article(svc, admin, ProposeArticle(
                "thread", thread_id))
            while runner.run_once() or worker.run_due():
                pass  # the thread's own Announce goes out before the clock starts
            started = time.perf_counter()
            slug = articles.approve_article(svc, admin, ApproveArticle(article_id))
            wanted = f"{BASE}/blog/{slug}#create#announce"
            while receivers.have(wanted) < HOSTS:
                runner.run_once()
                worker.run_due()
            elapsed = time.perf_counter() - started
            c.log(args, f"round {round_no}: {elapsed:.3f} s to {HOSTS} hosts")
            if round_no:
                times.append(elapsed)
        with backend.engine.connect() as conn:
            sent = conn.execute(deliveries.select().where(
                deliveries.c.status == "delivered",
                deliveries.c.object_id == f"{BASE}/blog/{slug}")).all()
    finally:
        runner.stop()
        receivers.stop()
        backend.dispose()
    return times, len(sent)


# --- signatures ----------------------------------------------------------------------------


class Keys(HTTPSignatureKeyResolver):  # type: ignore[misc]
    def __init__(self, private: Any) -> None:
        self.private, self.public = private, private.public_key()

    def resolve_public_key(self, key_id: str) -> Any:
        return self.public

    def resolve_private_key(self, key_id: str) -> Any:
        return self.private


def signatures(iterations: int) -> tuple[float, float]:
    from federation.delivery import signatures as sig

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    body = b'{"type":"Create","object":{"content":"' + b"x" * 1000 + b'"}}'
    url = "https://far.example/inbox"
    key_id = f"{BASE}/c/open#main-key"

    def ours() -> None:
        headers = sig.sign("POST", url, private, key_id, body=body)
        assert sig.verify("POST", "/inbox", headers, body, lambda _k, _r: pem) == key_id

    keys = Keys(private)
    signer = HTTPMessageSigner(signature_algorithm=algorithms.RSA_V1_5_SHA256, key_resolver=keys)
    verifier = HTTPMessageVerifier(signature_algorithm=algorithms.RSA_V1_5_SHA256,
                                   key_resolver=keys)

    def theirs() -> None:
        request = requests.Request("POST", url, data=body, headers={
            "Content-Type": "application/activity+json"}).prepare()
        # The library adds (and on verifying, checks) the Content-Digest of the body.
        signer.sign(request, key_id=key_id, created=datetime.now(UTC), body=body,
                    covered_component_ids=("@method", "@authority", "@target-uri",
                                           "content-digest"))
        assert verifier.verify(request, body=body,
                               require_components=("content-digest",))

    rates = []
    for fn in (ours, theirs):
        fn()
        started = time.perf_counter()
        for _ in range(iterations):
            fn()
        rates.append(iterations / (time.perf_counter() - started))
    return rates[0], rates[1]


def main(argv: list[str] | None = None) -> list[str]:
    p = c.parser(__doc__)
    args = p.parse_args(argv)
    rounds = args.rounds or (1 if args.quick else 3)
    iterations = 200 if args.quick else 1_000
    with c.workdir("federation") as path:
        times, sent = delivery(args, path, rounds)
    pairs = [signatures(iterations) for _ in range(rounds)]
    ours = statistics.median(p[0] for p in pairs)
    theirs = statistics.median(p[1] for p in pairs)
    lines = [
        f"federation_delivery: ours {statistics.median(times):.2f} s until {HOSTS} hosts had "
        f"one article for {FOLLOWERS:,} followers ({sent} signed POSTs, to shared inboxes; "
        f"median of {rounds})",
        c.summary("federation_signatures", ours, "http-message-signatures", theirs,
                  "sign+verify/s"),
    ]
    for line in lines:
        print(line, flush=True)
    return lines


if __name__ == "__main__":
    main()
