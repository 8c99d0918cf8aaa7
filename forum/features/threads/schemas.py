"""The JSON API's request and response shapes for threads and posts (they are also its docs)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from forum.web.api.paging import Cursor
from forum.web.api.schemas import MAX_LIMIT, PersonSchema, UtcDateTime, strict_int


class ThreadSchema(Schema):
    id = fields.String(required=True)
    conference_id = fields.String(required=True)
    conference_slug = fields.String(required=True)
    subject = fields.String(required=True)
    author = fields.Nested(PersonSchema, required=True)
    created_at = UtcDateTime(required=True)
    last_post_at = UtcDateTime(required=True)
    post_count = fields.Integer(required=True)
    last_seq = fields.Integer(required=True, metadata={"description": "highest post number"})
    locked = fields.Boolean(required=True)
    pinned = fields.Boolean(required=True)
    unread = fields.Integer(required=True)


class ThreadDetailSchema(ThreadSchema):
    read_up_to = fields.Integer(required=True, metadata={"description": "the read marker"})
    may_reply = fields.Boolean(required=True)
    may_moderate = fields.Boolean(required=True)


class ThreadPageSchema(Schema):
    items = fields.List(fields.Nested(ThreadSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class ThreadPageArgs(Schema):
    # Not strict: query strings are text.
    limit = fields.Integer(load_default=50, validate=validate.Range(1, MAX_LIMIT))
    cursor = Cursor("threads", load_default=None,
                    metadata={"description": "next_cursor of the previous page"})


class NewThreadSchema(Schema):
    subject = fields.String(required=True)
    body = fields.String(required=True, metadata={"description": "Markdown"})


class PostSchema(Schema):
    id = fields.String(required=True)
    thread_id = fields.String(required=True)
    seq = fields.Integer(required=True, metadata={"description": "number in the thread"})
    parent_id = fields.String(required=True, allow_none=True)
    author = fields.Nested(PersonSchema, required=True)
    created_at = UtcDateTime(required=True)
    edited_at = UtcDateTime(required=True, allow_none=True)
    revision = fields.Integer(required=True)
    deleted = fields.Boolean(required=True, metadata={"description": "a tombstone"})
    hidden = fields.Boolean(required=True)
    hidden_reason = fields.String(required=True, allow_none=True)
    body = fields.String(required=True, allow_none=True, metadata={
        "description": "Markdown source; null when deleted, or hidden from you"})
    html = fields.String(required=True, allow_none=True, metadata={
        "description": "sanitised HTML; null when deleted, or hidden from you"})


class PostPageSchema(Schema):
    items = fields.List(fields.Nested(PostSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class PostPageArgs(Schema):
    # Not strict: query strings are text.
    limit = fields.Integer(load_default=50, validate=validate.Range(1, MAX_LIMIT))
    cursor = Cursor("posts", load_default=None,
                    metadata={"description": "next_cursor of the previous page"})


class NewPostSchema(Schema):
    parent_post_id = fields.String(load_default=None, metadata={
        "description": "the post replied to; the thread's first post when omitted"})
    body = fields.String(required=True, metadata={"description": "Markdown"})


class EditPostSchema(Schema):
    body = fields.String(required=True, metadata={"description": "Markdown"})
    expected_revision = strict_int(required=True, metadata={
        "description": "the revision you edited; 409 if someone edited it since"})


class RevisionSchema(Schema):
    revision = fields.Integer(required=True)
    body = fields.String(required=True)
    editor_id = fields.String(required=True)
    editor_name = fields.String(required=True)
    edited_at = UtcDateTime(required=True)


class RevisionListSchema(Schema):
    items = fields.List(fields.Nested(RevisionSchema), required=True)
