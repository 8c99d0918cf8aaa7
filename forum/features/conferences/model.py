"""The conference aggregate: name, résumé, visibility and ordered access list."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from forum.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from forum.core.events import Event
from forum.core.permissions import (
    ACCESS_NAMES,
    MEMBER_ROLES,
    VISIBILITIES,
    ConferenceAccess,
    Viewer,
    can_administer,
    can_moderate,
)
from forum.core.text import NAME_MAX, RESUME_MAX, clean_text
from forum.features.conferences.commands import CreateConference, SetConferenceAcl, UpdateConference
from forum.features.conferences.events import (
    ConferenceAclChanged,
    ConferenceCreated,
    ConferenceUpdated,
)

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
PRINCIPAL = re.compile(
    r"^(members|member:[A-Za-z0-9_-]{1,40}|role:(" + "|".join(MEMBER_ROLES) + "))$"
)
ACL_MAX = 200


@dataclass
class ConferenceState:
    conference_id: str
    visibility: str = ""
    acl: tuple[tuple[str, str], ...] = ()
    version: int = 0

    @property
    def exists(self) -> bool:
        return self.version > 0

    def access(self) -> ConferenceAccess:
        return ConferenceAccess(self.conference_id, self.visibility, self.acl)


def evolve(state: ConferenceState, event: Event) -> ConferenceState:
    state.version += 1
    match event:
        case ConferenceCreated() | ConferenceUpdated():
            state.visibility = event.visibility
        case ConferenceAclChanged():
            state.acl = event.entries
    return state


def load(conference_id: str, history: Iterable[Event]) -> ConferenceState:
    state = ConferenceState(conference_id)
    for event in history:
        evolve(state, event)
    return state


def check_visibility(visibility: str) -> str:
    if visibility not in VISIBILITIES:
        raise InvalidInput(f"visibility must be one of {', '.join(VISIBILITIES)}",
                           field="visibility")
    return visibility


def create(command: CreateConference, actor: Viewer, conference_id: str,
           slug_taken: bool, parent_exists: bool) -> list[Event]:
    if not can_administer(actor) or actor.member_id is None:
        raise Forbidden("only an administrator may create conferences")
    slug = command.slug.strip().lower()
    if not SLUG.match(slug):
        raise InvalidInput("a slug is lowercase letters, digits and '-', up to 80",
                           field="slug")
    if slug_taken:
        raise Conflict(f"a conference called {slug!r} already exists", field="slug")
    if command.parent_id is not None and not parent_exists:
        raise NotFound("no such parent conference", field="parent_id")
    return [ConferenceCreated(
        conference_id, slug, clean_text(command.name, "name", maximum=NAME_MAX),
        clean_text(command.resume, "résumé", maximum=RESUME_MAX, required=False),
        check_visibility(command.visibility), command.parent_id, actor.member_id,
    )]


def _manage(state: ConferenceState, actor: Viewer) -> str:
    if not state.exists:
        raise NotFound("no such conference")
    if not can_moderate(actor, state.access()) or actor.member_id is None:
        raise Forbidden("only moderators of this conference may change it")
    return actor.member_id


def update(state: ConferenceState, command: UpdateConference, actor: Viewer
           ) -> list[Event]:
    by = _manage(state, actor)
    visibility = check_visibility(command.visibility)
    if visibility != state.visibility and not can_administer(actor):
        raise Forbidden("only an administrator may change a conference's visibility")
    return [ConferenceUpdated(
        state.conference_id, clean_text(command.name, "name", maximum=NAME_MAX),
        clean_text(command.resume, "résumé", maximum=RESUME_MAX, required=False),
        visibility, by,
    )]


def set_acl(state: ConferenceState, command: SetConferenceAcl, actor: Viewer
            ) -> list[Event]:
    by = _manage(state, actor)
    if len(command.entries) > ACL_MAX:
        raise InvalidInput(f"an access list has at most {ACL_MAX} entries", field="entries")
    seen: set[str] = set()
    for principal, access in command.entries:
        if not PRINCIPAL.fullmatch(principal):
            raise InvalidInput(
                f"unknown principal {principal!r}: use member:<id>, role:<role> or members",
                field="entries")
        if access not in ACCESS_NAMES:
            raise InvalidInput(f"access must be one of {', '.join(ACCESS_NAMES)}",
                               field="entries")
        if principal in seen:
            raise InvalidInput(f"{principal} is listed twice", field="entries")
        seen.add(principal)
    entries = tuple((p, a) for p, a in command.entries)
    new = ConferenceState(state.conference_id, state.visibility, entries, state.version)
    if not can_moderate(actor, new.access()):
        raise Conflict("that list would take away your own moderator access")
    return [ConferenceAclChanged(state.conference_id, entries, by)]
