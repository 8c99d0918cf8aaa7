"""The talk rota's request and response shapes (they are also its API docs)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from forum.web.api.schemas import PersonSchema, UtcDateTime, strict_int

WRITEUP_STATES = ["none", "draft", "in_review", "sent_back", "approved"]


class TalkSchema(Schema):
    id = fields.String(required=True)
    slot_id = fields.String(required=True)
    title = fields.String(required=True)
    abstract = fields.String(required=True, metadata={"description": "Markdown source"})
    abstract_html = fields.String(required=True)
    speaker = fields.Nested(PersonSchema, required=True)
    starts_at = UtcDateTime(required=True)
    ends_at = UtcDateTime(required=True)
    thread_id = fields.String(required=True, metadata={"description": "its discussion"})
    writeup_status = fields.String(required=True, validate=validate.OneOf(WRITEUP_STATES))
    swap_with = fields.String(required=True, allow_none=True, metadata={
        "description": "the talk its speaker offered to trade slots with"})


class WriteUpSchema(Schema):
    title = fields.String(required=True)
    body = fields.String(required=True, metadata={"description": "Markdown"})
    html = fields.String(required=True)
    revision = fields.Integer(required=True)
    review_comment = fields.String(required=True)


class TalkArticleSchema(Schema):
    id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(
        ["proposed", "sent_back", "published", "unpublished"]))
    slug = fields.String(required=True, allow_none=True, metadata={
        "description": "its address on the blog, /blog/<slug>, once published"})


class TalkDetailSchema(TalkSchema):
    writeup = fields.Nested(WriteUpSchema, required=True, allow_none=True, metadata={
        "description": "null until written, and for drafts not yours to review"})
    article = fields.Nested(TalkArticleSchema, required=True, allow_none=True, metadata={
        "description": "the write-up's article on the public blog (approval publishes it)"})


class SlotSchema(Schema):
    id = fields.String(required=True)
    starts_at = UtcDateTime(required=True)
    ends_at = UtcDateTime(required=True)
    talk = fields.Nested(TalkSchema, required=True, allow_none=True)
    waiting = fields.Integer(required=True, metadata={"description": "on its waiting list"})


class RotaSchema(Schema):
    id = fields.String(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    timezone = fields.String(required=True)
    conference_id = fields.String(required=True)
    may_sign_up = fields.Boolean(required=True)
    may_organise = fields.Boolean(required=True)


class RotaListSchema(Schema):
    items = fields.List(fields.Nested(RotaSchema), required=True)


class RotaDetailSchema(RotaSchema):
    next = fields.Nested(SlotSchema, required=True, allow_none=True, metadata={
        "description": "who is next: the talk on now, or the first to come"})
    slots = fields.List(fields.Nested(SlotSchema), required=True)


class ScheduleSchema(Schema):
    first_day = fields.String(required=True, metadata={"description": "YYYY-MM-DD"})
    time = fields.String(required=True, metadata={"description": "HH:MM, the rota's zone"})
    rule = fields.String(required=True, metadata={
        "description": "an iCalendar RRULE, e.g. FREQ=WEEKLY;COUNT=8"})
    duration_minutes = strict_int(load_default=45)
    skip_dates = fields.List(fields.String(), load_default=list)
    holidays = fields.String(load_default="", metadata={
        "description": "skip this country's public holidays (SE, GB, ...)"})


class ScheduledSchema(Schema):
    made = fields.Integer(required=True)


class SignUpSchema(Schema):
    title = fields.String(required=True)
    abstract = fields.String(load_default="", metadata={"description": "Markdown"})
    speaker = fields.String(load_default=None, allow_none=True, metadata={
        "description": "an organiser may name another member's handle"})


class MoveSchema(Schema):
    slot_id = fields.String(required=True)


class SaveWriteUpSchema(Schema):
    title = fields.String(required=True)
    body = fields.String(required=True, metadata={"description": "Markdown"})
    expected_revision = strict_int(load_default=None, allow_none=True, metadata={
        "description": "the revision you edited; 409 if it changed since"})


class SendBackSchema(Schema):
    comment = fields.String(required=True)
