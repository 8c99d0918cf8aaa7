"""With Redis configured, two processes' sign-in limits are one count (real Redis)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import redis

from forum import create_app
from tests.conftest import SETTINGS, make_config, sqlite_backend


def redis_url() -> str:
    url = SETTINGS["redis_url"]
    if not url:
        if SETTINGS["require_services"]:
            pytest.fail("COMMONROOM_TEST_REDIS_URL is required (COMMONROOM_REQUIRE_SERVICES=1)")
        pytest.skip("COMMONROOM_TEST_REDIS_URL not set")
    return url


def test_login_limit_is_shared_through_redis(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    url = redis_url()
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    sqlite_backend(tmp_path, tmp_path_factory).dispose()
    config = make_config(tmp_path, redis_url=url, redis_prefix=prefix,
                         login_rate_limit="3 per minute")
    first, second = create_app(config), create_app(config)
    try:
        codes = []
        for app in (first, second, first, second):
            app.config["WTF_CSRF_ENABLED"] = False
            response = app.test_client().post("/login", data={"login": "x", "password": "y"})
            codes.append(response.status_code)
        assert codes == [401, 401, 401, 429]
        client = redis.Redis.from_url(url)
        keys = list(client.scan_iter(f"*{prefix}*"))
        assert keys, "the limiter kept its counts somewhere other than Redis"
        client.delete(*keys)
    finally:
        for app in (first, second):
            app.extensions["commonroom"].dispose()
