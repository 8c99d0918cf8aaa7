"""Team-together days: parallel sessions with hosts, rooms, levels and seats.

One stream per day, so two members reaching for a session's last seat write
at one version: the second decides again and is told the session is full.
Each session's follow-up thread is started with it, in the same transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from forum.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from forum.core.events import Event
from forum.core.permissions import ConferenceAccess, Viewer, can_organise, can_post, can_read
from forum.core.text import BODY_MAX, NAME_MAX, RESUME_MAX, SUBJECT_MAX, clean_text
from forum.features.rotas.model import check_timezone
from forum.features.teamdays.commands import (
    AddSession,
    CreateTeamDay,
    JoinSession,
    LeaveSession,
    PlanFollowUp,
)
from forum.features.teamdays.events import (
    FollowUpPlanned,
    SessionAdded,
    SessionJoined,
    SessionLeft,
    TeamDayCreated,
)
from forum.features.threads.events import ThreadStarted

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")
LEVELS = ("novice", "intermediate", "advanced", "refresher")
CAPACITY_MAX = 500
ROOM_MAX = 80
SESSIONS_MAX = 60


@dataclass
class Session:
    session_id: str
    title: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    host_id: str
    attendees: set[str] = field(default_factory=set)
    follow_ups: set[tuple[str, str]] = field(default_factory=set)


@dataclass
class TeamDayState:
    day_id: str
    conference_id: str = ""
    day: date = date.min
    timezone: str = "UTC"
    version: int = 0
    sessions: dict[str, Session] = field(default_factory=dict)

    @property
    def exists(self) -> bool:
        return self.version > 0


def evolve(state: TeamDayState, event: Event) -> TeamDayState:
    state.version += 1
    match event:
        case TeamDayCreated():
            state.conference_id = event.conference_id
            state.day = date.fromisoformat(event.day)
            state.timezone = event.timezone
        case SessionAdded():
            state.sessions[event.session_id] = Session(
                event.session_id, event.title, datetime.fromisoformat(event.starts_at),
                datetime.fromisoformat(event.ends_at), event.capacity, event.host_id)
        case SessionJoined():
            state.sessions[event.session_id].attendees.add(event.member_id)
        case SessionLeft():
            state.sessions[event.session_id].attendees.discard(event.member_id)
        case FollowUpPlanned():
            state.sessions[event.session_id].follow_ups.add(
                (event.next_day_id, event.next_session_id))
    return state


def load(day_id: str, history: Iterable[Event]) -> TeamDayState:
    state = TeamDayState(day_id)
    for event in history:
        evolve(state, event)
    return state


def _member(actor: Viewer) -> str:
    if not actor.signed_in or actor.member_id is None:
        raise Forbidden("sign in to take part in team days")
    return actor.member_id


def _readable(state: TeamDayState, actor: Viewer, conference: ConferenceAccess | None) -> None:
    if not state.exists or conference is None or not can_read(actor, conference):
        raise NotFound("no such team day")


def _organiser(state: TeamDayState, actor: Viewer,
               conference: ConferenceAccess | None) -> str:
    _readable(state, actor, conference)
    assert conference is not None
    if not can_organise(actor, conference):
        raise Forbidden("only the day's organisers (its conference's moderators) may do that")
    return _member(actor)


def _session(state: TeamDayState, session_id: str) -> Session:
    session = state.sessions.get(session_id)
    if session is None:
        raise NotFound("no such session on this day", field="session_id")
    return session


def create_team_day(command: CreateTeamDay, actor: Viewer,
                    conference: ConferenceAccess | None, day_id: str, slug_taken: bool,
                    today: date) -> list[Event]:
    by = _member(actor)
    if conference is None or not can_read(actor, conference):
        raise NotFound("no such conference", field="conference_id")
    if not can_organise(actor, conference):
        raise Forbidden("only the conference's moderators may plan a team day in it")
    name = clean_text(command.name, "name", maximum=NAME_MAX)
    description = clean_text(command.description, "description", maximum=RESUME_MAX,
                             required=False)
    try:
        day = date.fromisoformat(command.day.strip())
    except ValueError:
        raise InvalidInput(f"{command.day.strip()!r} is not a date (YYYY-MM-DD)",
                           field="day") from None
    if day < today:
        raise InvalidInput(f"{day.isoformat()} is in the past; plan a day still to come",
                           field="day")
    if not SLUG.match(command.slug):
        raise InvalidInput("the address may use lower-case letters, digits and dashes "
                           "(up to 60, not starting or ending with a dash)", field="slug")
    if slug_taken:
        raise Conflict(f"the address {command.slug!r} is taken by another team day",
                       field="slug")
    return [TeamDayCreated(day_id, conference.conference_id, command.slug, name, description,
                              day.isoformat(), check_timezone(command.timezone), by)]


def _clock(value: str, field: str) -> time:
    try:
        return time.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"{value.strip()!r} is not a time of day (HH:MM)",
                           field=field) from None


def add_session(state: TeamDayState, command: AddSession, actor: Viewer,
                conference: ConferenceAccess | None, host: Viewer | None, now: datetime,
                ids: tuple[str, str, str]) -> list[Event]:
    """``host``: the member named to host; ``ids``: the session's, its thread's, its post's."""
    by = _organiser(state, actor, conference)
    assert conference is not None
    if host is None or not host.signed_in or not can_post(host, conference):
        raise InvalidInput("the host must be a member who may post in this conference",
                           field="host")
    title = clean_text(command.title, "title", maximum=SUBJECT_MAX - 20)
    description = clean_text(command.description, "description", maximum=RESUME_MAX,
                             required=False)
    room = clean_text(command.room, "room", maximum=ROOM_MAX)
    if command.level not in LEVELS:
        raise InvalidInput("level must be one of " + ", ".join(LEVELS), field="level")
    if not 1 <= command.capacity <= CAPACITY_MAX:
        raise InvalidInput(f"capacity is 1 to {CAPACITY_MAX} people", field="capacity")
    zone = ZoneInfo(state.timezone)
    starts = datetime.combine(state.day, _clock(command.starts, "starts"), zone)
    ends = datetime.combine(state.day, _clock(command.ends, "ends"), zone)
    if ends <= starts:
        raise InvalidInput("a session ends after it starts", field="ends")
    if starts <= now:
        raise InvalidInput("that session would start in the past", field="starts")
    if len(state.sessions) >= SESSIONS_MAX:
        raise Conflict(f"a day holds at most {SESSIONS_MAX} sessions")
    added = SessionAdded(state.day_id, ids[0], title, description, host.member_id or "",
                            room, starts.astimezone(UTC).isoformat(),
                            ends.astimezone(UTC).isoformat(), command.level, command.capacity,
                            ids[1], ids[2], by)
    intro = (f"*Follow-up of the session “{title}”, {starts:%A %d %B %Y, %H:%M} "
             f"({state.timezone}), {room}: notes, slides and questions go here.*")
    body = f"{intro}\n\n{description}" if description else intro
    return [added, ThreadStarted(ids[1], conference.conference_id, f"Session: {title}",
                                    ids[2], added.host_id, body[:BODY_MAX])]


