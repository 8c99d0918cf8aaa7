"""Password and token hashing: argon2 for passwords, SHA-256 for random tokens."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Passwords:
    """Hash and check passwords; the cost is configurable so tests stay quick."""

    def __init__(self, time_cost: int = 3, memory_cost: int = 65536) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)

    def hash(self, password: str) -> str:
        return str(self._hasher.hash(password))

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return bool(self._hasher.verify(password_hash, password))
        except (VerificationError, InvalidHashError):
            return False


def new_token() -> str:
    """A random secret for an API token or invitation link (256 bits)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    # Tokens are long random strings, so a fast hash is enough: nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


def new_id() -> str:
    """A short random identifier for an aggregate (48 bits, URL-safe)."""
    return secrets.token_hex(6)
