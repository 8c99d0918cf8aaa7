"""HTTP Signatures as the fediverse uses them (draft-cavage-http-signatures-12), keys injected.

Signing: ``rsa-sha256`` over ``(request-target) host date digest`` for a POST
(``(request-target) host date`` for a GET), as Mastodon signs. Verifying takes
what servers actually send: ``rsa-sha256``, ``hs2019`` or no ``algorithm`` at
all (all meaning RSA with SHA-256 for an RSA key), digest algorithm names in
any case (``SHA-256=`` and ``sha-256=``), the ``Signature`` header or
``Authorization: Signature …``. It refuses a ``Date`` (or ``(created)``) more
than an hour away from now in either direction, an expired ``(expires)``, a
body whose digest does not match (or a body without a signed digest), a
signature that does not cover the request target, an unknown key, and a
signature that does not verify — after fetching the key once more, in case it
was rotated.

RFC 9421 (HTTP Message Signatures: ``Signature-Input`` + ``Signature``, the body
signed through ``Content-Digest``) is verified by :func:`verify_message` with the
same refusals; :func:`verify_request` picks whichever kind a request carries.

The keys are passed in (a private key object to sign; a lookup from ``keyId``
to a public key PEM to verify), so no IO happens here.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import http_sf
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from forum.core.errors import NotAuthenticated

POST_HEADERS = ("(request-target)", "host", "date", "digest")
GET_HEADERS = ("(request-target)", "host", "date")
MAX_SKEW = timedelta(hours=1)
RSA_ALGORITHMS = ("rsa-sha256", "hs2019")
_PARAM = re.compile(r'\s*([A-Za-z]+)\s*=\s*(?:"([^"]*)"|([^,\s]*))\s*(?:,|$)')
_DIGESTS = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}
# (key id, refresh) → the public key in PEM, or None when there is no such key.
KeyLookup = Callable[[str, bool], str | None]


class SignatureRefused(NotAuthenticated):
    """The request's signature is missing, malformed, stale or wrong (HTTP 401)."""

    code = "bad_signature"


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def digest(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def _target(method: str, url_or_path: str) -> str:
    parts = urlsplit(url_or_path)
    path = parts.path or "/"
    return f"{method.lower()} {path}" + (f"?{parts.query}" if parts.query else "")


def signing_string(method: str, path: str, headers: Mapping[str, str], names: Sequence[str],
                   created: str | None = None, expires: str | None = None) -> str:
    """The text that is signed: one ``name: value`` line per signed header, in order."""
    lower = {k.lower(): v for k, v in headers.items()}
    lines = []
    for name in names:
        if name == "(request-target)":
            lines.append(f"{name}: {_target(method, path)}")
        elif name in ("(created)", "(expires)"):
            value = created if name == "(created)" else expires
            if value is None:
                raise SignatureRefused(f"the signature covers {name} but does not give it")
            lines.append(f"{name}: {value}")
        elif name in lower:
            lines.append(f"{name}: {lower[name].strip()}")
        else:
            raise SignatureRefused(f"the signature covers a '{name}' header the request lacks")
    return "\n".join(lines)


def sign(method: str, url: str, private_key: Any, key_id: str, *, body: bytes | None = None,
         now: datetime | None = None, headers: Mapping[str, str] | None = None
         ) -> dict[str, str]:
    """The headers to send: Host, Date, (Digest) and Signature, for a GET or a POST."""
    parts = urlsplit(url)
    sent = {"Host": parts.netloc, "Date": http_date(now or datetime.now(UTC)),
            **(headers or {})}
    names: Sequence[str] = GET_HEADERS
    if body is not None:
        sent["Digest"] = digest(body)
        names = POST_HEADERS
    text = signing_string(method, url, sent, names)
    signature = private_key.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())
    sent["Signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
        f'signature="{base64.b64encode(signature).decode()}"')
    return sent


