"""Flask extensions, created unbound and ``init_app``-ed in the factory.

The rate limiter is the exception: it keeps its settings (key prefix,
storage) from the first app it meets, so each app gets its own (forum.web.app).
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from itsdangerous import URLSafeTimedSerializer

login_manager = LoginManager()
csrf = CSRFProtect()


class Sessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signer made once per secret.

    Flask builds a new signer on every request, even one without a cookie to
    check; on a cached page that costs more than the cache lookup.
    """

    def __init__(self) -> None:
        self._signers: dict[tuple[Any, ...], URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        fallbacks = tuple(app.config.get("SECRET_KEY_FALLBACKS") or ())
        key = (app.secret_key, fallbacks)
        signer = self._signers.get(key)
        if signer is None:
            made = super().get_signing_serializer(app)
            if made is None:
                return None
            signer = self._signers[key] = made
        return signer
