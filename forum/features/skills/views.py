"""Who knows what in the browser: the skills directory, "ask who knows X", mentoring.

Members only (guests — outside colleagues — included, as on the People page):
an anonymous visitor is asked to sign in. Everything works without JavaScript.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from forum.features.skills import handlers as skills
from forum.features.skills import queries as skill_queries
from forum.features.skills.commands import (
    AskForMentoring,
    ListSkills,
    OfferMentoring,
    WithdrawMentoring,
)
from forum.features.skills.model import NOTE_MAX, SKILL_MAX, check_kind, skill_key
from forum.web import context
from search import QueryError

bp = Blueprint("skills", __name__)
bp.before_request(context.require_member)


@bp.app_template_global()
def member_skills(member_id: str) -> dict[str, list[str]]:
    """A member's "can teach" and "want to learn" lists, for their profile and settings."""
    return skill_queries.list_member_skills(context.db(), member_id)


@bp.app_template_global()
def teachers_by_member() -> dict[str, list[str]]:
    """What each member can teach, in one query (for the People page)."""
    return skill_queries.list_can_teach(context.db())


def _list(name: str) -> tuple[str, ...]:
    return tuple(part for part in request.form.get(name, "").split(",") if part.strip())


@bp.get("/skills")
def directory() -> ResponseReturnValue:
    """Every skill someone can teach or wants to learn; ``q`` narrows it by a word's start."""
    text = request.args.get("q", "").strip()
    return render_template("skills/directory.html", q=text,
                           skills=skill_queries.list_skills(context.db(), text))


@bp.get("/skills/<key>")
def skill(key: str) -> ResponseReturnValue:
    found = skill_queries.get_skill(context.db(), key)
    if found is None:
        abort(404)
    try:  # its words as a phrase, in what the reader may read
        writers = skill_queries.who_knows(
            context.db(), context.backend().search, context.viewer(),
            '"' + found.name.replace('"', " ") + '"').writers
    except QueryError:  # a name of signs alone ("C++" is "c"): no words to count by
        writers = []
    listed = skill_queries.list_mentoring(context.db(), key)
    return render_template("skills/skill.html", skill=found, writers=writers,
                           mentoring=listed, matches=skill_queries.list_matches(listed))


@bp.post("/skills/mine")
def list_mine() -> ResponseReturnValue:
    context.send(skills.list_skills, ListSkills(_list("can_teach"), _list("want_to_learn")))
    flash("Your skills are saved.")
    return redirect(url_for("account.settings") + "#skills-title")


@bp.get("/who-knows")
def who_knows() -> ResponseReturnValue:
    """Ask who knows X: people who listed it (teachers first), then who wrote most about it."""
    text = request.args.get("q", "").strip()
    if not text:
        return render_template("skills/who_knows.html", q="", answer=None)
    try:
        answer = skill_queries.who_knows(context.db(), context.backend().search,
                                         context.viewer(), text)
    except QueryError as refused:
        return render_template("skills/who_knows.html", q=text, answer=None,
                               problem=refused), 400
    return render_template("skills/who_knows.html", q=text, answer=answer)


@bp.get("/mentoring")
def mentoring() -> ResponseReturnValue:
    listed = skill_queries.list_mentoring(context.db())
    return render_template("skills/mentoring.html", mentoring=listed,
                           matches=skill_queries.list_matches(listed),
                           me=context.viewer().member_id, note_max=NOTE_MAX,
                           skill_max=SKILL_MAX, skill=request.args.get("skill", ""))


@bp.post("/mentoring")
def post_mentoring() -> ResponseReturnValue:
    """Offer mentoring in a skill (``kind=offer``) or ask for it (``kind=ask``)."""
    skill, note = request.form.get("skill", ""), request.form.get("note", "")
    if check_kind(request.form.get("kind", "")) == "offer":
        context.send(skills.offer_mentoring, OfferMentoring(skill, note))
        flash("Your offer is listed: people asking for it will see it.")
    else:
        context.send(skills.ask_for_mentoring, AskForMentoring(skill, note))
        flash("Your ask is listed: mentors in that skill will see it.")
    return redirect(url_for("skills.skill", key=skill_key(skill)))


@bp.post("/mentoring/<mentoring_id>/withdraw")
def withdraw_mentoring(mentoring_id: str) -> ResponseReturnValue:
    context.send(skills.withdraw_mentoring, WithdrawMentoring(mentoring_id))
    flash("Withdrawn.")
    return redirect(url_for("skills.mentoring"))
