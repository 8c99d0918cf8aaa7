"""Errors to responses, in one place: JSON ``{code, message}`` for the API, pages for people.

A refused form keeps what the person typed: the error page shows their text
again in a form that posts back where it came from.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from forum.core.errors import NOTHING_HERE, CommonroomError

log = logging.getLogger(__name__)
KEPT_FIELDS = ("subject", "title", "summary", "tags", "comment", "body", "reason", "name",
               "resume", "acl", "display_name", "handle", "email", "slug", "bio", "abstract",
               "description")
# After a conflict the kept form carries the current version, so sending it again
# (having read why it failed) does not fail the same way forever.
CURRENT_DETAILS = {"version": "current_version", "revision": "current_revision"}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def respond(status: int, code: str, message: str, **details: Any) -> ResponseReturnValue:
    if wants_json():
        body: dict[str, Any] = {"code": code, "message": message}
        if details:
            body["details"] = details
        return jsonify(body), status
    form = _typed()
    for name, detail in CURRENT_DETAILS.items():
        if name in form and detail in details:
            form[name] = str(details[detail])
    kept = {k: form[k] for k in KEPT_FIELDS if form.get(k)}
    return render_template(
        "errors/error.html", status=status, code=code, message=message, kept=kept,
        fields=form, action=request.path,
    ), status


def _typed() -> dict[str, str]:
    """The submitted form, or nothing when it cannot be read (e.g. over the size limit)."""
    try:
        return dict(request.form)
    except HTTPException:
        return {}


def register(app: Flask) -> None:
    @app.errorhandler(CommonroomError)
    def _domain(exc: CommonroomError) -> ResponseReturnValue:
        return respond(exc.http_status, exc.code, exc.message, **exc.details)

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError) -> ResponseReturnValue:
        return respond(400, "csrf_failed",
                       "the form had expired or came from elsewhere; please send it again")

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> ResponseReturnValue:
        messages = {
            404: NOTHING_HERE,
            405: "this address does not accept that method",
            413: "that request is too large (the limit is 1 MiB)",
            429: "too many attempts; wait a minute and try again",
        }
        status = exc.code or 500
        message = messages.get(status, exc.description or exc.name)
        return respond(status, exc.name.lower().replace(" ", "_"), message)

    @app.errorhandler(DBAPIError)
    def _database(exc: DBAPIError) -> ResponseReturnValue:
        if not exc.connection_invalidated and not _unreachable(exc):
            return _unexpected(exc)
        # The database is away (restarting, a network blip, SQLite's writer lock
        # held past the busy timeout): nothing was written, and the pool
        # reconnects by itself, so say so rather than fail. The page is a plain
        # one: the usual layout would ask the database for the badge counts.
        log.warning("database unavailable on %s %s: %s", request.method, request.path,
                    exc.orig)
        message = "the database is not answering just now; please try again in a moment"
        headers = {"Retry-After": "5"}
        if wants_json():
            return jsonify({"code": "unavailable", "message": message}), 503, headers
        return render_template("errors/unavailable.html", message=message), 503, headers

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> ResponseReturnValue:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return respond(500, "server_error",
                       "something went wrong on our side; it has been logged")


def _unreachable(exc: DBAPIError) -> bool:
    """Whether a driver error means "cannot reach or lock the database", not a bug."""
    text = str(exc.orig).lower()
    return any(sign in text for sign in (
        "connection refused", "could not connect", "server closed the connection",
        "connection is closed", "terminating connection", "the database system is",
        "database is locked", "connection timeout", "timeout expired",
    ))
