"""The read side of who knows what: ``get_*`` and ``list_*``. Never writes.

Only active members appear anywhere here: a deactivated member's skills and
mentoring stay in the log (and come back if they are reactivated).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, or_, select

from forum.core.permissions import Viewer
from forum.core.rows import DbRow
from forum.features.members.tables import members
from forum.features.skills.model import skill_key
from forum.features.skills.tables import member_skills, mentoring, skills

if TYPE_CHECKING:
    from search import SearchService

DIRECTORY_MAX = 200
WRITERS_MAX = 10


@dataclass(frozen=True)
class Person:
    id: str
    handle: str
    display_name: str


@dataclass
class Skill:
    key: str
    name: str
    teachers: list[Person] = field(default_factory=list)
    learners: list[Person] = field(default_factory=list)
    offers: int = 0
    asks: int = 0


def _person(row: DbRow) -> Person:
    return Person(row.member_id, row.handle, row.display_name)


def _matching(column: Any, text: str) -> Any:
    """Skills whose key, or a word of it, starts with the folded text ("pyth", "cafe")."""
    key = skill_key(text)
    return or_(column.like(f"{key}%"), column.like(f"%-{key}%")) if key else None


def _names(conn: Connection, keys: Iterable[str]) -> dict[str, str]:
    wanted = set(keys)
    if not wanted:
        return {}
    return dict(conn.execute(select(skills.c.key, skills.c.name)
                             .where(skills.c.key.in_(wanted))).all())


def list_skills(conn: Connection, text: str = "", *, exact: bool = False) -> list[Skill]:
    """The directory: each skill some active member can teach, wants to learn or mentors in.

    ``text`` narrows it to skills a word of which starts with it (accents and
    case aside); ``exact`` to the one skill it names.
    """
    key = skill_key(text)
    people = (select(member_skills.c.key, member_skills.c.kind, member_skills.c.member_id,
                     members.c.handle, members.c.display_name)
              .join(members, members.c.id == member_skills.c.member_id)
              .where(members.c.active.is_(True))
              .order_by(members.c.display_name, members.c.handle))
    offers = (select(mentoring.c.skill_key, mentoring.c.kind)
              .join(members, members.c.id == mentoring.c.member_id)
              .where(members.c.active.is_(True)))
    if exact:
        people = people.where(member_skills.c.key == key)
        offers = offers.where(mentoring.c.skill_key == key)
    elif (narrowing := _matching(member_skills.c.key, text)) is not None:
        people = people.where(narrowing)
        offers = offers.where(_matching(mentoring.c.skill_key, text))
    found: dict[str, Skill] = {}
    rows = conn.execute(people).all()
    mentoring_rows = conn.execute(offers).all()
    names = _names(conn, [r.key for r in rows] + [r.skill_key for r in mentoring_rows])
    for row in rows:
        entry = found.setdefault(row.key, Skill(row.key, names.get(row.key, row.key)))
        (entry.teachers if row.kind == "teach" else entry.learners).append(_person(row))
    for listed in mentoring_rows:
        entry = found.setdefault(listed.skill_key, Skill(
            listed.skill_key, names.get(listed.skill_key, listed.skill_key)))
        if listed.kind == "offer":
            entry.offers += 1
        else:
            entry.asks += 1
    ordered = sorted(found.values(), key=lambda s: (-len(s.teachers) - len(s.learners)
                                                    - s.offers - s.asks, s.key))
    return ordered[:DIRECTORY_MAX]


def get_skill(conn: Connection, key: str) -> Skill | None:
    """One skill with its people, or None if nobody active lists it or mentors in it."""
    found = list_skills(conn, key, exact=True) if key == skill_key(key) and key else []
    return found[0] if found else None


def list_member_skills(conn: Connection, member_id: str) -> dict[str, list[str]]:
    """A member's own lists, as they wrote them: ``{"teach": [...], "learn": [...]}``."""
    result: dict[str, list[str]] = {"teach": [], "learn": []}
    rows = conn.execute(select(member_skills.c.kind, member_skills.c.name)
                        .where(member_skills.c.member_id == member_id)
                        .order_by(member_skills.c.position))
    for kind, name in rows:
        result[kind].append(name)
    return result


def list_can_teach(conn: Connection) -> dict[str, list[str]]:
    """Every member's "can teach" list, by member id."""
    result: dict[str, list[str]] = defaultdict(list)
    rows = conn.execute(select(member_skills.c.member_id, member_skills.c.name)
                        .where(member_skills.c.kind == "teach")
                        .order_by(member_skills.c.member_id, member_skills.c.position))
    for member_id, name in rows:
        result[member_id].append(name)
    return dict(result)


# --- mentoring ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Mentoring:
    id: str
    kind: str  # offer, ask
    skill_key: str
    skill: str
    note: str
    member: Person
    created_at: Any


def get_mentoring(conn: Connection, mentoring_id: str) -> DbRow | None:
    return conn.execute(select(mentoring).where(mentoring.c.id == mentoring_id)).first()


def list_mentoring(conn: Connection, key: str | None = None) -> list[Mentoring]:
    """Open offers and asks of active members (of one skill, given its key), newest first."""
    query = (select(mentoring, members.c.handle, members.c.display_name)
             .join(members, members.c.id == mentoring.c.member_id)
             .where(members.c.active.is_(True))
             .order_by(mentoring.c.created_at.desc(), mentoring.c.id))
    if key is not None:
        query = query.where(mentoring.c.skill_key == key)
    rows = conn.execute(query).all()
    names = _names(conn, (r.skill_key for r in rows))
    return [Mentoring(r.id, r.kind, r.skill_key, names.get(r.skill_key, r.skill_key), r.note,
                      _person(r), r.created_at) for r in rows]


def list_matches(listed: Sequence[Mentoring]) -> list[tuple[Mentoring, Mentoring]]:
    """Each offer paired with each ask on the same skill from someone else, by skill."""
    asks: dict[str, list[Mentoring]] = defaultdict(list)
    for item in listed:
        if item.kind == "ask":
            asks[item.skill_key].append(item)
    pairs = [(offer, ask) for offer in listed if offer.kind == "offer"
             for ask in asks[offer.skill_key] if ask.member.id != offer.member.id]
    return sorted(pairs, key=lambda p: (p[0].skill_key, p[0].member.display_name,
                                        p[1].member.display_name))


# --- ask who knows X -------------------------------------------------------------------


@dataclass
class WhoKnows:
    """Who listed a skill matching the question (teachers first), and who wrote most about it."""

    skills: list[Skill]
    writers: list[tuple[Person, int]]


def who_knows(conn: Connection, search: SearchService, viewer: Viewer, text: str
              ) -> WhoKnows:
    """Raises search.QueryError for text the search cannot read.

    The writers are counted by the search index over only what ``viewer``
    may read (the same privacy-filtered plan as the search page), so words
    in a conference they cannot read never make its authors appear here.
    """
    listed = list_skills(conn, text) if skill_key(text) else []
    counted = search.count_authors(conn, viewer, text, limit=WRITERS_MAX * 2)
    active = {}
    if counted:
        rows = conn.execute(select(members.c.id.label("member_id"), members.c.handle,
                                   members.c.display_name)
                            .where(members.c.id.in_([a for a, _ in counted]),
                                   members.c.active.is_(True)))
        active = {r.member_id: _person(r) for r in rows}
    writers = [(active[a], n) for a, n in counted if a in active][:WRITERS_MAX]
    return WhoKnows(listed, writers)
