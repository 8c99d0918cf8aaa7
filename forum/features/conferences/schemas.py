"""The JSON API's request and response shapes for conferences (they are also its docs)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from forum.web.api.schemas import UtcDateTime


class ConferenceSchema(Schema):
    id = fields.String(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    resume = fields.String(required=True, metadata={"description": "Markdown source"})
    resume_html = fields.String(required=True, metadata={"description": "sanitised HTML"})
    visibility = fields.String(required=True, validate=validate.OneOf(
        ["public", "internal", "private"]))
    parent_id = fields.String(required=True, allow_none=True)
    depth = fields.Integer(required=True, metadata={"description": "nesting in the tree"})
    threads = fields.Integer(required=True)
    posts = fields.Integer(required=True)
    unread = fields.Integer(required=True, metadata={"description": "0 when anonymous"})
    last_post_at = UtcDateTime(required=True, allow_none=True)
    may_post = fields.Boolean(required=True)
    may_moderate = fields.Boolean(required=True)


class ConferenceListSchema(Schema):
    items = fields.List(fields.Nested(ConferenceSchema), required=True)
