"""Talk rotas: their slots, signing up, releasing, moving, and the write-up's review."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort
from flask.views import MethodView

from forum.core.permissions import can_organise, can_post
from forum.core.rows import DbRow
from forum.features.articles import queries as article_queries
from forum.features.conferences.queries import conference_access
from forum.features.members.queries import get_member_by_handle
from forum.features.rotas import handlers as rotas
from forum.features.rotas import queries as rota_queries
from forum.features.rotas.access import may_read_writeup, readable_rota, readable_talk
from forum.features.rotas.commands import (
    ApproveWriteUp,
    JoinWaitlist,
    LeaveWaitlist,
    MoveTalk,
    ReleaseTalk,
    SaveWriteUp,
    ScheduleSlots,
    SendBackWriteUp,
    SignUpForSlot,
    SubmitWriteUp,
)
from forum.features.rotas.schemas import (
    MoveSchema,
    RotaDetailSchema,
    RotaListSchema,
    SaveWriteUpSchema,
    ScheduledSchema,
    ScheduleSchema,
    SendBackSchema,
    SignUpSchema,
    TalkDetailSchema,
)
from forum.web import context
from forum.web.api.blueprint import PREFIX, Blueprint, Created

blp = Blueprint("api_rotas", "Talk rotas: slots, talks and their write-ups.")


def _person(talk: DbRow) -> dict[str, Any]:
    return {"id": talk.speaker_id, "handle": talk.speaker_handle,
            "display_name": talk.speaker_name}


def _talk(talk: DbRow, starts_at: datetime, ends_at: datetime) -> dict[str, Any]:
    return {"id": talk.id, "slot_id": talk.slot_id, "title": talk.title,
            "abstract": talk.abstract, "abstract_html": talk.abstract_html,
            "speaker": _person(talk), "starts_at": starts_at, "ends_at": ends_at,
            "thread_id": talk.thread_id, "writeup_status": talk.writeup_status,
            "swap_with": talk.swap_with}


def _slot(view: rota_queries.SlotView) -> dict[str, Any]:
    return {"id": view.slot.id, "starts_at": view.starts_at, "ends_at": view.ends_at,
            "talk": _talk(view.talk, view.starts_at, view.ends_at) if view.talk else None,
            "waiting": len(view.waiting)}


def _rota(row: DbRow) -> dict[str, Any]:
    viewer = context.viewer()
    access = conference_access(context.db(), row.conference_id)
    assert access is not None
    return {"id": row.id, "slug": row.slug, "name": row.name,
            "description": row.description, "timezone": row.timezone,
            "conference_id": row.conference_id, "may_sign_up": can_post(viewer, access),
            "may_organise": can_organise(viewer, access)}


def _detail(slug: str) -> dict[str, Any]:
    row, _ = readable_rota(context.db(), context.viewer(), slug)
    slots = rota_queries.list_slots(context.db(), row.id)
    upcoming = rota_queries.next_talk(slots, context.backend().store.clock())
    return {**_rota(row), "slots": [_slot(s) for s in slots],
            "next": _slot(upcoming) if upcoming else None}


def _talk_detail(slug: str, talk_id: str) -> dict[str, Any]:
    _, talk, access = readable_talk(context.db(), context.viewer(), slug, talk_id)
    result = _talk(talk, rota_queries.aware(talk.starts_at), rota_queries.aware(talk.ends_at))
    result["writeup"] = {
        "title": talk.writeup_title, "body": talk.writeup_body, "html": talk.writeup_html,
        "revision": talk.writeup_revision, "review_comment": talk.review_comment,
    } if may_read_writeup(context.viewer(), talk, access) else None
    article = article_queries.get_talk_article(context.db(), talk.id)
    result["article"] = {"id": article.id, "status": article.status, "slug": article.slug} \
        if article is not None and talk.writeup_status == "approved" else None
    return result


@blp.route("/rotas")
class Rotas(MethodView):
    @blp.errors()
    @blp.response(200, RotaListSchema)
    def get(self) -> dict[str, Any]:
        """The talk rotas you may read (those of conferences you may read)."""
        rows = rota_queries.list_rotas(context.db(), context.viewer())
        return {"items": [_rota(r) for r in rows]}


@blp.route("/rotas/<slug>")
class Rota(MethodView):
    @blp.errors(404)
    @blp.response(200, RotaDetailSchema)
    def get(self, slug: str) -> dict[str, Any]:
        """A rota with every slot in time order, its talk, and who is next."""
        return _detail(slug)


@blp.route("/rotas/<slug>/slots")
class Slots(MethodView):
    @blp.errors(400, 403, 404, 409, 413, 415, member_only=True)
    @blp.arguments(ScheduleSchema)
    @blp.response(201, ScheduledSchema)
    def post(self, args: dict[str, Any], slug: str) -> dict[str, Any]:
        """Organisers add slots in bulk from a recurrence rule, skipping listed days and
        a country's public holidays; a rule with no dates, or one in the past, is 400."""
        row, _ = readable_rota(context.db(), context.viewer(), slug)
        made = context.send(rotas.schedule_slots, ScheduleSlots(
            row.id, args["first_day"], args["time"], args["rule"], args["duration_minutes"],
            tuple(args["skip_dates"]), args["holidays"]))
        return {"made": made}


