"""What every API blueprint shares: bearer-token sign-in, strict JSON parsing, error shapes.

The API authenticates with ``Authorization: Bearer <token>`` only. It is exempt
from CSRF, so it must never act on a browser's session cookie: a request
without a token is anonymous even when the browser is signed in.
"""

from __future__ import annotations

import http
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NoReturn, TypeVar, cast

import flask
import flask_smorest
import marshmallow as ma
from flask import g, request
from webargs import core
from webargs.flaskparser import FlaskParser

from forum.core.errors import CommonroomError, InvalidInput, NotAuthenticated, NotFound
from forum.core.passwords import token_hash
from forum.core.permissions import ANONYMOUS, Viewer
from forum.features.members.queries import get_member_by_token_hash, viewer_from_row
from forum.web import context

F = TypeVar("F", bound=Callable[..., Any])
PREFIX = "/api/v1"
BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]
# Reads work without a token too (as an anonymous visitor).
BEARER_OR_ANONYMOUS: list[dict[str, list[str]]] = [{"bearerAuth": []}, {}]
BODY_METHODS = ("POST", "PUT", "PATCH")
# What an operation answering 201 returns: the new resource, the status, its Location.
Created = tuple[dict[str, Any], int, dict[str, str]]


class UnsupportedMediaType(CommonroomError):
    code = "unsupported_media_type"
    http_status = 415


class InvalidJson(InvalidInput):
    code = "invalid_json"


class InvalidFields(InvalidInput):
    """The request does not match the operation's schema (types, required fields)."""

    http_status = 422

    def __init__(self, messages: Mapping[str, Any]) -> None:
        location, fields = next(iter(messages.items()), ("json", {}))
        if not isinstance(fields, Mapping):
            fields = {"_schema": fields}
        problems = list(_flatten(fields, location))
        text = "; ".join(f"{name}: {reason}" for name, reason in problems[:5])
        super().__init__(text or "the request is not valid", location=location,
                         fields=dict(fields))


def _flatten(messages: Mapping[Any, Any], location: str, prefix: str = ""
             ) -> Iterator[tuple[str, str]]:
    """("field.sub", reason) pairs; errors about the whole input are named by its location."""
    for key, value in messages.items():
        name = location if key == "_schema" and not prefix else f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from _flatten(value, location, f"{name}.")
        elif isinstance(value, list):
            yield from ((name, str(v)) for v in value if not isinstance(v, Mapping))
        else:
            yield name, str(value)


class RequestParser(FlaskParser):
    """webargs' parser, answering in our error shapes instead of werkzeug aborts."""

    DEFAULT_VALIDATION_STATUS = 422

    def _raw_load_json(self, req: flask.Request) -> Any:
        if not req.is_json:
            raise UnsupportedMediaType("send the request body as application/json")
        try:
            return core.parse_json(req.get_data(cache=True))
        except RecursionError:
            # json.loads gives up on absurdly deep nesting; that is bad input, not our bug.
            raise InvalidJson("the request body is nested too deeply") from None

    def _handle_invalid_json_error(self, error: Exception, req: flask.Request,
                                   *args: Any, **kwargs: Any) -> NoReturn:
        raise InvalidJson(f"the request body is not valid JSON ({error})")

    def handle_error(self, error: ma.ValidationError, req: flask.Request, schema: ma.Schema,
                     *, error_status_code: int | None,
                     error_headers: Mapping[str, str] | None) -> NoReturn:
        raise InvalidFields(cast(Mapping[str, Any], error.messages))


def refuse_impossible_ids() -> None:
    """No slug, handle or id holds a NUL, and PostgreSQL refuses to even compare one."""
    if any("\x00" in value for value in (request.view_args or {}).values()
           if isinstance(value, str)):
        raise NotFound()


def authenticate() -> None:
    """Who is asking, from the bearer token alone (never the session cookie)."""
    g.api_viewer = ANONYMOUS
    header = request.headers.get("Authorization", "").strip()
    if not header:
        return
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("send your API token as 'Authorization: Bearer <token>'")
    row = get_member_by_token_hash(context.db(), token_hash(token.strip()))
    if row is None or not row.active:
        raise NotAuthenticated("that API token is not valid: unknown, revoked, "
                               "or its account is deactivated")
    g.api_viewer = viewer_from_row(row)


def refuse_other_media_types() -> None:
    """A body we would not read is refused, even on operations that take none."""
    if request.method in BODY_METHODS and request.mimetype and not request.is_json:
        raise UnsupportedMediaType("send the request body as application/json")


def member() -> Viewer:
    """The signed-in caller; 401 for an anonymous one."""
    viewer = context.viewer()
    if not viewer.signed_in:
        raise NotAuthenticated("sign in: send 'Authorization: Bearer <token>'")
    return viewer


def require_member_for_writes() -> None:
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        member()


def add_challenge(response: flask.Response) -> flask.Response:
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="commonroom"'
    return response


class Blueprint(flask_smorest.Blueprint):  # type: ignore[misc]
    """flask-smorest's blueprint with our parser, token sign-in, and typed decorators."""

    ARGUMENTS_PARSER = RequestParser()

    def __init__(self, name: str, description: str) -> None:
        super().__init__(name, __name__, url_prefix=PREFIX, description=description)
        self.before_request(refuse_impossible_ids)
        self.before_request(authenticate)
        self.before_request(require_member_for_writes)
        self.before_request(refuse_other_media_types)
        self.after_request(add_challenge)

    def route(self, rule: str, **options: Any) -> Callable[[F], F]:
        return cast(Callable[[F], F], super().route(rule, **options))

    def arguments(self, schema: Any, **kwargs: Any) -> Callable[[F], F]:
        return cast(Callable[[F], F], super().arguments(schema, **kwargs))

    def response(self, status: int, schema: Any = None, **kwargs: Any) -> Callable[[F], F]:
        return cast(Callable[[F], F], super().response(status, schema, **kwargs))

    def errors(self, *statuses: int, member_only: bool = False) -> Callable[[F], F]:
        """Document the refusals an operation may answer with: 401 always (a bad token),
        and 400 always, since any request whose query or form holds a NUL character
        is refused before it reaches the operation (forum.web.app)."""
        decorators = [super().doc(security=BEARER if member_only else BEARER_OR_ANONYMOUS)]
        for status in sorted({400, 401, *statuses}):
            decorators.append(super().alt_response(status, response=http.HTTPStatus(status).name))

        def decorate(view: F) -> F:
            for decorator in decorators:
                view = decorator(view)
            return view

        return decorate


# The header documented on every 201: where the new resource lives.
LOCATION = {"Location": {"description": "the new resource", "schema": {"type": "string"}}}
