"""Who knows what: the skills directory and open mentoring offers and asks.

Plain driver statements (forum.projections.sql), not SQLAlchemy Core: every
profile update comes through here, and during a rebuild a Core statement
flushes the queued writes of every table first (sql.batched), which cut each
chunk's ``executemany`` runs into pieces of a few dozen events.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from forum.core.eventstore import Recorded
from forum.core.projections.registry import Projection
from forum.core.projections.sql import Statement, stamp
from forum.features.members.events import ProfileUpdated
from forum.features.skills.events import (
    MentoringAsked,
    MentoringOffered,
    MentoringWithdrawn,
    SkillsListed,
)
from forum.features.skills.model import check_skills, skill_key
from forum.features.skills.tables import member_skills, mentoring, skill_lists, skills

projection = Projection("skills", [skills, member_skills, skill_lists, mentoring])

_SKILL = Statement("SELECT 1 FROM skills WHERE key = :key")
_NEW_SKILL = Statement("INSERT INTO skills (key, name) VALUES (:key, :name)")
_FORGET_LIST = Statement("DELETE FROM member_skills WHERE member_id = :m AND kind = :kind")
_LIST = Statement("""
    INSERT INTO member_skills (member_id, kind, key, name, position)
    VALUES (:m, :kind, :key, :name, :position)""")
_LISTED = Statement("SELECT 1 FROM skill_lists WHERE member_id = :m")
_NEW_LISTED = Statement("INSERT INTO skill_lists (member_id) VALUES (:m)")
_MENTORING = Statement("""
    INSERT INTO mentoring (id, member_id, kind, skill_key, note, created_at)
    VALUES (:id, :m, :kind, :key, :note, :at)""")
_WITHDRAW = Statement("DELETE FROM mentoring WHERE id = :id")


def _name(conn: Connection, name: str) -> None:
    """The directory's name for a skill is its first spelling."""
    key = skill_key(name)
    if _SKILL.run(conn, {"key": key}).fetchone() is None:
        _NEW_SKILL.run(conn, {"key": key, "name": name})


def _replace(conn: Connection, member_id: str, kind: str, names: Sequence[str]) -> None:
    _FORGET_LIST.run(conn, {"m": member_id, "kind": kind})
    for position, name in enumerate(names):
        _name(conn, name)
        _LIST.run(conn, {"m": member_id, "kind": kind, "key": skill_key(name), "name": name,
                         "position": position})


def _listed_already(conn: Connection, member_id: str) -> bool:
    return _LISTED.run(conn, {"m": member_id}).fetchone() is not None


@projection.on(SkillsListed)
def _listed(conn: Connection, rec: Recorded, e: SkillsListed) -> None:
    if not _listed_already(conn, e.member_id):
        _NEW_LISTED.run(conn, {"m": e.member_id})
    _replace(conn, e.member_id, "teach", e.can_teach)
    _replace(conn, e.member_id, "learn", e.want_to_learn)


@projection.on(ProfileUpdated)
def _resume(conn: Connection, rec: Recorded, e: ProfileUpdated) -> None:
    """Until a member lists their skills, the résumé's "what I can teach" stands for them."""
    if _listed_already(conn, e.member_id):
        return
    # Résumé tags were never held to the skill rules: keep those that meet them.
    names = [n for n in e.can_teach if skill_key(n)][:30]
    _replace(conn, e.member_id, "teach", check_skills((n[:60] for n in names), "can teach"))


@projection.on(MentoringOffered, MentoringAsked)
def _posted(conn: Connection, rec: Recorded, e: MentoringOffered | MentoringAsked
            ) -> None:
    _name(conn, e.skill)
    _MENTORING.run(conn, {
        "id": e.mentoring_id, "m": e.member_id,
        "kind": "offer" if isinstance(e, MentoringOffered) else "ask",
        "key": skill_key(e.skill), "note": e.note, "at": stamp(conn, rec.occurred_at)})


@projection.on(MentoringWithdrawn)
def _withdrawn(conn: Connection, rec: Recorded, e: MentoringWithdrawn) -> None:
    _WITHDRAW.run(conn, {"id": e.mentoring_id})