def join_session(state: TeamDayState, command: JoinSession, actor: Viewer,
                 conference: ConferenceAccess | None, now: datetime) -> list[Event]:
    by = _member(actor)
    _readable(state, actor, conference)
    session = _session(state, command.session_id)
    if session.starts_at <= now:
        raise InvalidInput("that session has started; sign-up is closed", field="session_id")
    if by in session.attendees:
        return []
    if len(session.attendees) >= session.capacity:
        raise Conflict(f"that session is full ({session.capacity} places); pick another "
                       "or ask its host")
    clash = next((s for s in state.sessions.values() if by in s.attendees
                  and s.starts_at < session.ends_at and session.starts_at < s.ends_at), None)
    if clash is not None:
        raise Conflict(f"you are in “{clash.title}” at that time; leave it first")
    return [SessionJoined(state.day_id, session.session_id, by)]


def leave_session(state: TeamDayState, command: LeaveSession, actor: Viewer,
                  conference: ConferenceAccess | None) -> list[Event]:
    by = _member(actor)
    _readable(state, actor, conference)
    session = _session(state, command.session_id)
    if by not in session.attendees:
        return []
    return [SessionLeft(state.day_id, session.session_id, by)]


def plan_follow_up(state: TeamDayState, command: PlanFollowUp, actor: Viewer,
                   conference: ConferenceAccess | None, next_exists: bool) -> list[Event]:
    """The session's host or an organiser links the follow-up session, once planned."""
    by = _member(actor)
    _readable(state, actor, conference)
    assert conference is not None
    session = _session(state, command.session_id)
    if session.host_id != by and not can_organise(actor, conference):
        raise Forbidden("only the session's host or an organiser may plan its follow-up")
    if not next_exists:
        raise NotFound("no such follow-up session", field="next_session_id")
    if (command.next_day_id, command.next_session_id) == (state.day_id, session.session_id):
        raise InvalidInput("a session cannot follow itself", field="next_session_id")
    if (command.next_day_id, command.next_session_id) in session.follow_ups:
        return []
    return [FollowUpPlanned(state.day_id, session.session_id, command.next_day_id,
                               command.next_session_id, by)]
