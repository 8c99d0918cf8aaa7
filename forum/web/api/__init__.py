"""The JSON API under /api/v1, and its OpenAPI document at /api/v1/openapi.json.

Errors keep the shape of every other error here, ``{code, message, details?}``:
malformed JSON is 400 ``invalid_json``, a body that is not JSON is 415
``unsupported_media_type``, a body or query that does not match the
operation's schema is 422 ``invalid_input``, and text the model refuses
(empty, too long) is 400 ``invalid_input``.
"""

from __future__ import annotations

import flask_smorest
from flask import Flask

from federation.http import api as federation_api
from forum import features
from forum.web.api.schemas import ErrorSchema
from forum.web.extensions import csrf


class Api(flask_smorest.Api):  # type: ignore[misc]
    ERROR_SCHEMA = ErrorSchema
    # No catch-all "default" response: each operation lists the statuses it answers
    # with, so a test can hold the app to exactly those.
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self) -> None:
        """Leave errors to forum.web.errors, which answers JSON only under /api/.

        flask-smorest would otherwise answer every HTTP error of the whole app,
        HTML pages included, with JSON.
        """


def register(app: Flask) -> Api:
    api = Api(app)
    api.spec.components.security_scheme("bearerAuth", {
        "type": "http", "scheme": "bearer",
        "description": "An API token from your account page.",
    })
    for blueprint in [*features.blueprints("api"), federation_api.blp]:
        # Tokens, not cookies, authenticate here, so there is no cross-site request to forge.
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
    return api
