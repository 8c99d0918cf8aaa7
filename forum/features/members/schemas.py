"""The JSON API's request and response shapes for members (they are also its docs)."""

from __future__ import annotations

from marshmallow import Schema, fields

from forum.web.api.schemas import PersonSchema, UtcDateTime


class RecentPostSchema(Schema):
    id = fields.String(required=True)
    thread_id = fields.String(required=True)
    subject = fields.String(required=True)
    seq = fields.Integer(required=True)
    created_at = UtcDateTime(required=True)


class ProfileSchema(PersonSchema):
    active = fields.Boolean(required=True)
    bio = fields.String(required=True)
    skills = fields.List(fields.String(), required=True)
    interests = fields.List(fields.String(), required=True)
    can_teach = fields.List(fields.String(), required=True)
    recent_posts = fields.List(fields.Nested(RecentPostSchema), required=True)


class MeSchema(PersonSchema):
    email = fields.String(required=True)
    role = fields.String(required=True)
    bio = fields.String(required=True)
    skills = fields.List(fields.String(), required=True)
    interests = fields.List(fields.String(), required=True)
    can_teach = fields.List(fields.String(), required=True)
    share_read_history = fields.Boolean(required=True)
    joined_at = UtcDateTime(required=True)
