"""The study circle: members who learn one subject together, at a cadence, from a
reading list, keeping each session's notes as a thread in the circle's own conference.

One stream per circle. The circle's conference is created with it, and its
access list *follows the membership*: every decision that changes who is in
the circle (or archives it) also replaces the conference's list — organisers
moderate, members contribute, and in an internal circle every staff member
reads. So the one visibility rule of :mod:`forum.permissions` decides who sees
the circle, its notes and its sessions on every surface, as for any conference.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from forum.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from forum.core.events import Event
from forum.core.permissions import (
    ConferenceAccess,
    Viewer,
    can_moderate,
    can_post,
    can_read,
    can_start_circle,
)
from forum.core.text import BODY_MAX, NAME_MAX, RESUME_MAX, SUBJECT_MAX, clean_text
from forum.features.circles.commands import (
    AddCircleMember,
    AnswerJoinRequest,
    ArchiveCircle,
    ChangeCircleCadence,
    JoinCircle,
    LeaveCircle,
    NameCircleOrganiser,
    RecordCircleSession,
    SetReadingList,
    StartCircle,
)
from forum.features.circles.events import (
    CircleArchived,
    CircleCadenceChanged,
    CircleJoinDeclined,
    CircleJoined,
    CircleJoinRequested,
    CircleLeft,
    CircleOrganiserNamed,
    CircleReadingListChanged,
    CircleSessionHeld,
    CircleStarted,
)
from forum.features.conferences.events import ConferenceAclChanged, ConferenceCreated
from forum.features.threads.events import ThreadStarted

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")
VISIBILITIES = ("internal", "private")
JOINS = {"internal": ("open", "approval"), "private": ("invitation",)}
CADENCE_MAX = 200
NOTE_MAX = 500
TITLE_MAX = 150
LINK_MAX = 500
READING_MAX = 50
LINK = re.compile(r"^https?://[^\s<>\"]+$")


@dataclass
class CircleState:
    circle_id: str
    conference_id: str = ""
    visibility: str = "internal"
    join: str = "approval"
    version: int = 0
    organisers: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)  # organisers are members too
    requests: dict[str, str] = field(default_factory=dict)
    reading_revision: int = 0
    archived: bool = False

    @property
    def exists(self) -> bool:
        return self.version > 0


def evolve(state: CircleState, event: Event) -> CircleState:
    state.version += 1
    match event:
        case CircleStarted():
            state.conference_id, state.visibility = event.conference_id, event.visibility
            state.join = event.join
            state.organisers, state.members = [event.started_by], [event.started_by]
        case CircleJoinRequested():
            state.requests[event.member_id] = event.note
        case CircleJoinDeclined():
            state.requests.pop(event.member_id, None)
        case CircleJoined():
            state.requests.pop(event.member_id, None)
            state.members.append(event.member_id)
        case CircleLeft():
            state.members.remove(event.member_id)
            if event.member_id in state.organisers:
                state.organisers.remove(event.member_id)
        case CircleOrganiserNamed():
            state.organisers.append(event.member_id)
        case CircleReadingListChanged():
            state.reading_revision = event.revision
        case CircleArchived():
            state.archived = True
    return state


def load(circle_id: str, history: Iterable[Event]) -> CircleState:
    state = CircleState(circle_id)
    for event in history:
        evolve(state, event)
    return state


def access_list(state: CircleState) -> tuple[tuple[str, str], ...]:
    """The conference's list as the membership says: organisers moderate, members
    contribute, staff read an internal circle; archived, everyone on it only reads."""
    working = "reader" if state.archived else "contributor"
    entries = [(f"member:{m}", "reader" if state.archived else "moderator")
               for m in state.organisers]
    entries += [(f"member:{m}", working) for m in state.members if m not in state.organisers]
    if state.visibility == "internal":
        entries.append(("role:staff", "reader"))
    return tuple(entries)


def _following(state: CircleState, new_events: list[Event], by: str) -> list[Event]:
    """The decision's events, and the conference's new list if they change it."""
    after = copy.deepcopy(state)
    for event in new_events:
        evolve(after, event)
    entries = access_list(after)
    if entries != access_list(state) or not state.exists:
        new_events.append(ConferenceAclChanged(after.conference_id, entries, by))
    return new_events


def _member(actor: Viewer) -> str:
    if not actor.signed_in or actor.member_id is None:
        raise Forbidden("sign in to take part in study circles")
    return actor.member_id


def _visible(state: CircleState, actor: Viewer, conference: ConferenceAccess | None) -> str:
    by = _member(actor)
    if not state.exists or conference is None or not can_read(actor, conference):
        raise NotFound("no such circle")
    return by


def _open(state: CircleState) -> None:
    if state.archived:
        raise Conflict("the circle is archived; it is kept as it was, read-only")


def _organiser(state: CircleState, actor: Viewer, conference: ConferenceAccess | None) -> str:
    by = _visible(state, actor, conference)
    assert conference is not None
    if not can_moderate(actor, conference):
        raise Forbidden("only the circle's organisers may do that")
    _open(state)
    return by


def check_cadence(text: str) -> str:
    return clean_text(text, "cadence", maximum=CADENCE_MAX, required=False)


def is_rule(cadence: str) -> bool:
    """An iCalendar rule (FREQ=…) rather than words."""
    return cadence.upper().removeprefix("RRULE:").startswith("FREQ=")


def start(command: StartCircle, actor: Viewer, circle_id: str, conference_id: str,
          slug_taken: bool) -> list[Event]:
    """The circle and its conference (named after it, slug ``circle-<slug>``)."""
    by = _member(actor)
    if not can_start_circle(actor):
        raise Forbidden("staff start study circles; ask a colleague to add you to one")
    slug = command.slug.strip().lower()
    if not SLUG.match(slug):
        raise InvalidInput("a slug is lowercase letters, digits and '-', up to 60",
                           field="slug")
    if slug_taken:
        raise Conflict(f"there is already a circle (or conference) called {slug!r}",
                       field="slug")
    if command.visibility not in VISIBILITIES:
        raise InvalidInput("a circle is internal (every staff member may read it) or "
                           "private (its members alone)", field="visibility")
    if command.join not in JOINS[command.visibility]:
        raise InvalidInput(f"a {command.visibility} circle's members join by "
                           f"{' or '.join(JOINS[command.visibility])}", field="join")
    name = clean_text(command.name, "name", maximum=NAME_MAX)
    description = clean_text(command.description, "description", maximum=RESUME_MAX,
                             required=False)
    state = CircleState(circle_id)
    started = CircleStarted(circle_id, conference_id, slug, name, description,
                               check_cadence(command.cadence), command.visibility,
                               command.join, by)
    conference = ConferenceCreated(conference_id, f"circle-{slug}", name, description,
                                      command.visibility, None, by)
    return [conference, *_following(state, [started], by)]


def join(state: CircleState, command: JoinCircle, actor: Viewer,
         conference: ConferenceAccess | None) -> list[Event]:
    by = _visible(state, actor, conference)
    _open(state)
    if by in state.members:
        raise Conflict("you are in this circle already")
    if state.join == "invitation":
        raise Forbidden("this circle's organisers add its members; ask one of them")
    if state.join == "open":
        return _following(state, [CircleJoined(state.circle_id, by, by)], by)
    if by in state.requests:
        raise Conflict("you asked to join already; an organiser will answer")
    note = clean_text(command.note, "note", maximum=NOTE_MAX, required=False)
    return [CircleJoinRequested(state.circle_id, by, note)]


def answer(state: CircleState, command: AnswerJoinRequest, actor: Viewer,
           conference: ConferenceAccess | None) -> list[Event]:
    by = _organiser(state, actor, conference)
    if command.member_id not in state.requests:
        raise NotFound("no such request to join", field="member_id")
    if not command.approve:
        return [CircleJoinDeclined(state.circle_id, command.member_id, by)]
    return _following(state, [CircleJoined(state.circle_id, command.member_id, by)], by)


def add_member(state: CircleState, command: AddCircleMember, actor: Viewer,
               conference: ConferenceAccess | None, exists: bool) -> list[Event]:
    """``exists``: the member is registered and active."""
    by = _organiser(state, actor, conference)
    if not exists:
        raise InvalidInput("no such member", field="member_id")
    if command.member_id in state.members:
        raise Conflict("they are in this circle already", field="member_id")
    return _following(state, [CircleJoined(state.circle_id, command.member_id, by)], by)


def leave(state: CircleState, command: LeaveCircle, actor: Viewer,
          conference: ConferenceAccess | None) -> list[Event]:
    by = _visible(state, actor, conference)
    _open(state)
    who = command.member_id or by
    if who != by:
        _organiser(state, actor, conference)
    if who not in state.members:
        raise Conflict("you are not in this circle" if who == by else
                       "they are not in this circle")
    if state.organisers == [who]:
        raise Conflict("the circle needs an organiser: name another one first, or archive it")
    return _following(state, [CircleLeft(state.circle_id, who, by)], by)


def name_organiser(state: CircleState, command: NameCircleOrganiser, actor: Viewer,
                   conference: ConferenceAccess | None) -> list[Event]:
    by = _organiser(state, actor, conference)
    if command.member_id not in state.members:
        raise Conflict("only a member of the circle can organise it", field="member_id")
    if command.member_id in state.organisers:
        raise Conflict("they organise it already", field="member_id")
    return _following(state, [CircleOrganiserNamed(state.circle_id, command.member_id,
                                                       by)], by)


def change_cadence(state: CircleState, command: ChangeCircleCadence, actor: Viewer,
                   conference: ConferenceAccess | None) -> list[Event]:
    """A rule's dates are checked by the handler (the rule's library is not pure)."""
    by = _organiser(state, actor, conference)
    return [CircleCadenceChanged(state.circle_id, check_cadence(command.cadence), by)]


def _contributor(state: CircleState, actor: Viewer,
                 conference: ConferenceAccess | None) -> str:
    by = _visible(state, actor, conference)
    assert conference is not None
    _open(state)
    if not can_post(actor, conference):
        raise Forbidden("only the circle's members may do that; join it first")
    return by


def _reading_item(title: str, link: str, n: int) -> tuple[str, str]:
    title = clean_text(title, f"title of reading {n}", maximum=TITLE_MAX)
    link = clean_text(link, f"link of reading {n}", maximum=LINK_MAX, required=False)
    if link and not LINK.match(link):
        raise InvalidInput(f"reading {n}: a link starts with http:// or https:// "
                           f"({link[:60]!r} does not)", field="items")
    return title, link


def set_reading_list(state: CircleState, command: SetReadingList, actor: Viewer,
                     conference: ConferenceAccess | None) -> list[Event]:
    """Members edit the list; a stale edit is refused rather than lost."""
    by = _contributor(state, actor, conference)
    if len(command.items) > READING_MAX:
        raise InvalidInput(f"a reading list has at most {READING_MAX} items", field="items")
    if command.expected_revision is not None and \
            command.expected_revision != state.reading_revision:
        raise Conflict("the reading list changed meanwhile; reload to see it",
                       current_revision=state.reading_revision)
    items = tuple(_reading_item(t, u, n) for n, (t, u) in enumerate(command.items, 1))
    return [CircleReadingListChanged(state.circle_id, items, state.reading_revision + 1,
                                        by)]


def record_session(state: CircleState, command: RecordCircleSession, actor: Viewer,
                   conference: ConferenceAccess | None, today: date,
                   ids: tuple[str, str, str]) -> list[Event]:
    """A session's notes; ``ids``: the session's, its thread's and its first post's."""
    by = _contributor(state, actor, conference)
    try:
        held = date.fromisoformat(command.held_on.strip())
    except ValueError:
        raise InvalidInput("held_on is a date, YYYY-MM-DD", field="held_on") from None
    if held > today:
        raise InvalidInput("record a session once it was held (that day is still to come)",
                           field="held_on")
    title = clean_text(command.title, "title", maximum=TITLE_MAX)
    notes = clean_text(command.notes, "notes", maximum=BODY_MAX)
    return [CircleSessionHeld(state.circle_id, ids[0], held.isoformat(), title, ids[1], by),
            ThreadStarted(ids[1], state.conference_id,
                             f"Session {held.isoformat()}: {title}"[:SUBJECT_MAX], ids[2], by,
                             notes)]


def archive(state: CircleState, command: ArchiveCircle, actor: Viewer,
            conference: ConferenceAccess | None) -> list[Event]:
    by = _organiser(state, actor, conference)
    return _following(state, [CircleArchived(state.circle_id, by)], by)
