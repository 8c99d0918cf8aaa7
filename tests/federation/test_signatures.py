"""HTTP Signatures (draft-cavage): published test vectors, Mastodon-shaped requests, refusals,
key rotation, and the httpsig library as a peer both ways."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpsig
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from federation.delivery import signatures as sig
from federation.delivery.signatures import SignatureRefused

# The RSA test key of draft-cavage-http-signatures-12, Appendix C (published for tests).
TEST_KEY = """-----BEGIN RSA PRIVATE KEY-----
MIICXgIBAAKBgQDCFENGw33yGihy92pDjZQhl0C36rPJj+CvfSC8+q28hxA161QF
NUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6Z4UMR7EOcpfdUE9Hf3m/hs+F
UR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJwoYi+1hqp1fIekaxsyQIDAQAB
AoGBAJR8ZkCUvx5kzv+utdl7T5MnordT1TvoXXJGXK7ZZ+UuvMNUCdN2QPc4sBiA
QWvLw1cSKt5DsKZ8UETpYPy8pPYnnDEz2dDYiaew9+xEpubyeW2oH4Zx71wqBtOK
kqwrXa/pzdpiucRRjk6vE6YY7EBBs/g7uanVpGibOVAEsqH1AkEA7DkjVH28WDUg
f1nqvfn2Kj6CT7nIcE3jGJsZZ7zlZmBmHFDONMLUrXR/Zm3pR5m0tCmBqa5RK95u
412jt1dPIwJBANJT3v8pnkth48bQo/fKel6uEYyboRtA5/uHuHkZ6FQF7OUkGogc
mSJluOdc5t6hI1VsLn0QZEjQZMEOWr+wKSMCQQCC4kXJEsHAve77oP6HtG/IiEn7
kpyUXRNvFsDE0czpJJBvL/aRFUJxuRK91jhjC68sA7NsKMGg5OXb5I5Jj36xAkEA
gIT7aFOYBFwGgQAQkWNKLvySgKbAZRTeLBacpHMuQdl1DfdntvAyqpAZ0lY0RKmW
G6aFKaqQfOXKCyWoUiVknQJAXrlgySFci/2ueKlIE1QqIiLSZ8V8OlpFLRnb1pzI
7U1yQXnTAEFYM560yJlzUpOb1V4cScGd365tiSMvxLOvTA==
-----END RSA PRIVATE KEY-----"""
PRIVATE = serialization.load_pem_private_key(TEST_KEY.encode(), None)
PUBLIC = PRIVATE.public_key().public_bytes(  # type: ignore[union-attr]
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
# Appendix C's request and the signatures it gives for C.1 (Date alone), C.2 ((request-target)
# host date) and C.3 (all headers).
SPEC_HEADERS = {"Host": "example.com", "Date": "Sun, 05 Jan 2014 21:31:40 GMT",
                "Content-Type": "application/json",
                "Digest": "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=",
                "Content-Length": "18"}
SPEC_BODY = b'{"hello": "world"}'
SPEC_TARGET = "/foo?param=value&pet=dog"
SPEC_NOW = datetime(2014, 1, 5, 21, 31, 40, tzinfo=UTC)
SPEC_VECTORS = {
    ("date",): "SjWJWbWN7i0wzBvtPl8rbASWz5xQW6mcJmn+ibttBqtifLN7Sazz6m79cNfwwb8DMJ5cou1s7uEGK"
               "KCs+FLEEaDV5lp7q25WqS+lavg7T8hc0GppauB6hbgEKTwblDHYGEtbGmtdHgVCk9SuS13F0hZ8FD0k"
               "/5OxEPXe5WozsbM=",
    ("(request-target)", "host", "date"):
        "qdx+H7PHHDZgy4y/Ahn9Tny9V3GP6YgBPyUXMmoxWtLbHpUnXS2mg2+SbrQDMCJypxBLSPQR2aAjn7ndm"
        "w2iicw3HMbe8VfEdKFYRqzic+efkb3nndiv/x1xSHDJWeSWkx3ButlYSuBskLu6kd9Fswtemr3lgdDEmn"
        "04swr2Os0=",
    ("(request-target)", "host", "date", "content-type", "digest", "content-length"):
        "vSdrb+dS3EceC9bcwHSo4MlyKS59iFIrhgYkz8+oVLEEzmYZZvRs8rgOp+63LEM3v+MFHB32NfpB2bEKB"
        "IvB1q52LaEUHFv120V01IL+TAD48XaERZFukWgHoBTLMhYS2Gb51gWxpeIq8knRmPnYePbF5MOkR0Zkly"
        "4zKH7s1dE=",
}
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
KEY_ID = "https://remote.example/users/alice#main-key"
BODY = b'{"type":"Create","actor":"https://remote.example/users/alice"}'
INBOX = "https://forum.example.org/inbox"


def lookup_of(*pems: str) -> Callable[[str, bool], str | None]:
    """A key lookup that knows one key id; each refresh hands out the next key."""
    keys = list(pems)

    def lookup(key_id: str, refresh: bool) -> str | None:
        if key_id != KEY_ID:
            return None
        if refresh and len(keys) > 1:
            keys.pop(0)
        return keys[0]

    return lookup


def signed_post(**changes: str) -> dict[str, str]:
    headers = sig.sign("POST", INBOX, PRIVATE, KEY_ID, body=BODY, now=NOW)
    headers.update(changes)
    return headers


@pytest.mark.parametrize("names", list(SPEC_VECTORS))
def test_the_specifications_vectors(names: tuple[str, ...]) -> None:
    text = sig.signing_string("POST", SPEC_TARGET, SPEC_HEADERS, names)
    signed = PRIVATE.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr]
    assert base64.b64encode(signed).decode() == SPEC_VECTORS[names]
    header = (f'keyId="{KEY_ID}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
              f'signature="{SPEC_VECTORS[names]}"')
    headers = {**SPEC_HEADERS, "Signature": header}
    if "(request-target)" not in names:
        # C.1 signs the Date alone: it could be replayed to any address, so it is refused.
        with pytest.raises(SignatureRefused, match="request-target"):
            sig.verify("POST", SPEC_TARGET, headers, SPEC_BODY, lookup_of(PUBLIC), SPEC_NOW)
    elif "digest" not in names:
        # C.2 leaves the body unsigned: its signature holds, but a body must be signed too.
        assert sig.verify("POST", SPEC_TARGET, headers, None, lookup_of(PUBLIC),
                          SPEC_NOW) == KEY_ID
        with pytest.raises(SignatureRefused, match="Digest"):
            sig.verify("POST", SPEC_TARGET, headers, SPEC_BODY, lookup_of(PUBLIC), SPEC_NOW)
    else:
        assert sig.verify("POST", SPEC_TARGET, headers, SPEC_BODY, lookup_of(PUBLIC),
                          SPEC_NOW) == KEY_ID


def test_our_post_is_what_mastodon_sends_and_verifies() -> None:
    headers = signed_post()
    assert headers["Host"] == "forum.example.org"
    assert headers["Date"] == "Sun, 01 Mar 2026 12:00:00 GMT"
    assert headers["Digest"].startswith("SHA-256=")
    assert 'headers="(request-target) host date digest"' in headers["Signature"]
    assert sig.verify("POST", "/inbox", headers, BODY, lookup_of(PUBLIC), NOW) == KEY_ID


def _resigned(headers: dict[str, str], header: str) -> dict[str, str]:
    return {**headers, "Signature": header}


@pytest.mark.parametrize("shape", [
    lambda h: h["Signature"].replace('algorithm="rsa-sha256"', 'algorithm="hs2019"'),
    lambda h: h["Signature"].replace('algorithm="rsa-sha256",', ""),
    lambda h: h["Signature"].replace("keyId=", "keyid="),
])
def test_mastodon_shaped_variants_verify(shape: Callable[[dict[str, str]], str]) -> None:
    headers = signed_post()
    assert sig.verify("POST", "/inbox", _resigned(headers, shape(headers)), BODY,
                      lookup_of(PUBLIC), NOW) == KEY_ID


def test_mastodons_own_shape_with_content_type_and_hs2019_verifies() -> None:
    """Mastodon (since 4.x) signs content-type too and may announce ``hs2019``."""
    headers = {"Host": "forum.example.org", "Date": sig.http_date(NOW),
               "Digest": sig.digest(BODY), "Content-Type": "application/activity+json"}
    names = ("(request-target)", "host", "date", "digest", "content-type")
    text = sig.signing_string("POST", "/inbox", headers, names)
    value = base64.b64encode(PRIVATE.sign(  # type: ignore[union-attr]
        text.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()
    headers["Signature"] = (f'keyId="{KEY_ID}",algorithm="hs2019",'
                            f'headers="{" ".join(names)}",signature="{value}"')
    assert sig.verify("POST", "/inbox", headers, BODY, lookup_of(PUBLIC), NOW) == KEY_ID
    changed = {**headers, "Content-Type": "text/plain"}
    with pytest.raises(SignatureRefused, match="does not verify"):
        sig.verify("POST", "/inbox", changed, BODY, lookup_of(PUBLIC), NOW)


def test_a_lower_case_digest_name_and_authorization_header_verify() -> None:
    headers = signed_post()
    headers["Digest"] = headers["Digest"].replace("SHA-256=", "sha-256=")
    # The digest's value is signed as sent, so sign again with the lower-case name.
    text = sig.signing_string("POST", INBOX, headers, sig.POST_HEADERS)
    value = base64.b64encode(PRIVATE.sign(  # type: ignore[union-attr]
        text.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()
    headers.pop("Signature")
    headers["Authorization"] = (f'Signature keyId="{KEY_ID}",headers="(request-target) host '
                                f'date digest",signature="{value}"')
    assert sig.verify("POST", "/inbox", headers, BODY, lookup_of(PUBLIC), NOW) == KEY_ID


@pytest.mark.parametrize("when, reason", [
    (NOW + timedelta(hours=2), "more than an hour"),
    (NOW - timedelta(hours=2), "more than an hour"),
])
def test_a_stale_or_future_date_is_refused(when: datetime, reason: str) -> None:
    with pytest.raises(SignatureRefused, match=reason):
        sig.verify("POST", "/inbox", signed_post(), BODY, lookup_of(PUBLIC), when)


def test_refusals_say_why() -> None:
    lookup = lookup_of(PUBLIC)
    cases = {
        "does not match its Digest": (signed_post(), BODY + b" "),
        "not signed": ({"Date": sig.http_date(NOW)}, BODY),
        "unknown key": (signed_post(Signature=signed_post()["Signature"].replace(
            KEY_ID, "https://elsewhere.example/k")), BODY),
        "does not verify": (signed_post(Host="other.example"), BODY),
        "unsupported signature algorithm": (signed_post(Signature=signed_post()[
            "Signature"].replace("rsa-sha256", "hmac-sha256")), BODY),
        "is not a list": (signed_post(Signature="garbage"), BODY),
    }
    for reason, (headers, body) in cases.items():
        with pytest.raises(SignatureRefused, match=reason):
            sig.verify("POST", "/inbox", headers, body, lookup, NOW)
    unsigned_digest = signed_post()
    unsigned_digest["Signature"] = sig.sign("GET", INBOX, PRIVATE, KEY_ID, now=NOW)["Signature"]
    with pytest.raises(SignatureRefused, match="must sign its Digest"):
        sig.verify("POST", "/inbox", unsigned_digest, BODY, lookup, NOW)


def test_a_rotated_key_is_fetched_once_more() -> None:
    old = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    stale = old.public_bytes(serialization.Encoding.PEM,
                             serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    assert sig.verify("POST", "/inbox", signed_post(), BODY, lookup_of(stale, PUBLIC),
                      NOW) == KEY_ID
    with pytest.raises(SignatureRefused, match="does not verify"):
        sig.verify("POST", "/inbox", signed_post(), BODY, lookup_of(stale), NOW)


def test_a_signed_get_covers_target_host_and_date() -> None:
    headers = sig.sign("GET", "https://remote.example/users/alice?x=1", PRIVATE, KEY_ID,
                       now=NOW)
    assert "Digest" not in headers
    assert sig.verify("GET", "/users/alice?x=1", headers, None, lookup_of(PUBLIC),
                      NOW) == KEY_ID
    with pytest.raises(SignatureRefused):
        sig.verify("GET", "/users/alice?x=2", headers, None, lookup_of(PUBLIC), NOW)


def test_httpsig_verifies_ours_and_we_verify_httpsig() -> None:
    """The httpsig library (draft-cavage) as a peer, both ways."""
    ours = sig.sign("POST", INBOX, PRIVATE, KEY_ID, body=BODY)
    verifier = httpsig.HeaderVerifier(
        headers=ours, secret=PUBLIC.encode(), method="POST", path="/inbox",
        sign_header="signature", required_headers=list(sig.POST_HEADERS))
    assert verifier.verify()

    theirs = {"Host": "forum.example.org", "Date": sig.http_date(datetime.now(UTC)),
              "Digest": sig.digest(BODY)}
    signer = httpsig.HeaderSigner(KEY_ID, TEST_KEY.encode(), algorithm="rsa-sha256",
                                  headers=list(sig.POST_HEADERS), sign_header="signature")
    signed = signer.sign(theirs, host="forum.example.org", method="POST", path="/inbox")
    assert sig.verify("POST", "/inbox", signed, BODY, lookup_of(PUBLIC)) == KEY_ID
