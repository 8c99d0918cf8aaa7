"""The application factory's body: configuration, extensions, blueprints, error pages."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, abort, g, has_request_context, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from forum import features
from forum.backend import Backend, open_backend
from forum.core import config as config_module
from forum.core.config import Config
from forum.core.errors import InvalidInput
from forum.features.members.queries import get_member
from forum.features.notifications.queries import count_unread_notifications
from forum.live.realtime import Live
from forum.web import context, sockets
from forum.web.extensions import Sessions, csrf, login_manager
from forum.web.page_cache import PageCache

ROOT = Path(__file__).resolve().parents[2]


def _load_user(member_id: str) -> context.Account | None:
    row = get_member(context.db(), member_id)
    if row is None or not row.active:
        return None
    return context.Account(row)


def _unread_notifications() -> int:
    """For the navigation badge on every page a member sees."""
    viewer = context.viewer()
    return count_unread_notifications(context.db(), viewer) if viewer.signed_in else 0


def _request_meta() -> dict[str, Any]:
    """The request id, when a command comes from a web request (not the command line).

    Made when the first command of a request asks (most requests only read)."""
    if not has_request_context():
        return {}
    if "request_id" not in g:
        g.request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex[:16]
    return {"request_id": g.request_id}


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def when(value: datetime | None) -> str:
    """A short, absolute UTC time for people on several continents."""
    value = _aware(value)
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""


def iso(value: datetime | None) -> str:
    value = _aware(value)
    return value.isoformat(timespec="seconds") if value else ""


def build_app(config: Config | None = None) -> Flask:
    config = config or config_module.from_env()
    app = Flask(
        "forum",
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(
        SECRET_KEY=config.secret_key,
        TESTING=config.testing,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,
        API_TITLE="Commonroom",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {"description": "Conferences, threads, posts and read markers. "
                                    "Send 'Authorization: Bearer <token>'; without "
                                    "one you read what anonymous visitors may."},
            "security": [{"bearerAuth": []}, {}],
        },
    )
    backend = open_backend(config)
    try:
        _wire(app, backend, config)
    except BaseException:
        backend.dispose()  # a half-built app must not leave the database's connections open
        raise
    return app


def _wire(app: Flask, backend: Backend, config: Config) -> None:
    """Everything of the app that needs the open backend."""
    backend.services.request_meta = _request_meta
    app.extensions["commonroom"] = backend
    app.extensions["commonroom_pages"] = PageCache()

    app.session_interface = Sessions()
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.user_loader(_load_user)
    csrf.init_app(app)

    @app.before_request
    def _refuse_nul() -> None:
        # PostgreSQL cannot store or compare text with NUL in it; no id or word has one.
        if "\x00" in request.path:
            abort(404)
        values = list(request.args.values())
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            values += list(request.form.values())
        if any("\x00" in value for value in values):
            raise InvalidInput("the request contains a NUL character")

    app.teardown_appcontext(context.close_db)
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["iso"] = iso
    app.jinja_env.globals["viewer"] = context.viewer
    app.jinja_env.globals["unread_notifications"] = _unread_notifications

    from forum.web import api, errors

    for blueprint in features.blueprints("views"):
        app.register_blueprint(blueprint)
    from federation import blog, feeds
    from federation import http as activitypub

    app.register_blueprint(feeds.bp)
    app.register_blueprint(blog.bp)
    activitypub.register(app)
    api.register(app)
    errors.register(app)
    _limit_sign_in(app, config)
    _go_live(app, backend, config)


def _go_live(app: Flask, backend: Backend, config: Config) -> None:
    """Socket.IO on the same app; its pushes follow the committed log."""
    live = Live(backend.store)
    live.init_app(app, config.redis_url, config.redis_prefix, config.presence_timeout)
    sockets.register(live, backend, config.redis_url, config.message_rate_limit,
                     config.typing_rate_limit)
    app.extensions["commonroom_live"] = live


def _belongs_to(hook: Any, limiter: Limiter) -> bool:
    """Whether a request hook is one the limiter registered (a bound method or a partial)."""
    return getattr(hook, "__self__", None) is limiter or limiter in getattr(hook, "args", ())


def _limit_sign_in(app: Flask, config: Config) -> Limiter:
    """Rate-limit sign-in attempts; counts live in Redis when configured (shared by
    every process), otherwise in this process."""
    limiter = Limiter(get_remote_address, app=app, default_limits=[],
                      key_prefix=config.redis_prefix,
                      storage_uri=config.redis_url or "memory://",
                      # Redis away: count in this process rather than refuse to sign in.
                      in_memory_fallback_enabled=True)
    # Only sign-in is limited, so the limiter's hooks run for the sign-in
    # blueprint alone: on every other request they cost a tenth of a page view.
    registries: list[dict[Any, list[Any]]] = [
        app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs]
    for hooks in registries:
        ours = [f for f in hooks.get(None, []) if _belongs_to(f, limiter)]
        hooks[None] = [f for f in hooks.get(None, []) if f not in ours]
        hooks.setdefault("auth", []).extend(ours)
    limiter.request_filter(lambda: request.endpoint != "auth.login")
    limited: Any = limiter.limit(config.login_rate_limit, methods=["POST"])
    app.view_functions["auth.login"] = limited(app.view_functions["auth.login"])
    return limiter
