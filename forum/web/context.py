"""Per-request access to the backend and to who is asking."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app, g
from flask.typing import ResponseReturnValue
from flask_login import UserMixin, current_user
from sqlalchemy import Connection

from forum.backend import Backend
from forum.core.handlers import Services
from forum.core.permissions import ANONYMOUS, Viewer
from forum.core.rows import DbRow
from forum.web.extensions import login_manager

C = TypeVar("C")
R = TypeVar("R")


class Account(UserMixin):  # type: ignore[misc]
    """The signed-in member as Flask-Login sees them."""

    def __init__(self, row: DbRow) -> None:
        self.row = row
        self.id = row.id
        self.viewer = Viewer(member_id=row.id, role=row.role, active=row.active)

    @property
    def is_active(self) -> bool:
        return bool(self.row.active)


def backend() -> Backend:
    result: Backend = current_app.extensions["commonroom"]
    return result


def services() -> Services:
    return backend().services


def viewer() -> Viewer:
    """Who is asking: the signed-in member, or an anonymous visitor."""
    if getattr(g, "api_viewer", None) is not None:
        result: Viewer = g.api_viewer
        return result
    if current_user.is_authenticated:
        account: Account = current_user._get_current_object()
        return account.viewer
    return ANONYMOUS


def db() -> Connection:
    """One read connection per request, closed at teardown."""
    if "db" not in g:
        g.db = backend().engine.connect()
    conn: Connection = g.db
    return conn


def close_db(_exc: BaseException | None = None) -> None:
    conn = g.pop("db", None)
    if conn is not None:
        conn.close()


def send(handler: Callable[[Services, Viewer, C], R], command: C) -> R:
    """Run a command's handler as the current viewer.

    Generic over the command and the handler's result, so mypy rejects a
    handler given another handler's command and callers keep the real result.

    The request's read connection is closed first, so anything read after the
    write sees it (read-your-writes, even on SQLite's snapshot reads).
    """
    close_db()
    return handler(services(), viewer(), command)


def require_member() -> ResponseReturnValue | None:
    """Send an anonymous visitor to the sign-in page; None when someone is signed in."""
    if viewer().signed_in:
        return None
    refused: ResponseReturnValue = login_manager.unauthorized()
    return refused
