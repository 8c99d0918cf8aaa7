"""Who knows what: the skills directory and open mentoring offers and asks."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, delete, select

from forum import events as ev
from forum.eventstore import Recorded
from forum.model.skills import check_skills, skill_key
from forum.projections.registry import Projection
from forum.projections.tables import member_skills, mentoring, skill_lists, skills

projection = Projection("skills", [skills, member_skills, skill_lists, mentoring])


def _name(conn: Connection, name: str) -> None:
    """The directory's name for a skill is its first spelling."""
    key = skill_key(name)
    if conn.execute(select(skills.c.key).where(skills.c.key == key)).first() is None:
        conn.execute(skills.insert().values(key=key, name=name))


def _replace(conn: Connection, member_id: str, kind: str, names: Sequence[str]) -> None:
    conn.execute(delete(member_skills).where(member_skills.c.member_id == member_id,
                                             member_skills.c.kind == kind))
    for position, name in enumerate(names):
        _name(conn, name)
        conn.execute(member_skills.insert().values(
            member_id=member_id, kind=kind, key=skill_key(name), name=name,
            position=position))


@projection.on(ev.SkillsListed)
def _listed(conn: Connection, rec: Recorded, e: ev.SkillsListed) -> None:
    if conn.execute(select(skill_lists).where(
            skill_lists.c.member_id == e.member_id)).first() is None:
        conn.execute(skill_lists.insert().values(member_id=e.member_id))
    _replace(conn, e.member_id, "teach", e.can_teach)
    _replace(conn, e.member_id, "learn", e.want_to_learn)


@projection.on(ev.ProfileUpdated)
def _resume(conn: Connection, rec: Recorded, e: ev.ProfileUpdated) -> None:
    """Until a member lists their skills, the résumé's "what I can teach" stands for them."""
    if conn.execute(select(skill_lists).where(
            skill_lists.c.member_id == e.member_id)).first() is not None:
        return
    # Résumé tags were never held to the skill rules: keep those that meet them.
    names = [n for n in e.can_teach if skill_key(n)][:30]
    _replace(conn, e.member_id, "teach", check_skills((n[:60] for n in names), "can teach"))


@projection.on(ev.MentoringOffered, ev.MentoringAsked)
def _posted(conn: Connection, rec: Recorded, e: ev.MentoringOffered | ev.MentoringAsked
            ) -> None:
    _name(conn, e.skill)
    conn.execute(mentoring.insert().values(
        id=e.mentoring_id, member_id=e.member_id,
        kind="offer" if isinstance(e, ev.MentoringOffered) else "ask",
        skill_key=skill_key(e.skill), note=e.note, created_at=rec.occurred_at))


@projection.on(ev.MentoringWithdrawn)
def _withdrawn(conn: Connection, rec: Recorded, e: ev.MentoringWithdrawn) -> None:
    conn.execute(delete(mentoring).where(mentoring.c.id == e.mentoring_id))
