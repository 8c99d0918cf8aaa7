"""RFC 9421 (HTTP Message Signatures): the http-message-signatures library signs as a peer
(a different implementation than ours), we verify; and the refusals say why."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from http_message_signatures import HTTPMessageSigner, HTTPSignatureKeyResolver, algorithms

from federation.delivery import signatures as sig
from federation.delivery.signatures import Request, SignatureRefused

KEY_ID = "https://remote.example/users/alice#main-key"
URL = "https://forum.example.org/inbox"
BODY = b'{"type":"Create","actor":"https://remote.example/users/alice"}'
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
ED_KEY = ed25519.Ed25519PrivateKey.generate()


def pem(key: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


class Keys(HTTPSignatureKeyResolver):  # type: ignore[misc]
    def __init__(self, key: object) -> None:
        self.key = key

    def resolve_private_key(self, key_id: str) -> object:
        return self.key


def lookup_of(*pems: str) -> Callable[[str, bool], str | None]:
    keys = list(pems)

    def lookup(key_id: str, refresh: bool) -> str | None:
        if key_id != KEY_ID:
            return None
        if refresh and len(keys) > 1:
            keys.pop(0)
        return keys[0]

    return lookup


def peer_signed(*, key: object = RSA_KEY, algorithm: type = algorithms.RSA_V1_5_SHA256,
                method: str = "POST", url: str = URL, body: bytes | None = BODY,
                created: datetime | None = None,
                components: tuple[str, ...] = ("@method", "@target-uri", "content-digest"),
                include_alg: bool = True) -> Request:
    """A request signed by the http-message-signatures library, as a peer server would."""
    prepared = requests.Request(method, url, data=body,
                                headers={"Content-Type": "application/activity+json"}).prepare()
    # The peer computes the Content-Digest itself when it signs one.
    signed_body = body if "content-digest" in components else None
    HTTPMessageSigner(signature_algorithm=algorithm, key_resolver=Keys(key)).sign(
        prepared, key_id=KEY_ID, created=created or datetime.now(UTC),
        covered_component_ids=[c for c in components if c != "content-digest"],
        include_alg=include_alg, label="sig1", body=signed_body)
    return Request(method, url, dict(prepared.headers), body)


@pytest.mark.parametrize("algorithm, key", [
    (algorithms.RSA_V1_5_SHA256, RSA_KEY),
    (algorithms.RSA_PSS_SHA512, RSA_KEY),
    (algorithms.ED25519, ED_KEY),
])
def test_we_verify_the_peers_signatures(algorithm: type, key: rsa.RSAPrivateKey) -> None:
    request = peer_signed(key=key, algorithm=algorithm)
    assert "Signature-Input" in request.headers
    assert sig.verify_request(request, lookup_of(pem(key))) == KEY_ID


def test_without_alg_the_key_decides_and_authority_and_path_may_stand_for_the_uri() -> None:
    request = peer_signed(include_alg=False,
                          components=("@method", "@authority", "@path", "content-digest"))
    assert sig.verify_message(request, lookup_of(pem(RSA_KEY))) == KEY_ID


def test_a_signed_get_without_a_body() -> None:
    request = peer_signed(method="GET", url="https://forum.example.org/actor?x=1", body=None,
                          components=("@method", "@target-uri"))
    assert sig.verify_request(request, lookup_of(pem(RSA_KEY))) == KEY_ID
    moved = Request("GET", "https://forum.example.org/actor?x=2", request.headers)
    with pytest.raises(SignatureRefused, match="does not verify"):
        sig.verify_request(moved, lookup_of(pem(RSA_KEY)))


@pytest.mark.parametrize("when", [timedelta(hours=2), -timedelta(hours=2)])
def test_a_stale_or_future_signature_is_refused(when: timedelta) -> None:
    request = peer_signed(created=datetime.now(UTC) + when)
    with pytest.raises(SignatureRefused, match="more than an hour"):
        sig.verify_request(request, lookup_of(pem(RSA_KEY)))


def test_refusals_say_why() -> None:
    good = peer_signed()
    lookup = lookup_of(pem(RSA_KEY))
    tampered = Request(good.method, good.url, good.headers, BODY + b" ")
    with pytest.raises(SignatureRefused, match="does not match its Content-Digest"):
        sig.verify_request(tampered, lookup)
    wrong_digest = {**good.headers, "Content-Digest": "sha-256=:" + base64.b64encode(
        hashlib.sha256(b"other").digest()).decode() + ":"}
    with pytest.raises(SignatureRefused, match="does not match"):
        sig.verify_request(Request("POST", URL, wrong_digest, BODY), lookup)
    unsigned_body = peer_signed(components=("@method", "@target-uri"))
    with pytest.raises(SignatureRefused, match="must sign its Content-Digest"):
        sig.verify_request(unsigned_body, lookup)
    with pytest.raises(SignatureRefused, match="unknown key"):
        sig.verify_request(good, lambda key_id, refresh: None)
    elsewhere = Request("POST", "https://forum.example.org/ap/c/x/inbox", good.headers, BODY)
    with pytest.raises(SignatureRefused, match="does not verify"):
        sig.verify_request(elsewhere, lookup)
    no_target = peer_signed(components=("@method", "content-digest"))
    with pytest.raises(SignatureRefused, match="target URI"):
        sig.verify_request(no_target, lookup)
    garbage = {**good.headers, "Signature": "sig1=not bytes("}
    with pytest.raises(SignatureRefused, match="structured"):
        sig.verify_request(Request("POST", URL, garbage, BODY), lookup)
    other_label = {**good.headers, "Signature": good.headers["Signature"].replace("sig1", "x")}
    with pytest.raises(SignatureRefused, match="share no label"):
        sig.verify_request(Request("POST", URL, other_label, BODY), lookup)


def test_a_rotated_key_is_fetched_once_more() -> None:
    stale = pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    assert sig.verify_request(peer_signed(), lookup_of(stale, pem(RSA_KEY))) == KEY_ID
    with pytest.raises(SignatureRefused, match="does not verify"):
        sig.verify_request(peer_signed(), lookup_of(stale))


def test_a_draft_cavage_request_still_goes_the_old_way() -> None:
    headers = sig.sign("POST", URL, RSA_KEY, KEY_ID, body=BODY)
    assert sig.verify_request(Request("POST", URL, headers, BODY),
                              lookup_of(pem(RSA_KEY))) == KEY_ID


# RFC 9421, Appendix B.1.4 (test-key-ed25519, published for tests) and B.2.6: the
# request of Appendix B.2 signed over date, @method, @path, @authority, content-type and
# content-length.
RFC_ED25519 = """-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=
-----END PUBLIC KEY-----"""
RFC_HEADERS = {
    "Host": "example.com", "Date": "Tue, 20 Apr 2021 02:07:55 GMT",
    "Content-Type": "application/json",
    "Content-Digest": "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7"
                      "BNNyealdVLvRwEmTHWXvJwew==:",
    "Content-Length": "18",
    "Signature-Input": 'sig-b26=("date" "@method" "@path" "@authority" "content-type" '
                       '"content-length");created=1618884473;keyid="test-key-ed25519"',
    "Signature": "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0"
                 "w6vuQv5lIp5WPpBKRCw==:"}
RFC_URL = "https://example.com/foo?param=Value&Pet=dog"
RFC_NOW = datetime.fromtimestamp(1618884473, UTC)


def rfc_keys(key_id: str, refresh: bool) -> str | None:
    return RFC_ED25519 if key_id == "test-key-ed25519" else None


def test_the_specifications_ed25519_vector() -> None:
    request = Request("POST", RFC_URL, RFC_HEADERS)
    assert sig.verify_message(request, rfc_keys, RFC_NOW) == "test-key-ed25519"
    # The vector does not sign Content-Digest: with its body, that is not enough here.
    with pytest.raises(SignatureRefused, match="must sign its Content-Digest"):
        sig.verify_message(Request("POST", RFC_URL, RFC_HEADERS, b'{"hello": "world"}'),
                           rfc_keys, RFC_NOW)
    moved = Request("POST", "https://example.com/bar?param=Value&Pet=dog", RFC_HEADERS)
    with pytest.raises(SignatureRefused, match="does not verify"):
        sig.verify_message(moved, rfc_keys, RFC_NOW)
    assert sig.content_digest(b'{"hello": "world"}') == (
        "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:")  # RFC 9530's example
