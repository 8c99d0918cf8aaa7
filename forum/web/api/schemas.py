"""What every API blueprint's shapes share: the error body, a person, UTC times, strict
integers and the page limit. Each feature keeps its own shapes in its ``schemas``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema, fields

MAX_LIMIT = 100


class UtcDateTime(fields.DateTime):
    """SQLite hands back naive times; every time we store is UTC, so say so."""

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


def strict_int(**kwargs: Any) -> fields.Integer:
    return fields.Integer(strict=True, **kwargs)


class ErrorSchema(Schema):
    code = fields.String(required=True, metadata={"description": "stable, machine-readable"})
    message = fields.String(required=True, metadata={"description": "for people"})
    details = fields.Dict(metadata={"description": "e.g. fields, current_revision"})


class PersonSchema(Schema):
    id = fields.String(required=True)
    handle = fields.String(required=True)
    display_name = fields.String(required=True)
