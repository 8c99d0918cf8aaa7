"""Small fediverse servers on loopback: one actor each, inboxes that check our signatures.

Each :class:`Peer` is a real HTTP server (Werkzeug, threaded) on 127.0.0.1 at a
port of its own. It serves its actor's document (with a public key) and records
every POST to its inboxes after verifying the draft-cavage signature with the
``httpsig`` library (not our code), and the body's Digest with hashlib. It
signs its own requests (a Follow, an Undo) with ``httpsig`` too.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlsplit

import httpsig
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # one for all peers
PRIVATE_PEM = _KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())
PUBLIC_PEM = _KEY.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


@dataclass
class Received:
    path: str
    activity: dict[str, Any]
    key_id: str
    at: float


@dataclass
class Peer:
    """``keys`` maps a keyId of ours to its public PEM (how the peer checks us)."""

    keys: Callable[[str], str | None]
    name: str = "alice"
    status: int = 202
    shared: bool = True
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self.server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.actor_id = f"{self.base}/users/{self.name}"
        self.inbox = f"{self.actor_id}/inbox"
        self.shared_inbox = f"{self.base}/inbox"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()

    # --- what it serves ---------------------------------------------------------------

    def actor(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "@context": ["https://www.w3.org/ns/activitystreams",
                         "https://w3id.org/security/v1"],
            "id": self.actor_id, "type": "Person", "preferredUsername": self.name,
            "name": self.name.title(), "inbox": self.inbox,
            "url": f"{self.base}/@{self.name}",
            "icon": {"type": "Image", "url": f"{self.base}/avatar.png"},
            "publicKey": {"id": f"{self.actor_id}#main-key", "owner": self.actor_id,
                          "publicKeyPem": PUBLIC_PEM}}
        if self.shared:
            document["endpoints"] = {"sharedInbox": self.shared_inbox}
        return document

    def _app(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        if request.method == "GET" and request.path == urlsplit(self.actor_id).path:
            response = Response(json.dumps(self.actor()), mimetype="application/activity+json")
        elif request.method == "POST" and request.path in (urlsplit(self.inbox).path,
                                                           urlsplit(self.shared_inbox).path):
            response = self._receive(request)
        else:
            response = Response("not here", status=404)
        return response(environ, start_response)

    def _receive(self, request: Request) -> Response:
        body = request.get_data()
        headers = dict(request.headers)
        try:
            key_id = _verify(request.method, request.full_path.rstrip("?"), headers, body,
                             self.keys)
        except ValueError as exc:
            with self._lock:
                self.refused.append(str(exc))
            return Response(str(exc), status=401)
        if self.delay:
            time.sleep(self.delay)
        with self._lock:
            self.received.append(Received(request.path, json.loads(body), key_id, time.time()))
        return Response("", status=self.status)

    # --- what it sends ----------------------------------------------------------------

    def sign(self, method: str, url: str, body: bytes) -> dict[str, str]:
        parts = urlsplit(url)
        headers = {"Host": parts.netloc,
                   "Date": format_datetime(datetime.now(UTC), usegmt=True),
                   "Digest": "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest())
                   .decode(), "Content-Type": "application/activity+json"}
        signer = httpsig.HeaderSigner(f"{self.actor_id}#main-key", PRIVATE_PEM,
                                      algorithm="rsa-sha256",
                                      headers=["(request-target)", "host", "date", "digest"],
                                      sign_header="signature")
        signed: dict[str, str] = signer.sign(headers, host=parts.netloc, method=method,
                                             path=parts.path)
        return signed

    def follow(self, target: str, follow_id: str | None = None) -> dict[str, Any]:
        return {"@context": "https://www.w3.org/ns/activitystreams",
                "id": follow_id or f"{self.actor_id}#follows/{time.time_ns()}",
                "type": "Follow", "actor": self.actor_id, "object": target}

    def undo(self, follow: dict[str, Any]) -> dict[str, Any]:
        return {"@context": "https://www.w3.org/ns/activitystreams",
                "id": f"{follow['id']}/undo", "type": "Undo", "actor": self.actor_id,
                "object": {k: v for k, v in follow.items() if k != "@context"}}

    def activities(self, kind: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            found = [r.activity for r in self.received]
        return [a for a in found if kind is None or a.get("type") == kind]


def _verify(method: str, path: str, headers: dict[str, str], body: bytes,
            keys: Callable[[str], str | None]) -> str:
    signature = headers.get("Signature", "")
    params = dict(part.split("=", 1) for part in signature.split(","))
    key_id = params.get("keyId", "").strip('"')
    pem = keys(key_id)
    if pem is None:
        raise ValueError(f"unknown key {key_id}")
    expected = "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()
    if headers.get("Digest") != expected:
        raise ValueError("digest mismatch")
    verifier = httpsig.HeaderVerifier(
        headers=headers, secret=pem.encode(), method=method, path=path,
        sign_header="signature", required_headers=["(request-target)", "host", "date",
                                                   "digest"])
    if not verifier.verify():
        raise ValueError("the signature does not verify")
    return key_id