@dataclass(frozen=True)
class Signature:
    key_id: str
    algorithm: str | None
    headers: tuple[str, ...]
    signature: bytes
    created: str | None = None
    expires: str | None = None


def parse(value: str) -> Signature:
    """The parameters of a ``Signature`` header (or of ``Authorization: Signature …``)."""
    value = value.strip()
    if value.lower().startswith("signature "):
        value = value[len("signature "):]
    params: dict[str, str] = {}
    position = 0
    while position < len(value):
        found = _PARAM.match(value, position)
        if found is None or found.end() == position:
            raise SignatureRefused("the Signature header is not a list of name=\"value\"")
        params[found.group(1).lower()] = found.group(2) if found.group(2) is not None \
            else found.group(3)
        position = found.end()
    if not params.get("keyid") or not params.get("signature"):
        raise SignatureRefused("the Signature header needs keyId and signature")
    try:
        raw = base64.b64decode(params["signature"], validate=True)
    except ValueError:
        raise SignatureRefused("the signature is not base64") from None
    names = tuple(params.get("headers", "date").lower().split())
    algorithm = params.get("algorithm", "").lower() or None
    return Signature(params["keyid"], algorithm, names, raw, params.get("created"),
                     params.get("expires"))


def _check_time(headers: Mapping[str, str], found: Signature, now: datetime) -> None:
    if found.created is not None:
        moment = _epoch(found.created, "(created)")
        if abs(now - moment) > MAX_SKEW:
            raise SignatureRefused("the signature was created too long ago, or in the future")
    if found.expires is not None and now > _epoch(found.expires, "(expires)"):
        raise SignatureRefused("the signature has expired")
    if "date" not in found.headers:
        if found.created is None or "(created)" not in found.headers:
            raise SignatureRefused("the signature must cover the Date header or (created)")
        return
    try:
        moment = parsedate_to_datetime(headers.get("date", ""))
    except (TypeError, ValueError):
        raise SignatureRefused("the Date header is not an HTTP date") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if abs(now - moment) > MAX_SKEW:
        raise SignatureRefused("the Date is more than an hour from now; check your clock")


def _epoch(value: str, name: str) -> datetime:
    try:
        return datetime.fromtimestamp(float(value), UTC)
    except (ValueError, OverflowError):
        raise SignatureRefused(f"{name} is not a time") from None


def _check_digest(headers: Mapping[str, str], found: Signature, body: bytes | None) -> None:
    if not body:
        return
    if "digest" not in found.headers:
        raise SignatureRefused("a request with a body must sign its Digest header")
    for part in headers.get("digest", "").split(","):
        name, _, value = part.strip().partition("=")
        make = _DIGESTS.get(name.lower())
        if make is not None:
            if base64.b64encode(make(body).digest()).decode() != value.strip():
                raise SignatureRefused("the body does not match its Digest")
            return
    raise SignatureRefused("the Digest header has no SHA-256 or SHA-512 value")


