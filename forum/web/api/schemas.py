"""The API's request and response shapes, as marshmallow schemas (they are also its docs)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema, fields, validate

from forum.web.api.paging import Cursor

MAX_LIMIT = 100


class UtcDateTime(fields.DateTime):
    """SQLite hands back naive times; every time we store is UTC, so say so."""

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


def _strict_int(**kwargs: Any) -> fields.Integer:
    return fields.Integer(strict=True, **kwargs)


# --- errors and people -------------------------------------------------------


class ErrorSchema(Schema):
    code = fields.String(required=True, metadata={"description": "stable, machine-readable"})
    message = fields.String(required=True, metadata={"description": "for people"})
    details = fields.Dict(metadata={"description": "e.g. fields, current_revision"})


class PersonSchema(Schema):
    id = fields.String(required=True)
    handle = fields.String(required=True)
    display_name = fields.String(required=True)


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


# --- conferences and threads -------------------------------------------------


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


# --- posts -------------------------------------------------------------------


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
    expected_revision = _strict_int(required=True, metadata={
        "description": "the revision you edited; 409 if someone edited it since"})


class RevisionSchema(Schema):
    revision = fields.Integer(required=True)
    body = fields.String(required=True)
    editor_id = fields.String(required=True)
    editor_name = fields.String(required=True)
    edited_at = UtcDateTime(required=True)


class RevisionListSchema(Schema):
    items = fields.List(fields.Nested(RevisionSchema), required=True)


# --- reading -----------------------------------------------------------------


class MarkerSchema(Schema):
    thread_id = fields.String(required=True)
    up_to_seq = fields.Integer(required=True, metadata={"description": "read up to here"})
    last_seq = fields.Integer(required=True)
    unread = fields.Integer(required=True)


class MarkerUpdateSchema(Schema):
    up_to_seq = _strict_int(required=True, validate=validate.Range(min=0), metadata={
        "description": "only moves forward; past the end means the whole thread"})


class MarkUnreadSchema(Schema):
    seq = _strict_int(required=True, metadata={
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


# --- search ----------------------------------------------------------------------


class SearchArgs(Schema):
    q = fields.String(required=True, validate=validate.Length(1, 500), metadata={
        "description": 'the query: words, "phrases", -word, a OR b, prefix*, in:, by:, '
                       "type:, before:, after:, is:unread, is:mine, has:link"})
    sort = fields.String(load_default="relevance",
                         validate=validate.OneOf(["relevance", "newest", "oldest"]))
    page = fields.Integer(load_default=1, validate=validate.Range(1, 50))
    limit = fields.Integer(load_default=20, validate=validate.Range(1, MAX_LIMIT))


class SearchHitSchema(Schema):
    id = fields.String(required=True, metadata={"description": "kind:id, e.g. post:abc123"})
    kind = fields.String(required=True, metadata={
        "description": "thread, post, chat, member or article"})
    url = fields.String(required=True)
    title = fields.String(required=True, metadata={
        "description": "the thread's subject, the room's or the person's name"})
    place = fields.String(required=True, metadata={"description": "conference or room name"})
    author = fields.Nested(PersonSchema, allow_none=True, required=True)
    created_at = UtcDateTime(required=True)
    snippet_html = fields.String(required=True, metadata={
        "description": "escaped text around the matches, which are in <mark>"})


class SearchResultsSchema(Schema):
    items = fields.List(fields.Nested(SearchHitSchema), required=True)
    total = fields.Integer(required=True, metadata={
        "description": "the matches you may read (never more); counted up to 1,000"})
    total_is_exact = fields.Boolean(required=True, metadata={
        "description": "false when there are at least `total` (1,000 or more)"})
    page = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    suggestion = fields.String(allow_none=True, required=True, metadata={
        "description": "a corrected query when nothing matched"})