@blp.route("/rotas/<slug>/slots/<slot_id>/talk")
class SlotTalk(MethodView):
    @blp.errors(400, 403, 404, 409, 413, 415, member_only=True)
    @blp.arguments(SignUpSchema)
    @blp.response(201, TalkDetailSchema, headers={"Location": {
        "description": "the talk", "schema": {"type": "string"}}})
    def post(self, args: dict[str, Any], slug: str, slot_id: str) -> Created:
        """Sign up for a free slot (409 "just taken" if someone was quicker); an
        organiser may name another speaker. The talk gets its discussion thread."""
        row, _ = readable_rota(context.db(), context.viewer(), slug)
        speaker = None
        if args["speaker"]:
            member = get_member_by_handle(context.db(), args["speaker"].lstrip("@"))
            if member is None:
                abort(404)
            speaker = member.id
        talk_id = context.send(rotas.sign_up_for_slot, SignUpForSlot(
            row.id, slot_id, args["title"], args["abstract"], speaker))
        return _talk_detail(slug, talk_id), 201, {
            "Location": f"{PREFIX}/rotas/{slug}/talks/{talk_id}"}


@blp.route("/rotas/<slug>/slots/<slot_id>/waitlist")
class Waitlist(MethodView):
    @blp.errors(400, 403, 404, 409, 413, 415, member_only=True)
    @blp.arguments(SignUpSchema)
    @blp.response(204)
    def put(self, args: dict[str, Any], slug: str, slot_id: str) -> None:
        """Wait for a taken slot with the talk you would give; first come, first served."""
        row, _ = readable_rota(context.db(), context.viewer(), slug)
        context.send(rotas.join_waitlist, JoinWaitlist(row.id, slot_id, args["title"],
                                                           args["abstract"]))

    @blp.errors(403, 404, member_only=True)
    @blp.response(204)
    def delete(self, slug: str, slot_id: str) -> None:
        """Leave the slot's waiting list."""
        row, _ = readable_rota(context.db(), context.viewer(), slug)
        context.send(rotas.leave_waitlist, LeaveWaitlist(row.id, slot_id))


@blp.route("/rotas/<slug>/talks/<talk_id>")
class Talk(MethodView):
    @blp.errors(404)
    @blp.response(200, TalkDetailSchema)
    def get(self, slug: str, talk_id: str) -> dict[str, Any]:
        """A talk, and its write-up if it is approved or yours to write or review."""
        return _talk_detail(slug, talk_id)

    @blp.errors(400, 403, 404, 409, member_only=True)
    @blp.response(204)
    def delete(self, slug: str, talk_id: str) -> None:
        """Release the slot (speaker or organiser); the first on its waiting list gets it."""
        row, _ = readable_rota(context.db(), context.viewer(), slug)
        context.send(rotas.release_talk, ReleaseTalk(row.id, talk_id))


@blp.route("/rotas/<slug>/talks/<talk_id>/move")
class Move(MethodView):
    @blp.errors(400, 403, 404, 409, 413, 415, member_only=True)
    @blp.arguments(MoveSchema)
    @blp.response(200, TalkDetailSchema)
    def post(self, args: dict[str, Any], slug: str, talk_id: str) -> dict[str, Any]:
        """Move a talk to a free slot (its speaker, or an organiser)."""
        row, _ = readable_rota(context.db(), context.viewer(), slug)
        context.send(rotas.move_talk, MoveTalk(row.id, talk_id, args["slot_id"]))
        return _talk_detail(slug, talk_id)


@blp.route("/rotas/<slug>/talks/<talk_id>/write-up")
class WriteUp(MethodView):
    @blp.errors(400, 403, 404, 409, 413, 415, member_only=True)
    @blp.arguments(SaveWriteUpSchema)
    @blp.response(200, TalkDetailSchema)
    def put(self, args: dict[str, Any], slug: str, talk_id: str) -> dict[str, Any]:
        """Save the write-up: its speaker while drafting, an organiser while reviewing."""
        row, _ = readable_rota(context.db(), context.viewer(), slug)
        context.send(rotas.save_writeup, SaveWriteUp(
            row.id, talk_id, args["title"], args["body"], args["expected_revision"]))
        return _talk_detail(slug, talk_id)


def _review(slug: str, talk_id: str, make: Any, handler: Any) -> dict[str, Any]:
    row, _ = readable_rota(context.db(), context.viewer(), slug)
    context.send(handler, make(row.id))
    return _talk_detail(slug, talk_id)


@blp.route("/rotas/<slug>/talks/<talk_id>/write-up/submit")
class Submit(MethodView):
    @blp.errors(403, 404, 409, 415, member_only=True)
    @blp.response(200, TalkDetailSchema)
    def post(self, slug: str, talk_id: str) -> dict[str, Any]:
        """The speaker sends the write-up for review, after the talk."""
        return _review(slug, talk_id, lambda r: SubmitWriteUp(r, talk_id),
                       rotas.submit_writeup)


@blp.route("/rotas/<slug>/talks/<talk_id>/write-up/send-back")
class SendBack(MethodView):
    @blp.errors(400, 403, 404, 409, 413, 415, member_only=True)
    @blp.arguments(SendBackSchema)
    @blp.response(200, TalkDetailSchema)
    def post(self, args: dict[str, Any], slug: str, talk_id: str) -> dict[str, Any]:
        """An organiser sends the write-up back to its speaker with a comment."""
        return _review(slug, talk_id, lambda r: SendBackWriteUp(r, talk_id,
                                                                    args["comment"]),
                       rotas.send_back_writeup)


@blp.route("/rotas/<slug>/talks/<talk_id>/write-up/approve")
class Approve(MethodView):
    @blp.errors(403, 404, 409, 415, member_only=True)
    @blp.response(200, TalkDetailSchema)
    def post(self, slug: str, talk_id: str) -> dict[str, Any]:
        """An organiser other than the speaker approves it, which publishes it as an
        article on the public blog (``article`` in the answer)."""
        return _review(slug, talk_id, lambda r: ApproveWriteUp(r, talk_id),
                       rotas.approve_writeup)
