"""The JSON API's request and response shapes for reading (they are also its docs)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from forum.web.api.schemas import strict_int


class MarkerSchema(Schema):
    thread_id = fields.String(required=True)
    up_to_seq = fields.Integer(required=True, metadata={"description": "read up to here"})
    last_seq = fields.Integer(required=True)
    unread = fields.Integer(required=True)


class MarkerUpdateSchema(Schema):
    up_to_seq = strict_int(required=True, validate=validate.Range(min=0), metadata={
        "description": "only moves forward; past the end means the whole thread"})


class MarkUnreadSchema(Schema):
    seq = strict_int(required=True, metadata={
        "description": "this post and every later one become unread"})


class ConferenceReadSchema(Schema):
    slug = fields.String(required=True)
    threads_marked = fields.Integer(required=True)


class ConferenceUnreadSchema(Schema):
    slug = fields.String(required=True)
    unread = fields.Integer(required=True)


class NextUnreadSchema(Schema):
    thread_id = fields.String(required=True)
    seq = fields.Integer(required=True)
    post_id = fields.String(required=True)


class UnreadSchema(Schema):
    total = fields.Integer(required=True)
    conferences = fields.List(fields.Nested(ConferenceUnreadSchema), required=True,
                              metadata={"description": "only those with unread posts"})
    next = fields.Nested(NextUnreadSchema, required=True, allow_none=True, metadata={
        "description": "the oldest unread post anywhere, or null"})
