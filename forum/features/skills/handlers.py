"""Handlers for who knows what: a member's skills, and mentoring offered or asked for."""

from __future__ import annotations

from forum.core.errors import NotFound
from forum.core.handlers import Services, run
from forum.core.permissions import Viewer
from forum.features.skills import model as skills
from forum.features.skills import queries as skill_queries
from forum.features.skills.commands import (
    AskForMentoring,
    ListSkills,
    OfferMentoring,
    WithdrawMentoring,
)


def list_skills(svc: Services, actor: Viewer, command: ListSkills) -> None:
    """Replace your own "can teach" and "want to learn" lists."""
    member_id = actor.member_id or ""
    run(svc, actor, f"skills-{member_id}", skills.load_skills,
        lambda s: skills.list_skills(s, command, actor))


def _post(svc: Services, actor: Viewer, kind: str, skill: str, note: str) -> str:
    mentoring_id = svc.new_id()
    stream = skills.mentoring_stream(actor.member_id or "", kind, skills.check_skill(skill))
    run(svc, actor, stream, skills.load_mentoring,
        lambda s: skills.post_mentoring(s, kind, skill, note, actor, mentoring_id))
    return mentoring_id


def offer_mentoring(svc: Services, actor: Viewer, command: OfferMentoring) -> str:
    """Returns the offer's id."""
    return _post(svc, actor, "offer", command.skill, command.note)


def ask_for_mentoring(svc: Services, actor: Viewer, command: AskForMentoring) -> str:
    """Returns the ask's id."""
    return _post(svc, actor, "ask", command.skill, command.note)


def withdraw_mentoring(svc: Services, actor: Viewer, command: WithdrawMentoring) -> None:
    with svc.engine.connect() as conn:
        row = skill_queries.get_mentoring(conn, command.mentoring_id)
    if row is None:
        raise NotFound("no such mentoring offer or ask (perhaps already withdrawn)")
    stream = f"mentoring-{row.member_id}-{row.kind}-{row.skill_key}"
    run(svc, actor, stream, skills.load_mentoring,
        lambda s: skills.withdraw_mentoring(s, command, row.member_id, actor))
