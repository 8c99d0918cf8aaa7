"""Errors to responses, in one place: JSON ``{code, message}`` for the API, pages for people.

A refused form keeps what the person typed: the error page shows their text
again in a form that posts back where it came from.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from forum.errors import CommonroomError

log = logging.getLogger(__name__)
KEPT_FIELDS = ("subject", "body", "reason", "name", "resume", "acl",
               "display_name", "handle", "email", "slug", "bio")
# After a conflict the kept form carries the current version, so sending it again
# (having read why it failed) does not fail the same way forever.
CURRENT_DETAILS = {"version": "current_version", "revision": "current_revision"}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def respond(status: int, code: str, message: str, **details: Any) -> Any:
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
    def _domain(exc: CommonroomError) -> Any:
        return respond(exc.http_status, exc.code, exc.message, **exc.details)

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError) -> Any:
        return respond(400, "csrf_failed",
                       "the form had expired or came from elsewhere; please send it again")

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Any:
        messages = {
            404: "there is nothing at this address",
            405: "this address does not accept that method",
            413: "that request is too large (the limit is 1 MiB)",
            429: "too many attempts; wait a minute and try again",
        }
        status = exc.code or 500
        message = messages.get(status, exc.description or exc.name)
        return respond(status, exc.name.lower().replace(" ", "_"), message)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Any:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return respond(500, "server_error",
                       "something went wrong on our side; it has been logged")
