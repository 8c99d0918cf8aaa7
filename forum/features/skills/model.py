"""Who knows what: a member's skills, and mentoring offered or asked for. Pure rules.

A skill is what people type ("Zope & Python templating", "Café-Übung"); the
directory keys it by :func:`skill_key`, so "Python", "python " and "PYTHON"
are one skill, and "cafe" finds "Café".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from forum.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from forum.core.events import Event
from forum.core.permissions import Viewer
from forum.core.text import clean_text
from forum.features.skills.commands import ListSkills, WithdrawMentoring
from forum.features.skills.events import (
    MentoringAsked,
    MentoringOffered,
    MentoringWithdrawn,
    SkillsListed,
)

SKILL_MAX = 60
SKILLS_MAX = 30
NOTE_MAX = 500
KINDS = ("offer", "ask")
_NOT_KEY = re.compile(r"[^\w+#]+|_+")  # letters and digits of any script stay


def fold(text: str) -> str:
    """Lower case without accents: what the directory compares ("Ü" is "u")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def skill_key(name: str) -> str:
    """The normalised tag: folded, words joined by '-' ("C++" and "C#" keep their signs)."""
    return _NOT_KEY.sub("-", fold(name)).strip("-")


def check_skill(value: str, field: str = "skill") -> str:
    """A skill's display name, or InvalidInput saying what is wrong with it."""
    name = " ".join(clean_text(value, field, maximum=SKILL_MAX).split())
    if not skill_key(name):
        raise InvalidInput(f"{field}: {name!r} has no letters or digits", field=field)
    return name


def check_skills(values: Iterable[str], field: str) -> tuple[str, ...]:
    """Display names, blanks dropped and the same skill kept once (first spelling wins)."""
    names: list[str] = []
    keys: set[str] = set()
    for value in values:
        if not isinstance(value, str) or not value.strip():
            continue
        name = check_skill(value, field)
        if skill_key(name) not in keys:
            keys.add(skill_key(name))
            names.append(name)
    if len(names) > SKILLS_MAX:
        raise InvalidInput(f"{field}: at most {SKILLS_MAX} skills, not {len(names)}",
                           field=field)
    return tuple(names)


def _member(actor: Viewer) -> str:
    if not actor.signed_in or actor.member_id is None or not actor.active:
        raise Forbidden("sign in first")
    return actor.member_id


# --- a member's skills (stream skills-<member id>) ------------------------------------


@dataclass
class SkillsState:
    can_teach: tuple[str, ...] = ()
    want_to_learn: tuple[str, ...] = ()


def load_skills(history: Iterable[Event]) -> SkillsState:
    state = SkillsState()
    for event in history:
        if isinstance(event, SkillsListed):
            state = SkillsState(event.can_teach, event.want_to_learn)
    return state


def list_skills(state: SkillsState, command: ListSkills, actor: Viewer
                ) -> list[Event]:
    """Replace the member's lists; the same lists again write nothing."""
    member_id = _member(actor)
    teach = check_skills(command.can_teach, "can teach")
    learn = check_skills(command.want_to_learn, "want to learn")
    if (teach, learn) == (state.can_teach, state.want_to_learn):
        return []
    return [SkillsListed(member_id, teach, learn)]


# --- mentoring (stream mentoring-<member id>-<kind>-<skill key>) -----------------------


@dataclass
class MentoringState:
    open_id: str | None = None


def mentoring_stream(member_id: str, kind: str, skill: str) -> str:
    return f"mentoring-{member_id}-{kind}-{skill_key(skill)}"


def load_mentoring(history: Iterable[Event]) -> MentoringState:
    state = MentoringState()
    for event in history:
        if isinstance(event, MentoringOffered | MentoringAsked):
            state.open_id = event.mentoring_id
        elif isinstance(event, MentoringWithdrawn):
            state.open_id = None
    return state


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise InvalidInput("kind is 'offer' (you can mentor) or 'ask' (you would like "
                           "a mentor)", field="kind")
    return kind


def post_mentoring(state: MentoringState, kind: str, skill: str, note: str, actor: Viewer,
                   mentoring_id: str) -> list[Event]:
    """One open offer (and one open ask) per member and skill."""
    member_id = _member(actor)
    name = check_skill(skill)
    text = clean_text(note, "note", maximum=NOTE_MAX, required=False)
    if state.open_id is not None:
        doing = "offer to mentor" if kind == "offer" else "ask for a mentor"
        raise Conflict(f"you already {doing} in {name}: withdraw that first to change it",
                       field="skill")
    made = MentoringOffered if check_kind(kind) == "offer" else MentoringAsked
    return [made(mentoring_id, member_id, name, text)]


def withdraw_mentoring(state: MentoringState, command: WithdrawMentoring, owner: str,
                       actor: Viewer) -> list[Event]:
    member_id = _member(actor)
    if state.open_id != command.mentoring_id:
        raise NotFound("no such mentoring offer or ask (perhaps already withdrawn)")
    if owner != member_id:
        raise Forbidden("only the member who made it may withdraw it")
    return [MentoringWithdrawn(command.mentoring_id, member_id)]
