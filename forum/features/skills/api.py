"""Who knows what: skills, the directory, "ask who knows X", mentoring. Members only."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from forum.core.errors import InvalidQuery
from forum.features.skills import handlers as skills
from forum.features.skills import queries as skill_queries
from forum.features.skills.commands import (
    AskForMentoring,
    ListSkills,
    OfferMentoring,
    WithdrawMentoring,
)
from forum.features.skills.model import check_kind
from forum.features.skills.queries import Mentoring, Person, Skill
from forum.web import context
from forum.web.api.blueprint import Blueprint, member
from forum.web.api.schemas import PersonSchema, UtcDateTime
from search import QueryError

blp = Blueprint("api_skills", "Who knows what: skills on profiles, the directory, mentoring.")


class MySkillsSchema(Schema):
    can_teach = fields.List(fields.String(), required=True)
    want_to_learn = fields.List(fields.String(), required=True)


class SkillSchema(Schema):
    key = fields.String(required=True, metadata={"description": "the normalised tag"})
    name = fields.String(required=True)
    can_teach = fields.List(fields.Nested(PersonSchema), required=True)
    want_to_learn = fields.List(fields.Nested(PersonSchema), required=True)
    offers = fields.Integer(required=True)
    asks = fields.Integer(required=True)


class SkillListSchema(Schema):
    items = fields.List(fields.Nested(SkillSchema), required=True)


class DirectoryArgs(Schema):
    q = fields.String(load_default="", validate=validate.Length(0, 60), metadata={
        "description": "the start of a word of the skill; accents and case aside"})


class WhoKnowsArgs(Schema):
    q = fields.String(required=True, validate=validate.Length(1, 200), metadata={
        "description": "a skill or a few words (the search query language)"})


class WriterSchema(Schema):
    member = fields.Nested(PersonSchema, required=True)
    count = fields.Integer(required=True, metadata={
        "description": "posts and messages about it that you may read"})


class WhoKnowsSchema(Schema):
    skills = fields.List(fields.Nested(SkillSchema), required=True)
    writers = fields.List(fields.Nested(WriterSchema), required=True)


class MentoringSchema(Schema):
    id = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "offer or ask"})
    skill_key = fields.String(required=True)
    skill = fields.String(required=True)
    note = fields.String(required=True)
    member = fields.Nested(PersonSchema, required=True)
    created_at = UtcDateTime(required=True)


class MatchSchema(Schema):
    offer = fields.Nested(MentoringSchema, required=True)
    ask = fields.Nested(MentoringSchema, required=True)


class MentoringListSchema(Schema):
    items = fields.List(fields.Nested(MentoringSchema), required=True)
    matches = fields.List(fields.Nested(MatchSchema), required=True)


class NewMentoringSchema(Schema):
    kind = fields.String(required=True, metadata={"description": "offer or ask"})
    skill = fields.String(required=True)
    note = fields.String(load_default="")


class MentoringCreatedSchema(Schema):
    id = fields.String(required=True)


def _person(p: Person) -> dict[str, Any]:
    return {"id": p.id, "handle": p.handle, "display_name": p.display_name}


def _skill(s: Skill) -> dict[str, Any]:
    return {"key": s.key, "name": s.name, "offers": s.offers, "asks": s.asks,
            "can_teach": [_person(p) for p in s.teachers],
            "want_to_learn": [_person(p) for p in s.learners]}


def _mentoring(m: Mentoring) -> dict[str, Any]:
    return {"id": m.id, "kind": m.kind, "skill_key": m.skill_key, "skill": m.skill,
            "note": m.note, "member": _person(m.member), "created_at": m.created_at}


@blp.route("/me/skills")
class MySkills(MethodView):
    @blp.errors(member_only=True)
    @blp.response(200, MySkillsSchema)
    def get(self) -> dict[str, Any]:
        """What you can teach and want to learn."""
        mine = skill_queries.list_member_skills(context.db(), member().member_id or "")
        return {"can_teach": mine["teach"], "want_to_learn": mine["learn"]}

    @blp.errors(400, 403, 413, 415, member_only=True)
    @blp.arguments(MySkillsSchema)
    @blp.response(200, MySkillsSchema)
    def put(self, args: dict[str, Any]) -> dict[str, Any]:
        """Replace both lists (up to 30 skills each, 60 characters a skill)."""
        context.send(skills.list_skills, ListSkills(tuple(args["can_teach"]),
                                                        tuple(args["want_to_learn"])))
        return self.get()


@blp.route("/skills")
class Directory(MethodView):
    @blp.errors(member_only=True)
    @blp.arguments(DirectoryArgs, location="query")
    @blp.response(200, SkillListSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Skills active members can teach or want to learn, most people first."""
        member()
        return {"items": [_skill(s) for s in skill_queries.list_skills(context.db(),
                                                                       args["q"])]}


@blp.route("/skills/<key>")
class OneSkill(MethodView):
    @blp.errors(404, member_only=True)
    @blp.response(200, SkillSchema)
    def get(self, key: str) -> dict[str, Any]:
        """One skill: who can teach it, who wants to learn it."""
        member()
        found = skill_queries.get_skill(context.db(), key)
        if found is None:
            abort(404)
        return _skill(found)


@blp.route("/who-knows")
class WhoKnows(MethodView):
    @blp.errors(400, member_only=True)
    @blp.arguments(WhoKnowsArgs, location="query")
    @blp.response(200, WhoKnowsSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Who listed a matching skill, and who wrote most about it in what you may read."""
        viewer = member()
        try:
            answer = skill_queries.who_knows(context.db(), context.backend().search, viewer,
                                             args["q"])
        except QueryError as refused:
            raise InvalidQuery(refused.message, suggestions=refused.suggestions) from None
        return {"skills": [_skill(s) for s in answer.skills],
                "writers": [{"member": _person(p), "count": n} for p, n in answer.writers]}


@blp.route("/mentoring")
class MentoringList(MethodView):
    @blp.errors(member_only=True)
    @blp.response(200, MentoringListSchema)
    def get(self) -> dict[str, Any]:
        """Open offers and asks, and the matches between them."""
        member()
        listed = skill_queries.list_mentoring(context.db())
        return {"items": [_mentoring(m) for m in listed],
                "matches": [{"offer": _mentoring(o), "ask": _mentoring(a)}
                            for o, a in skill_queries.list_matches(listed)]}

    @blp.errors(400, 403, 409, 413, 415, member_only=True)
    @blp.arguments(NewMentoringSchema)
    @blp.response(201, MentoringCreatedSchema)
    def post(self, args: dict[str, Any]) -> dict[str, Any]:
        """Offer mentoring in a skill (kind offer) or ask for it (kind ask), with a note."""
        if check_kind(args["kind"]) == "offer":
            made = context.send(skills.offer_mentoring,
                                OfferMentoring(args["skill"], args["note"]))
        else:
            made = context.send(skills.ask_for_mentoring,
                                AskForMentoring(args["skill"], args["note"]))
        return {"id": made}


@blp.route("/mentoring/<mentoring_id>")
class OneMentoring(MethodView):
    @blp.errors(403, 404, member_only=True)
    @blp.response(204)
    def delete(self, mentoring_id: str) -> None:
        """Withdraw your offer or ask."""
        context.send(skills.withdraw_mentoring, WithdrawMentoring(mentoring_id))
