"""The only module that opens outbound connections: signed GETs and POSTs to other servers.

Contract (other federation modules build on it; keep it stable):

* ``Outbound(keys, base_url, allow_loopback)`` — one per process
  (``federation.http.server.outbound(app)``).
* ``Outbound.get_json(url)`` — a GET signed by the instance actor, ``Accept:
  application/activity+json``; returns the parsed JSON object or raises
  :class:`RemoteFailed` (HTTP status, timeout, too big, not JSON) or
  :class:`AddressRefused` (the SSRF guard).
* ``Outbound.post(url, body, sign_as, key_id)`` — a POST of ``body`` signed with the
  key of the local actor ``sign_as`` (``instance``, ``conference:<id>``,
  ``member:<id>``), announced as ``key_id`` (its actor id + ``#main-key``); returns
  a :class:`Sent` (the status, or the network error), never raises for the
  remote's answer.

Every request goes through :meth:`Outbound.check_address`: only ``http``/``https``
and only public addresses, unless ``COMMONROOM_ALLOW_LOOPBACK_FEDERATION=1``
(tests) lets loopback and private addresses through. The address a connection
actually reaches is checked again once it is open (:class:`_PublicOnly`), so a
name that resolves to a public address for the check and to a private one a
moment later (DNS rebinding) is refused too. Redirects are followed by
hand (at most three), each hop checked again. Responses are read up to
``max_bytes``; every request has a connect and read timeout.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import orjson
import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from federation.delivery import signatures
from federation.delivery.keys import KeyStore
from forum.core.errors import CommonroomError

ACTIVITY_JSON = "application/activity+json"
ACCEPT = f'{ACTIVITY_JSON}, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
MAX_BYTES = 1 << 20  # a remote document or answer larger than 1 MiB is refused
TIMEOUT = (5.0, 10.0)  # connect, read (seconds)
REDIRECTS = 3


class RemoteFailed(CommonroomError):
    """Another server did not give us what we asked for."""

    code = "remote_failed"
    http_status = 502

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message, status=status)
        self.status = status


class AddressRefused(RemoteFailed):
    """The address is not on the public internet (the SSRF guard)."""

    code = "address_refused"
    http_status = 400


@dataclass(frozen=True)
class Sent:
    """What became of one POST: the HTTP status, or why there was none."""

    status: int | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class NotPublic(OSError):
    """A connection reached an address that is not on the public internet."""


class _PublicOnly:
    """A connection that closes itself when its socket reached a non-public address."""

    def _new_conn(self) -> Any:
        sock = super()._new_conn()  # type: ignore[misc]
        address = str(sock.getpeername()[0])
        if not _public(address):
            sock.close()
            raise NotPublic(f"{address} is not a public address")
        return sock


class _PublicHTTPConnection(_PublicOnly, HTTPConnection):
    pass


class _PublicHTTPSConnection(_PublicOnly, HTTPSConnection):
    pass


class _PublicHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PublicHTTPConnection


class _PublicHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PublicHTTPSConnection


class _PublicAdapter(HTTPAdapter):
    """Requests' adapter whose connections check the address they actually reached."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _PublicHTTPPool,
                                                   "https": _PublicHTTPSPool}


@dataclass
class Outbound:
    keys: KeyStore
    base_url: str
    allow_loopback: bool = False
    timeout: tuple[float, float] = TIMEOUT
    max_bytes: int = MAX_BYTES
    _local: threading.local = field(default_factory=threading.local, repr=False)
    _private: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def session(self) -> requests.Session:
        # One keep-alive session per thread: requests' sessions are not thread-safe.
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.headers["User-Agent"] = f"Commonroom (+{self.base_url}/)"
            if not self.allow_loopback:
                session.mount("http://", _PublicAdapter())
                session.mount("https://", _PublicAdapter())
        return session

    @property
    def instance_key_id(self) -> str:
        """The ``keyId`` of the instance actor, which signs every GET."""
        return f"{self.base_url}/actor#main-key"

    def _private_key(self, actor: str) -> Any:
        # Decrypting a stored key (PKCS#8 under the secret key) takes far longer than
        # signing with it: do it once per actor and process.
        found = self._private.get(actor)
        if found is None:
            found = self._private[actor] = self.keys.private_key(actor)
        return found

    def check_address(self, url: str) -> None:
        """Refuse anything but http(s) to public addresses (unless loopback is allowed)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise AddressRefused(f"not an http(s) address: {url[:200]}")
        if self.allow_loopback:
            return
        try:
            infos = socket.getaddrinfo(parts.hostname, parts.port or None,
                                       proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError):
            raise RemoteFailed(f"cannot resolve {parts.hostname}") from None
        for info in infos:
            if not _public(str(info[4][0])):
                raise AddressRefused(f"{parts.hostname} is not a public address")

    def _send(self, method: str, url: str, sign_as: str, key_id: str,
              body: bytes | None, headers: Mapping[str, str]) -> requests.Response:
        for _hop in range(REDIRECTS + 1):
            self.check_address(url)
            private = self._private_key(sign_as)
            signed = signatures.sign(method, url, private, key_id,
                                     body=body, headers=headers)
            response = self.session.request(method, url, data=body, headers=signed,
                                            timeout=self.timeout, allow_redirects=False,
                                            stream=True)
            if response.is_redirect and method == "GET":
                location = response.headers.get("Location", "")
                response.close()
                url = urljoin(url, location)
                continue
            return response
        raise RemoteFailed(f"too many redirects from {url[:200]}")

    def _read(self, response: requests.Response) -> bytes:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
            if size > self.max_bytes:
                response.close()
                raise RemoteFailed(f"the answer is larger than {self.max_bytes} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    def get_json(self, url: str) -> dict[str, Any]:
        """GET an ActivityStreams document, signed by the instance actor (servers in
        secure mode require it)."""
        try:
            response = self._send("GET", url, "instance", self.instance_key_id, None,
                                  {"Accept": ACCEPT})
            with response:
                if response.status_code != 200:
                    raise RemoteFailed(f"{url[:200]} answered {response.status_code}",
                                       response.status_code)
                raw = self._read(response)
        except requests.RequestException as exc:
            raise RemoteFailed(f"fetching {url[:200]} failed: {type(exc).__name__}") from None
        try:
            document = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise RemoteFailed(f"{url[:200]} did not answer JSON") from None
        if not isinstance(document, dict):
            raise RemoteFailed(f"{url[:200]} did not answer a JSON object")
        return document

    def post(self, url: str, body: bytes, sign_as: str, key_id: str) -> Sent:
        """POST a signed activity; the answer's status (or the failure), never an exception."""
        headers = {"Content-Type": ACTIVITY_JSON, "Accept": ACCEPT}
        try:
            response = self._send("POST", url, sign_as, key_id, body, headers)
            with response:
                status = response.status_code
                reason = "" if 200 <= status < 300 else \
                    self._read(response)[:300].decode("utf-8", "replace")
            return Sent(status, reason or None)
        except AddressRefused as exc:
            return Sent(None, exc.message)
        except RemoteFailed as exc:
            return Sent(None, exc.message)
        except requests.Timeout:
            return Sent(None, "timed out")
        except requests.RequestException as exc:
            return Sent(None, f"{type(exc).__name__}: {str(exc)[:200]}")

