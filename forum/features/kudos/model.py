"""Kudos on posts and talks, and "today I learned" posts: pure rules, no IO."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from forum.core.errors import Forbidden, InvalidInput, NotFound
from forum.core.events import Event
from forum.core.permissions import ConferenceAccess, Viewer, can_administer, can_read
from forum.core.text import clean_text
from forum.features.kudos.commands import ChooseTilConference, GiveKudos, PostTil, WithdrawKudos
from forum.features.kudos.events import KudosGiven, KudosWithdrawn, TilConferenceChosen
from forum.features.threads.commands import StartThread

TARGETS = ("post", "talk")
NOTE_MAX = 280
TIL_MAX = 500
TIL_SUBJECT = 80


@dataclass(frozen=True)
class Recipient:
    """What kudos point at: whose work it is, and where it is read."""

    member_id: str
    thread_id: str
    post_id: str


@dataclass
class KudosState:
    givers: set[str] = field(default_factory=set)
    version: int = 0


def evolve(state: KudosState, event: Event) -> KudosState:
    state.version += 1
    match event:
        case KudosGiven():
            state.givers.add(event.member_id)
        case KudosWithdrawn():
            state.givers.discard(event.member_id)
    return state


def load(history: Iterable[Event]) -> KudosState:
    state = KudosState()
    for event in history:
        evolve(state, event)
    return state


def _member(actor: Viewer) -> str:
    if not actor.signed_in or actor.member_id is None:
        raise Forbidden("sign in to give kudos")
    return actor.member_id


def check_target(target: str) -> str:
    if target not in TARGETS:
        raise InvalidInput("kudos go to a post or a talk", field="target")
    return target


def give(state: KudosState, command: GiveKudos, actor: Viewer,
         access: ConferenceAccess | None, recipient: Recipient | None) -> list[Event]:
    """``access``: the place of the post or talk; ``recipient``: None if it is gone."""
    by = _member(actor)
    check_target(command.target)
    if access is None or recipient is None or not can_read(actor, access):
        raise NotFound(f"no such {command.target}")
    if recipient.member_id == by:
        raise InvalidInput("kudos are for someone else's work")
    note = clean_text(command.note, "note", maximum=NOTE_MAX, required=False)
    if by in state.givers:
        return []
    return [KudosGiven(command.target, command.target_id, by, recipient.member_id, note,
                          recipient.thread_id, recipient.post_id)]


def withdraw(state: KudosState, command: WithdrawKudos, actor: Viewer,
             access: ConferenceAccess | None) -> list[Event]:
    by = _member(actor)
    check_target(command.target)
    if access is None or not can_read(actor, access):
        raise NotFound(f"no such {command.target}")
    if by not in state.givers:
        return []
    return [KudosWithdrawn(command.target, command.target_id, by)]


def choose_til_conference(command: ChooseTilConference, actor: Viewer,
                          access: ConferenceAccess | None, current: str | None
                          ) -> list[Event]:
    if not can_administer(actor) or actor.member_id is None:
        raise Forbidden("only an administrator chooses where TIL posts go")
    if access is None:
        raise NotFound("no such conference", field="conference_id")
    if access.conference_id == current:
        return []
    return [TilConferenceChosen(access.conference_id, actor.member_id)]


def til_thread(command: PostTil, conference_id: str | None) -> StartThread:
    """A TIL as the thread it starts: its first line (shortened) is the subject."""
    if conference_id is None:
        raise NotFound("no conference holds TIL posts yet; an administrator chooses one")
    body = clean_text(command.body, "what you learned", maximum=TIL_MAX)
    first = body.splitlines()[0].strip()
    if len(first) > TIL_SUBJECT:
        first = first[:TIL_SUBJECT - 1].rstrip() + "…"
    return StartThread(conference_id, f"TIL: {first}", body)
