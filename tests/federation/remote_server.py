"""A small fediverse server on loopback that replies into our threads.

A real HTTP server (Werkzeug, threaded) on 127.0.0.1 serving its accounts' actor
documents, each with a public key. It signs what it sends with libraries that
are not our code: ``httpsig`` (draft-cavage, as Mastodon signs) or
``http-message-signatures`` (RFC 9421).
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlsplit

import httpsig
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask.testing import FlaskClient
from http_message_signatures import HTTPMessageSigner, HTTPSignatureKeyResolver, algorithms
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from federation.delivery.signatures import digest

BASE = "http://127.0.0.1:5000"  # our server, as tests/federation/conftest.py sets it
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PRIVATE_PEM = _KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())
PUBLIC_PEM = _KEY.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


class _Keys(HTTPSignatureKeyResolver):  # type: ignore[misc]
    def resolve_private_key(self, key_id: str) -> Any:
        return _KEY


class RemoteServer:
    """Accounts ``/users/<name>``; ``send`` posts a signed activity to our inbox."""

    def __init__(self) -> None:
        self.server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.host = urlsplit(self.base).hostname or ""
        self.counter = 0
        self.fetches = 0
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()

    def actor_id(self, name: str) -> str:
        return f"{self.base}/users/{name}"

    def actor(self, name: str) -> dict[str, Any]:
        actor_id = self.actor_id(name)
        return {
            "@context": ["https://www.w3.org/ns/activitystreams",
                         "https://w3id.org/security/v1"],
            "id": actor_id, "type": "Person", "preferredUsername": name,
            "name": f"{name.title()} <b>Remote</b>", "inbox": f"{actor_id}/inbox",
            "url": f"{self.base}/@{name}", "endpoints": {"sharedInbox": f"{self.base}/inbox"},
            "icon": {"type": "Image", "url": f"{self.base}/avatars/{name}.png"},
            "publicKey": {"id": f"{actor_id}#main-key", "owner": actor_id,
                          "publicKeyPem": PUBLIC_PEM}}

    def _app(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        parts = request.path.strip("/").split("/")
        if request.method == "GET" and len(parts) == 2 and parts[0] == "users":
            self.fetches += 1
            response = Response(json.dumps(self.actor(parts[1])),
                                mimetype="application/activity+json")
        else:
            response = Response("not here", status=404)
        return response(environ, start_response)

    # --- what it sends -----------------------------------------------------------------

    def new_id(self, kind: str) -> str:
        self.counter += 1
        return f"{self.base}/{kind}/{self.counter}"

    def note(self, name: str, in_reply_to: str, content: str, **extra: Any) -> dict[str, Any]:
        note_id = self.new_id("notes")
        return {"id": note_id, "type": "Note", "attributedTo": self.actor_id(name),
                "inReplyTo": in_reply_to, "content": content, "to": [PUBLIC],
                "url": f"{self.base}/@{name}/{note_id.rsplit('/', 1)[-1]}",
                "published": datetime.now(UTC).isoformat(), **extra}

    def activity(self, name: str, kind: str, obj: Any) -> dict[str, Any]:
        return {"@context": "https://www.w3.org/ns/activitystreams",
                "id": self.new_id("activities"), "type": kind,
                "actor": self.actor_id(name), "object": obj, "to": [PUBLIC]}

    def signed_headers(self, name: str, path: str, body: bytes, *, rfc9421: bool = False,
                       content_type: str = "application/activity+json") -> dict[str, str]:
        key_id = f"{self.actor_id(name)}#main-key"
        if rfc9421:
            prepared = requests.Request("POST", BASE + path, data=body,
                                        headers={"Content-Type": content_type}).prepare()
            HTTPMessageSigner(signature_algorithm=algorithms.RSA_V1_5_SHA256,
                              key_resolver=_Keys()).sign(
                prepared, key_id=key_id, created=datetime.now(UTC),
                covered_component_ids=("@method", "@target-uri"), body=body)
            return {k: v for k, v in prepared.headers.items() if k != "Content-Length"}
        headers = {"Host": urlsplit(BASE).netloc, "Content-Type": content_type,
                   "Date": format_datetime(datetime.now(UTC), usegmt=True),
                   "Digest": digest(body)}
        signer = httpsig.HeaderSigner(key_id, PRIVATE_PEM, algorithm="rsa-sha256",
                                      headers=["(request-target)", "host", "date", "digest"],
                                      sign_header="signature")
        signed: dict[str, str] = signer.sign(headers, host=headers["Host"], method="POST",
                                             path=path)
        return signed

    def send(self, client: FlaskClient, name: str, activity: dict[str, Any], *,
             path: str = "/inbox", rfc9421: bool = False,
             content_type: str = "application/activity+json") -> Any:
        """POST the activity to our inbox through the test client, signed as ``name``."""
        body = json.dumps(activity).encode()
        headers = self.signed_headers(name, path, body, rfc9421=rfc9421,
                                      content_type=content_type)
        return client.post(path, data=body, headers=headers, base_url=BASE,
                           content_type=content_type)
