"""Each actor's RSA key pair: made on first need, kept in ``actor_keys``, private half encrypted.

Where the private keys live, and why there: in the database (so every web
process and worker, on any host, signs with the same key), in a table of their
own that is not a read model (rebuilds never touch it) and not in the event
log (so ``commonroom export`` and any copy of the log carry no secret). The
private key is stored as encrypted PKCS#8 under the server's secret key, so a
database dump alone does not give it away. No page, feed or API reads this
table; actor documents publish the public half only.

Changing the secret key makes the stored private keys unreadable: they are
then replaced by new pairs (remote servers refetch an actor's key when a
signature stops verifying, so this is a key rotation, not an outage).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import IntegrityError

from federation.tables import actor_keys
from forum.core.db import write_connection

log = logging.getLogger(__name__)
KEY_BITS = 2048  # what Mastodon and most of the fediverse use and verify


def _new_pair(secret: bytes) -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(secret)).decode()
    return public, private


class KeyStore:
    """Key pairs by actor name (``instance``, ``conference:<id>``, ``member:<id>``)."""

    def __init__(self, engine: Engine, secret_key: str) -> None:
        self.engine = engine
        self.secret = secret_key.encode()
        self._public: dict[str, str] = {}

    def public_pem(self, actor: str) -> str:
        """The actor's public key in PEM, made (with its private half) on first need."""
        found = self._public.get(actor)
        if found is None:
            found = self._public[actor] = self._row(actor)[0]
        return found

    def private_key(self, actor: str) -> Any:
        """The actor's private key, for signing (federation/delivery/signatures.py)."""
        public, private = self._row(actor)
        try:
            return serialization.load_pem_private_key(private.encode(), self.secret)
        except ValueError:
            # The secret key changed: this pair can never be used again; rotate it.
            log.warning("the key of %s was encrypted with another secret key; rotating", actor)
            with write_connection(self.engine) as conn, conn.begin():
                conn.execute(delete(actor_keys).where(actor_keys.c.actor == actor))
            self._public.pop(actor, None)
            return serialization.load_pem_private_key(
                self._row(actor)[1].encode(), self.secret)

    def _row(self, actor: str) -> tuple[str, str]:
        query = select(actor_keys.c.public_pem, actor_keys.c.private_pem).where(
            actor_keys.c.actor == actor)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is not None:
            return str(row[0]), str(row[1])
        public, private = _new_pair(self.secret)
        try:
            with write_connection(self.engine) as conn, conn.begin():
                conn.execute(insert(actor_keys).values(
                    actor=actor, public_pem=public, private_pem=private,
                    created_at=datetime.now(UTC)))
        except IntegrityError:
            # Another process made this actor's pair first: theirs is the one.
            with self.engine.connect() as conn:
                row = conn.execute(query).first()
            assert row is not None
            return str(row[0]), str(row[1])
        return public, private