def _verifies(pem: str, text: bytes, signature: bytes) -> bool:
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except ValueError:
        return False
    if not isinstance(key, rsa.RSAPublicKey):
        return False
    try:
        key.verify(signature, text, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def verify(method: str, path: str, headers: Mapping[str, str], body: bytes | None,
           lookup: KeyLookup, now: datetime | None = None) -> str:
    """Check a request's draft-cavage signature; returns the ``keyId`` that signed it.

    ``path`` is the request target as received (path and query). Raises
    :class:`SignatureRefused` with the reason."""
    lower = {k.lower(): v for k, v in headers.items()}
    value = lower.get("signature") or lower.get("authorization", "")
    if not value or (not lower.get("signature")
                     and not value.lower().startswith("signature ")):
        raise SignatureRefused("the request is not signed")
    found = parse(value)
    if found.algorithm is not None and found.algorithm not in RSA_ALGORITHMS:
        raise SignatureRefused(f"unsupported signature algorithm {found.algorithm!r}")
    if "(request-target)" not in found.headers:
        raise SignatureRefused("the signature must cover (request-target)")
    _check_time(lower, found, now or datetime.now(UTC))
    _check_digest(lower, found, body)
    text = signing_string(method, path, lower, found.headers, found.created,
                          found.expires).encode()
    pem = lookup(found.key_id, False)
    if pem is not None and _verifies(pem, text, found.signature):
        return found.key_id
    fresh = lookup(found.key_id, True)  # the key may have been rotated: fetch it once more
    if fresh is None:
        raise SignatureRefused(f"unknown key {found.key_id}")
    if fresh != pem and _verifies(fresh, text, found.signature):
        return found.key_id
    raise SignatureRefused("the signature does not verify")


# --- RFC 9421 (HTTP Message Signatures) --------------------------------------------------
#
# Newer servers sign with ``Signature-Input`` and ``Signature`` (structured fields, parsed
# by the http-sf library) over derived components (``@method``, ``@target-uri``,
# ``@authority``, ``@path``, ``@query``, ``@request-target``, ``@scheme``) and headers, and
# sign the body through ``Content-Digest`` (RFC 9530).

RFC9421_ALGORITHMS = ("rsa-v1_5-sha256", "rsa-pss-sha512", "ed25519")
_CONTENT_DIGESTS = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}


@dataclass(frozen=True)
class Request:
    """What a verifier needs of a received request (``url`` as the client addressed it)."""

    method: str
    url: str
    headers: Mapping[str, str]
    body: bytes | None = None


def content_digest(body: bytes) -> str:
    """An RFC 9530 ``Content-Digest`` value (SHA-256)."""
    return "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"


def _sf(value: str, kind: str) -> Any:
    try:
        return http_sf.parse(value.encode(), tltype=kind)
    except ValueError:
        raise SignatureRefused(f"a signature header is not a structured {kind}") from None


