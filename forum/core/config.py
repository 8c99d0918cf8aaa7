"""Configuration: the only reader of ``os.environ`` (``COMMONROOM_*`` variables)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

PREFIX = "COMMONROOM_"


@dataclass(frozen=True)
class Config:
    data_dir: Path
    database_url: str
    secret_key: str
    base_url: str = "http://127.0.0.1:5000"
    redis_url: str | None = None
    federation: bool = False
    allow_loopback_federation: bool = False
    # Seconds an edit waits before its Update goes out (later edits meanwhile join it).
    federation_update_grace: float = 60.0
    run_subscribers: bool = True
    testing: bool = False
    password_time_cost: int = 3
    password_memory_cost: int = 65536
    login_rate_limit: str = "10 per minute"
    message_rate_limit: str = "20 per 10 seconds"  # chat messages per member
    typing_rate_limit: str = "10 per 10 seconds"  # typing notices per member
    redis_prefix: str = "commonroom"  # keys and channels in Redis (one per deployment)
    # With Redis: seconds a web process's sockets count as online after its last
    # heartbeat (it beats every quarter of this), so a killed process's members
    # go offline within about 1.25 times this.
    presence_timeout: float = 10.0
    # Which search index: "auto" (PostgreSQL full-text search when the database is
    # PostgreSQL, Whoosh in the data directory otherwise), "whoosh" or "postgres".
    search_backend: str = "auto"

    def with_changes(self, **changes: Any) -> Config:
        return replace(self, **changes)


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def _secret_key(data_dir: Path) -> str:
    """Generated once and kept in the data directory, so sessions survive restarts."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def from_env(environ: Mapping[str, str] | None = None) -> Config:
    env = os.environ if environ is None else environ

    def get(name: str, default: str | None = None) -> str | None:
        return env.get(PREFIX + name, default)

    data_dir = Path(get("DATA_DIR") or "instance").resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    return Config(
        data_dir=data_dir,
        database_url=get("DATABASE_URL") or f"sqlite:///{data_dir / 'commonroom.db'}",
        secret_key=get("SECRET_KEY") or _secret_key(data_dir),
        base_url=(get("BASE_URL") or "http://127.0.0.1:5000").rstrip("/"),
        redis_url=get("REDIS_URL") or None,
        federation=_flag(get("FEDERATION")),
        allow_loopback_federation=_flag(get("ALLOW_LOOPBACK_FEDERATION")),
        federation_update_grace=float(get("FEDERATION_UPDATE_GRACE")
                                      or Config.federation_update_grace),
        run_subscribers=not _flag(get("NO_SUBSCRIBERS")),
        redis_prefix=get("REDIS_PREFIX") or "commonroom",
        message_rate_limit=get("MESSAGE_RATE_LIMIT") or Config.message_rate_limit,
        typing_rate_limit=get("TYPING_RATE_LIMIT") or Config.typing_rate_limit,
        presence_timeout=float(get("PRESENCE_TIMEOUT") or Config.presence_timeout),
        search_backend=(get("SEARCH_BACKEND") or "auto").strip().lower(),
    )


def test_settings() -> dict[str, str | None]:
    """The variables the test suite reads (TESTING.md)."""
    return {
        "database_url": os.environ.get(PREFIX + "TEST_DATABASE_URL"),
        "redis_url": os.environ.get(PREFIX + "TEST_REDIS_URL"),
        "require_services": os.environ.get(PREFIX + "REQUIRE_SERVICES"),
        "require_browser": os.environ.get(PREFIX + "REQUIRE_BROWSER"),
    }
