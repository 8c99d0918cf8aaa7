"""The member aggregate: an account, its role, profile and API tokens."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from forum.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from forum.core.events import Event
from forum.core.permissions import MEMBER_ROLES, Viewer, can_administer
from forum.core.text import NAME_MAX, clean_text
from forum.features.members.commands import ChangeMemberRole, SetFediverseProfile, UpdateProfile
from forum.features.members.events import (
    ApiTokenIssued,
    ApiTokenRevoked,
    FediverseProfileSet,
    MemberDeactivated,
    MemberReactivated,
    MemberRegistered,
    MemberRoleChanged,
    ProfileUpdated,
)

HANDLE = re.compile(r"^[a-z0-9](?:[a-z0-9_.-]{0,28}[a-z0-9_])?$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PASSWORD_MIN = 10
PASSWORD_MAX = 1000
BIO_MAX = 5000
TAGS_MAX = 30
TAG_MAX = 60


@dataclass
class MemberState:
    member_id: str
    role: str = ""
    active: bool = False
    fediverse: bool = False
    version: int = 0
    tokens: set[str] = field(default_factory=set)

    @property
    def exists(self) -> bool:
        return self.version > 0


def evolve(state: MemberState, event: Event) -> MemberState:
    state.version += 1
    match event:
        case MemberRegistered():
            state.role = event.role
            state.active = True
        case MemberRoleChanged():
            state.role = event.role
        case MemberDeactivated() | MemberReactivated():
            state.active = isinstance(event, MemberReactivated)
        case FediverseProfileSet():
            state.fediverse = event.enabled
        case ApiTokenIssued():
            state.tokens.add(event.token_id)
        case ApiTokenRevoked():
            state.tokens.discard(event.token_id)
    return state


def load(member_id: str, history: Iterable[Event]) -> MemberState:
    state = MemberState(member_id)
    for event in history:
        evolve(state, event)
    return state


def check_handle(handle: str) -> str:
    handle = handle.strip().lower()
    if not HANDLE.match(handle):
        raise InvalidInput(
            "a handle is 1–30 lowercase letters, digits, '.', '-' or '_', "
            "starting and ending with a letter or digit",
            field="handle",
        )
    return handle


def check_role(role: str) -> str:
    if role not in MEMBER_ROLES:
        raise InvalidInput(f"role must be one of {', '.join(MEMBER_ROLES)}", field="role")
    return role


def check_password(password: str) -> str:
    if not isinstance(password, str) or not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise InvalidInput(
            f"a password has at least {PASSWORD_MIN} characters", field="password"
        )
    return password


def check_email(email: str) -> str:
    email = email.strip()
    if len(email) > 254 or not EMAIL.match(email):
        raise InvalidInput("that does not look like an e-mail address", field="email")
    return email


def register(
    member_id: str, handle: str, display_name: str, email: str, role: str,
    password_hash: str, invited_by: str | None,
) -> list[Event]:
    """Validated registration; the caller checks the handle is free and hashes the password."""
    return [MemberRegistered(
        member_id, check_handle(handle),
        clean_text(display_name, "display name", maximum=NAME_MAX),
        check_email(email), check_role(role), password_hash, invited_by,
    )]


def _tags(values: Iterable[str], name: str) -> tuple[str, ...]:
    cleaned: list[str] = []
    for value in values:
        tag = clean_text(value, name, maximum=TAG_MAX, required=False)
        if tag and tag.lower() not in (t.lower() for t in cleaned):
            cleaned.append(tag)
    if len(cleaned) > TAGS_MAX:
        raise InvalidInput(f"at most {TAGS_MAX} {name}", field=name)
    return tuple(cleaned)


def update_profile(state: MemberState, command: UpdateProfile) -> list[Event]:
    if not state.exists:
        raise NotFound("no such member")
    return [ProfileUpdated(
        state.member_id,
        clean_text(command.display_name, "display name", maximum=NAME_MAX),
        clean_text(command.bio, "bio", maximum=BIO_MAX, required=False),
        _tags(command.skills, "skills"),
        _tags(command.interests, "interests"),
        _tags(command.can_teach, "can teach"),
        bool(command.share_read_history),
    )]


def set_fediverse_profile(state: MemberState, command: SetFediverseProfile
                          ) -> list[Event]:
    """Opt in to (or out of) being found from the fediverse; the same choice twice is nothing."""
    if not state.exists or not state.active:
        raise NotFound("no such member")
    enabled = command.enabled is True
    return [] if enabled == state.fediverse else [
        FediverseProfileSet(state.member_id, enabled)]


def _admin(actor: Viewer, state: MemberState) -> str:
    if not can_administer(actor) or actor.member_id is None:
        raise Forbidden("only an administrator may do that")
    if not state.exists:
        raise NotFound("no such member")
    return actor.member_id


def change_role(state: MemberState, command: ChangeMemberRole, actor: Viewer
                ) -> list[Event]:
    by = _admin(actor, state)
    role = check_role(command.role)
    if state.member_id == actor.member_id and role != "admin":
        raise Conflict("you cannot take away your own administrator role")
    return [] if role == state.role else [MemberRoleChanged(state.member_id, role, by)]


def set_active(state: MemberState, active: bool, actor: Viewer) -> list[Event]:
    by = _admin(actor, state)
    if state.member_id == actor.member_id:
        raise Conflict("you cannot deactivate yourself")
    if state.active == active:
        return []
    if active:
        return [MemberReactivated(state.member_id, by)]
    return [MemberDeactivated(state.member_id, by)]


def issue_token(state: MemberState, token_id: str, name: str, token_hash: str) -> list[Event]:
    if not state.exists or not state.active:
        raise Forbidden("an inactive member cannot have API tokens")
    label = clean_text(name, "token name", maximum=100)
    return [ApiTokenIssued(state.member_id, token_id, label, token_hash)]


def revoke_token(state: MemberState, token_id: str) -> list[Event]:
    if token_id not in state.tokens:
        raise NotFound("no such active token")
    return [ApiTokenRevoked(state.member_id, token_id)]
