"""The JSON API's request and response shapes for search (they are also its docs)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from forum.web.api.schemas import MAX_LIMIT, PersonSchema, UtcDateTime


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