def _component(request: Request, lower: Mapping[str, str], name: str,
               params: Mapping[str, Any]) -> str:
    parts = urlsplit(request.url)
    derived = {
        "@method": request.method.upper(),
        "@target-uri": request.url,
        "@authority": parts.netloc.lower(),
        "@scheme": parts.scheme.lower(),
        "@path": parts.path or "/",
        "@query": "?" + parts.query,
        "@request-target": (parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
    }
    if params:
        raise SignatureRefused(f"the component parameters of {name!r} are not supported")
    if name in derived:
        return derived[name]
    if name.startswith("@") or name not in lower:
        raise SignatureRefused(f"the signature covers {name!r}, which the request lacks")
    return lower[name].strip()


def _signature_base(request: Request, lower: Mapping[str, str], label: str,
                    covered: list[tuple[str, dict[str, Any]]], raw_input: str) -> bytes:
    lines = []
    for name, params in covered:
        lines.append(f'"{name}": {_component(request, lower, name, params)}')
    lines.append(f'"@signature-params": {raw_input}')
    return "\n".join(lines).encode()


def _raw_member(value: str, label: str) -> str:
    """The serialised inner list of one label, as signed (re-serialised by http-sf)."""
    parsed = _sf(value, "dictionary")
    return str(http_sf.ser({label: parsed[label]})).split("=", 1)[1]


def _check_content_digest(lower: Mapping[str, str], covered: set[str],
                          body: bytes | None) -> None:
    if not body:
        return
    if "content-digest" not in covered:
        raise SignatureRefused("a request with a body must sign its Content-Digest header")
    values = _sf(lower.get("content-digest", ""), "dictionary")
    for name, (value, _params) in values.items():
        make = _CONTENT_DIGESTS.get(name)
        if make is not None and isinstance(value, bytes):
            if make(body).digest() != value:
                raise SignatureRefused("the body does not match its Content-Digest")
            return
    raise SignatureRefused("the Content-Digest header has no sha-256 or sha-512 value")


def _verifies_9421(pem: str, algorithm: str | None, base: bytes, signature: bytes) -> bool:
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except ValueError:
        return False
    try:
        if isinstance(key, rsa.RSAPublicKey) and algorithm in (None, "rsa-v1_5-sha256"):
            key.verify(signature, base, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, rsa.RSAPublicKey) and algorithm == "rsa-pss-sha512":
            key.verify(signature, base, padding.PSS(padding.MGF1(hashes.SHA512()), 64),
                       hashes.SHA512())
        elif isinstance(key, ed25519.Ed25519PublicKey) and algorithm in (None, "ed25519"):
            key.verify(signature, base)
        else:
            return False
    except InvalidSignature:
        return False
    return True


def _check_created(params: Mapping[str, Any], now: datetime) -> None:
    created = params.get("created")
    if not isinstance(created, int):
        raise SignatureRefused("the signature must say when it was created")
    if abs(now - _epoch(str(created), "created")) > MAX_SKEW:
        raise SignatureRefused("the signature was created more than an hour from now; "
                               "check your clock")
    expires = params.get("expires")
    if isinstance(expires, int) and now > _epoch(str(expires), "expires"):
        raise SignatureRefused("the signature has expired")


def verify_message(request: Request, lookup: KeyLookup, now: datetime | None = None) -> str:
    """Check a request's RFC 9421 signature; returns the ``keyid`` that signed it.

    The first signature (by label order) is checked; it must cover ``@method``, the
    target (``@target-uri``, or ``@authority`` with ``@path``/``@request-target``),
    be created within an hour of now and, with a body, cover a matching
    ``Content-Digest``."""
    lower = {k.lower(): v for k, v in request.headers.items()}
    inputs = _sf(lower.get("signature-input", ""), "dictionary")
    values = _sf(lower.get("signature", ""), "dictionary")
    label = next((name for name in inputs if name in values), None)
    if label is None:
        raise SignatureRefused("Signature-Input and Signature share no label")
    member, params = inputs[label]
    signature = values[label][0]
    if not isinstance(member, list) or not isinstance(signature, bytes):
        raise SignatureRefused("the signature's input is not a list of components")
    covered = [(str(name), dict(item_params)) for name, item_params in member]
    names = {name for name, _ in covered}
    if "@method" not in names or not (
            "@target-uri" in names or ("@authority" in names and names & {
                "@path", "@request-target"})):
        raise SignatureRefused("the signature must cover @method and the target URI")
    algorithm = params.get("alg")
    if algorithm is not None and algorithm not in RFC9421_ALGORITHMS:
        raise SignatureRefused(f"unsupported signature algorithm {algorithm!r}")
    key_id = params.get("keyid")
    if not isinstance(key_id, str) or not key_id:
        raise SignatureRefused("the signature needs a keyid")
    _check_created(params, now or datetime.now(UTC))
    _check_content_digest(lower, names, request.body)
    base = _signature_base(request, lower, label, covered,
                           _raw_member(lower["signature-input"], label))
    pem = lookup(key_id, False)
    if pem is not None and _verifies_9421(pem, algorithm, base, signature):
        return key_id
    fresh = lookup(key_id, True)  # the key may have been rotated: fetch it once more
    if fresh is None:
        raise SignatureRefused(f"unknown key {key_id}")
    if fresh != pem and _verifies_9421(fresh, algorithm, base, signature):
        return key_id
    raise SignatureRefused("the signature does not verify")


def verify_request(request: Request, lookup: KeyLookup, now: datetime | None = None) -> str:
    """Check either kind of signature a request carries; returns the key id that signed it.

    RFC 9421 when it has ``Signature-Input``, draft-cavage otherwise."""
    lower = {k.lower() for k in request.headers}
    if "signature-input" in lower:
        return verify_message(request, lookup, now)
    parts = urlsplit(request.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return verify(request.method, target, request.headers, request.body, lookup, now)
