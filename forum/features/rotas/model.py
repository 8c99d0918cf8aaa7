"""The talk rota: dated slots in a conference that members sign up for with a talk.

One stream per rota holds its slots, the talks in them, waiting lists, swaps,
reminders and write-ups, so two members reaching for one slot write to one
stream at one version: the second decides again on the fresh state and is told
the slot was just taken. Each talk's discussion thread is started (and, when
the talk is released, locked) by the same decision, in the same transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from forum.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from forum.core.events import Event
from forum.core.permissions import ConferenceAccess, Viewer, can_organise, can_post, can_read
from forum.core.text import BODY_MAX, NAME_MAX, RESUME_MAX, SUBJECT_MAX, clean_text
from forum.features.rotas.commands import (
    AnswerSwap,
    ApproveWriteUp,
    CancelSlot,
    CreateRota,
    JoinWaitlist,
    LeaveWaitlist,
    MoveTalk,
    ReleaseTalk,
    RequestSwap,
    SaveWriteUp,
    ScheduleSlots,
    SendBackWriteUp,
    SignUpForSlot,
    SubmitWriteUp,
    SwapTalks,
)
from forum.features.rotas.events import (
    RotaCreated,
    SlotCancelled,
    SlotsScheduled,
    SwapDeclined,
    SwapRequested,
    TalkMoved,
    TalkReleased,
    TalkReminderSent,
    TalkSignedUp,
    TalksSwapped,
    WaitlistJoined,
    WaitlistLeft,
    WriteUpApproved,
    WriteUpSaved,
    WriteUpSentBack,
    WriteUpSubmitted,
)
from forum.features.threads.events import ThreadLocked, ThreadStarted

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")
TITLE_MAX = 150
ABSTRACT_MAX = 5_000
COMMENT_MAX = 2_000
SLOTS_MAX = 200  # slots made at once
DURATION_MAX = 8 * 60
WAITLIST_MAX = 20
REMINDERS = (("week", timedelta(days=7)), ("day", timedelta(days=1)))
# Write-up states: none → draft ⇄ in_review → approved; approval publishes it as an
# article on the public blog (source kind "talk"), where it lives from then on.
WRITEUP_STATES = ("none", "draft", "in_review", "sent_back", "approved")


@dataclass
class Waiter:
    member_id: str
    title: str
    abstract: str


@dataclass
class Slot:
    slot_id: str
    starts_at: datetime
    ends_at: datetime
    talk_id: str | None = None
    cancelled: bool = False
    waitlist: list[Waiter] = field(default_factory=list)


@dataclass
class Talk:
    talk_id: str
    slot_id: str
    speaker_id: str
    title: str
    thread_id: str
    writeup: str = "none"
    revision: int = 0
    writeup_title: str = ""
    writeup_body: str = ""
    swap_with: str | None = None  # the talk this one's speaker asked to trade with
    reminded: set[tuple[str, str]] = field(default_factory=set)  # (slot id, kind)


@dataclass
class RotaState:
    rota_id: str
    conference_id: str = ""
    timezone: str = "UTC"
    version: int = 0
    slots: dict[str, Slot] = field(default_factory=dict)
    talks: dict[str, Talk] = field(default_factory=dict)

    @property
    def exists(self) -> bool:
        return self.version > 0

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(ZoneInfo(self.timezone))


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def evolve(state: RotaState, event: Event) -> RotaState:
    state.version += 1
    match event:
        case RotaCreated():
            state.conference_id = event.conference_id
            state.timezone = event.timezone
        case SlotsScheduled():
            for slot_id, starts, ends in event.slots:
                state.slots[slot_id] = Slot(slot_id, _at(starts), _at(ends))
        case SlotCancelled():
            state.slots[event.slot_id].cancelled = True
        case TalkSignedUp():
            slot = state.slots[event.slot_id]
            slot.talk_id = event.talk_id
            slot.waitlist = [w for w in slot.waitlist if w.member_id != event.speaker_id]
            state.talks[event.talk_id] = Talk(event.talk_id, event.slot_id, event.speaker_id,
                                              event.title, event.thread_id)
        case TalkReleased():
            state.slots[event.slot_id].talk_id = None
            del state.talks[event.talk_id]
            for talk in state.talks.values():
                if talk.swap_with == event.talk_id:
                    talk.swap_with = None
        case TalkMoved():
            state.slots[event.from_slot_id].talk_id = None
            state.slots[event.to_slot_id].talk_id = event.talk_id
            state.talks[event.talk_id].slot_id = event.to_slot_id
        case SwapRequested():
            state.talks[event.talk_id].swap_with = event.other_talk_id
        case SwapDeclined():
            state.talks[event.talk_id].swap_with = None
        case TalksSwapped():
            one, other = state.talks[event.talk_id], state.talks[event.other_talk_id]
            one.slot_id, other.slot_id = other.slot_id, one.slot_id
            state.slots[one.slot_id].talk_id = one.talk_id
            state.slots[other.slot_id].talk_id = other.talk_id
            one.swap_with = other.swap_with = None
        case WaitlistJoined():
            state.slots[event.slot_id].waitlist.append(
                Waiter(event.member_id, event.title, event.abstract))
        case WaitlistLeft():
            slot = state.slots[event.slot_id]
            slot.waitlist = [w for w in slot.waitlist if w.member_id != event.member_id]
        case TalkReminderSent():
            state.talks[event.talk_id].reminded.add((event.slot_id, event.kind))
        case WriteUpSaved():
            talk = state.talks[event.talk_id]
            talk.revision = event.revision
            talk.writeup_title, talk.writeup_body = event.title, event.body
            if talk.writeup in ("none", "sent_back"):
                talk.writeup = "draft"
        case WriteUpSubmitted():
            state.talks[event.talk_id].writeup = "in_review"
        case WriteUpSentBack():
            state.talks[event.talk_id].writeup = "sent_back"
        case WriteUpApproved():
            state.talks[event.talk_id].writeup = "approved"
    return state


def load(rota_id: str, history: Iterable[Event]) -> RotaState:
    state = RotaState(rota_id)
    for event in history:
        evolve(state, event)
    return state


# --- checks shared by the decisions ----------------------------------------------


def require_member(actor: Viewer) -> str:
    if not actor.signed_in or actor.member_id is None:
        raise Forbidden("sign in to take part in the talk rota")
    return actor.member_id


def _readable(state: RotaState, actor: Viewer, conference: ConferenceAccess | None) -> None:
    if not state.exists or conference is None or not can_read(actor, conference):
        raise NotFound("no such rota")


def require_organiser(state: RotaState, actor: Viewer, conference: ConferenceAccess | None) -> str:
    _readable(state, actor, conference)
    assert conference is not None
    if not can_organise(actor, conference):
        raise Forbidden("only the rota's organisers (its conference's moderators) may do that")
    return require_member(actor)


def _slot(state: RotaState, slot_id: str) -> Slot:
    slot = state.slots.get(slot_id)
    if slot is None or slot.cancelled:
        raise NotFound("no such slot in this rota", field="slot_id")
    return slot


def _future(slot: Slot, now: datetime, what: str = "that slot") -> None:
    if slot.starts_at <= now:
        raise InvalidInput(f"{what} is in the past ({slot.starts_at:%Y-%m-%d %H:%M} UTC); "
                           "pick one still to come", field="slot_id")


def _talk(state: RotaState, talk_id: str) -> Talk:
    talk = state.talks.get(talk_id)
    if talk is None:
        raise NotFound("no such talk in this rota", field="talk_id")
    return talk


def _title(value: str) -> str:
    return clean_text(value, "title", maximum=TITLE_MAX)


def _abstract(value: str) -> str:
    return clean_text(value, "abstract", maximum=ABSTRACT_MAX, required=False)


def check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"unknown time zone {name!r}; use a name such as "
                           "Europe/Stockholm or UTC", field="timezone") from None
    return name


# --- the rota and its slots --------------------------------------------------------


def create_rota(command: CreateRota, actor: Viewer, conference: ConferenceAccess | None,
                rota_id: str, slug_taken: bool) -> list[Event]:
    by = require_member(actor)
    if conference is None or not can_read(actor, conference):
        raise NotFound("no such conference", field="conference_id")
    if not can_organise(actor, conference):
        raise Forbidden("only the conference's moderators may start a rota in it")
    name = clean_text(command.name, "name", maximum=NAME_MAX)
    description = clean_text(command.description, "description", maximum=RESUME_MAX,
                             required=False)
    if not SLUG.match(command.slug):
        raise InvalidInput("the address may use lower-case letters, digits and dashes "
                           "(up to 60, not starting or ending with a dash)", field="slug")
    if slug_taken:
        raise Conflict(f"the address {command.slug!r} is taken by another rota", field="slug")
    return [RotaCreated(rota_id, conference.conference_id, command.slug, name, description,
                           check_timezone(command.timezone), by)]


def schedule_slots(state: RotaState, command: ScheduleSlots, actor: Viewer,
                   conference: ConferenceAccess | None, starts: Sequence[datetime],
                   skipped: Sequence[str], now: datetime, slot_ids: Sequence[str],
                   ) -> list[Event]:
    """``starts``: the rule's dates (aware, any zone) less ``skipped`` (ISO dates)."""
    by = require_organiser(state, actor, conference)
    if not 5 <= command.duration_minutes <= DURATION_MAX:
        raise InvalidInput(f"a slot lasts 5 to {DURATION_MAX} minutes", field="duration_minutes")
    if not starts:
        reason = ("every date the rule gives was skipped" if skipped
                  else "the recurrence rule gives no dates")
        raise InvalidInput(f"{reason}; nothing was scheduled", field="rule")
    if len(starts) > SLOTS_MAX:
        raise InvalidInput(f"the rule gives more than {SLOTS_MAX} slots; add COUNT or UNTIL",
                           field="rule")
    past = [s for s in starts if s <= now]
    if past:
        raise InvalidInput(f"the first slot ({past[0]:%Y-%m-%d %H:%M %Z}) is in the past; "
                           "start from a day still to come", field="first_day")
    existing = {s.starts_at for s in state.slots.values() if not s.cancelled}
    clash = [s for s in starts if s in existing]
    if clash:
        raise Conflict(f"there is already a slot at {clash[0]:%Y-%m-%d %H:%M %Z}",
                       field="first_day")
    length = timedelta(minutes=command.duration_minutes)
    utc = [s.astimezone(UTC) for s in starts]
    slots = tuple((slot_id, s.isoformat(), (s + length).isoformat())
                  for slot_id, s in zip(slot_ids, utc, strict=True))
    return [SlotsScheduled(state.rota_id, slots, command.rule.strip(), tuple(skipped), by)]


def cancel_slot(state: RotaState, command: CancelSlot, actor: Viewer,
                conference: ConferenceAccess | None) -> list[Event]:
    by = require_organiser(state, actor, conference)
    slot = _slot(state, command.slot_id)
    if slot.talk_id is not None:
        raise Conflict("someone holds that slot; move or release their talk first")
    return [SlotCancelled(state.rota_id, slot.slot_id, by)]


# --- talks: sign up, release, move, swap, wait --------------------------------------


def _discussion(state: RotaState, conference_id: str, signed: TalkSignedUp,
                slot: Slot) -> ThreadStarted:
    """The talk's discussion thread, started in the rota's conference by its speaker."""
    when = state.local(slot.starts_at)
    subject = f"Talk: {signed.title}"[:SUBJECT_MAX]
    intro = f"*A talk on {when:%A %d %B %Y, %H:%M} ({state.timezone}).*"
    body = f"{intro}\n\n{signed.abstract}" if signed.abstract else intro
    return ThreadStarted(signed.thread_id, conference_id, subject, signed.post_id,
                            signed.speaker_id, body[:BODY_MAX])


def sign_up(state: RotaState, command: SignUpForSlot, actor: Viewer,
            conference: ConferenceAccess | None, speaker: Viewer | None, now: datetime,
            ids: tuple[str, str, str]) -> list[Event]:
    """``speaker``: who will speak (the actor, or whom an organiser names);
    ``ids``: the new talk's, its thread's and its first post's."""
    by = require_member(actor)
    _readable(state, actor, conference)
    assert conference is not None
    if command.speaker_id not in (None, by):
        require_organiser(state, actor, conference)
        if speaker is None or not speaker.signed_in:
            raise InvalidInput("no such member to speak", field="speaker_id")
    else:
        speaker = actor
    if not can_post(speaker, conference):
        raise Forbidden("the speaker may read this rota but not sign up in it" if speaker
                        is not actor else "you may read this rota but not sign up in it")
    slot = _slot(state, command.slot_id)
    _future(slot, now)
    if slot.talk_id is not None:
        holder = state.talks[slot.talk_id]
        if holder.speaker_id == speaker.member_id:
            raise Conflict("that slot is already yours")
        raise Conflict("that slot was just taken by someone else; pick another, or join "
                       "its waiting list", field="slot_id", taken_by=holder.speaker_id)
    signed = TalkSignedUp(state.rota_id, ids[0], slot.slot_id, speaker.member_id or "",
                             _title(command.title), _abstract(command.abstract), ids[1],
                             ids[2], by)
    return [signed, _discussion(state, conference.conference_id, signed, slot)]


def _speaker_or_organiser(state: RotaState, talk: Talk, actor: Viewer,
                          conference: ConferenceAccess | None) -> str:
    by = require_member(actor)
    _readable(state, actor, conference)
    assert conference is not None
    if talk.speaker_id != by and not can_organise(actor, conference):
        raise Forbidden("only the speaker or an organiser may change this talk")
    return by


def release(state: RotaState, command: ReleaseTalk, actor: Viewer,
            conference: ConferenceAccess | None, now: datetime,
            ids: tuple[str, str, str]) -> list[Event]:
    """Give a slot back; the first on its waiting list takes it (``ids`` for their talk)."""
    _readable(state, actor, conference)
    talk = _talk(state, command.talk_id)
    by = _speaker_or_organiser(state, talk, actor, conference)
    slot = state.slots[talk.slot_id]
    _future(slot, now, "that talk")
    assert conference is not None
    result: list[Event] = [
        TalkReleased(state.rota_id, talk.talk_id, slot.slot_id, by),
        ThreadLocked(talk.thread_id, by, "the talk was released"),
    ]
    if slot.waitlist:
        first = slot.waitlist[0]
        signed = TalkSignedUp(state.rota_id, ids[0], slot.slot_id, first.member_id,
                                 first.title, first.abstract, ids[1], ids[2], by)
        result += [signed, _discussion(state, conference.conference_id, signed, slot)]
    return result


def move(state: RotaState, command: MoveTalk, actor: Viewer,
         conference: ConferenceAccess | None, now: datetime) -> list[Event]:
    """A speaker moves their own talk to a free slot; organisers move any."""
    _readable(state, actor, conference)
    talk = _talk(state, command.talk_id)
    by = _speaker_or_organiser(state, talk, actor, conference)
    _future(state.slots[talk.slot_id], now, "that talk")
    target = _slot(state, command.to_slot_id)
    _future(target, now)
    if target.talk_id == talk.talk_id:
        return []
    if target.talk_id is not None:
        raise Conflict("that slot was just taken by someone else; ask its speaker to swap",
                       field="to_slot_id")
    return [TalkMoved(state.rota_id, talk.talk_id, talk.slot_id, target.slot_id, by)]


def _two_future_talks(state: RotaState, talk_id: str, other_id: str, now: datetime
                      ) -> tuple[Talk, Talk]:
    talk, other = _talk(state, talk_id), _talk(state, other_id)
    if talk.talk_id == other.talk_id:
        raise InvalidInput("a talk cannot swap with itself", field="other_talk_id")
    _future(state.slots[talk.slot_id], now, "that talk")
    _future(state.slots[other.slot_id], now, "the other talk")
    return talk, other


def request_swap(state: RotaState, command: RequestSwap, actor: Viewer,
                 conference: ConferenceAccess | None, now: datetime) -> list[Event]:
    by = require_member(actor)
    _readable(state, actor, conference)
    talk, other = _two_future_talks(state, command.talk_id, command.other_talk_id, now)
    if talk.speaker_id != by:
        raise Forbidden("only its speaker may offer to swap a talk")
    if other.speaker_id == by:
        raise InvalidInput("both talks are yours: move one instead", field="other_talk_id")
    if talk.swap_with == other.talk_id:
        return []
    return [SwapRequested(state.rota_id, talk.talk_id, other.talk_id, by)]


def answer_swap(state: RotaState, command: AnswerSwap, actor: Viewer,
                conference: ConferenceAccess | None, now: datetime) -> list[Event]:
    """The other speaker accepts or declines; the asker may withdraw."""
    by = require_member(actor)
    _readable(state, actor, conference)
    talk, other = _talk(state, command.talk_id), _talk(state, command.other_talk_id)
    if talk.swap_with != other.talk_id:
        raise Conflict("there is no such swap on offer (it was answered or withdrawn)")
    if command.accept:
        if other.speaker_id != by:
            raise Forbidden("only the other talk's speaker may accept the swap")
        _two_future_talks(state, talk.talk_id, other.talk_id, now)
        return [TalksSwapped(state.rota_id, talk.talk_id, other.talk_id, by)]
    if by not in (talk.speaker_id, other.speaker_id):
        raise Forbidden("only the two speakers may answer a swap")
    return [SwapDeclined(state.rota_id, talk.talk_id, other.talk_id, by)]


def swap(state: RotaState, command: SwapTalks, actor: Viewer,
         conference: ConferenceAccess | None, now: datetime) -> list[Event]:
    by = require_organiser(state, actor, conference)
    talk, other = _two_future_talks(state, command.talk_id, command.other_talk_id, now)
    return [TalksSwapped(state.rota_id, talk.talk_id, other.talk_id, by)]


def join_waitlist(state: RotaState, command: JoinWaitlist, actor: Viewer,
                  conference: ConferenceAccess | None, now: datetime) -> list[Event]:
    by = require_member(actor)
    _readable(state, actor, conference)
    assert conference is not None
    if not can_post(actor, conference):
        raise Forbidden("you may read this rota but not sign up in it")
    slot = _slot(state, command.slot_id)
    _future(slot, now)
    if slot.talk_id is None:
        raise Conflict("that slot is free: sign up for it instead")
    if state.talks[slot.talk_id].speaker_id == by:
        raise Conflict("that slot is already yours")
    if any(w.member_id == by for w in slot.waitlist):
        return []
    if len(slot.waitlist) >= WAITLIST_MAX:
        raise Conflict(f"the waiting list for that slot is full ({WAITLIST_MAX})")
    return [WaitlistJoined(state.rota_id, slot.slot_id, by, _title(command.title),
                              _abstract(command.abstract))]


def leave_waitlist(state: RotaState, command: LeaveWaitlist, actor: Viewer,
                   conference: ConferenceAccess | None) -> list[Event]:
    by = require_member(actor)
    _readable(state, actor, conference)
    slot = _slot(state, command.slot_id)
    if not any(w.member_id == by for w in slot.waitlist):
        return []
    return [WaitlistLeft(state.rota_id, slot.slot_id, by, by)]


# --- reminders -------------------------------------------------------------------------


def due_reminders(state: RotaState, now: datetime) -> list[Event]:
    """Reminders owed now: a week and a day before each talk, once per slot and kind.

    The week's reminder is owed from seven days to one day before, the day's
    in the last day; a talk signed up for less than a week ahead gets only the
    day's. A talk moved to another slot is reminded again for its new date.
    """
    result: list[Event] = []
    for talk in state.talks.values():
        starts = state.slots[talk.slot_id].starts_at
        if starts <= now:
            continue
        kind = next((k for k, lead in reversed(REMINDERS) if now >= starts - lead), None)
        if kind is not None and (talk.slot_id, kind) not in talk.reminded:
            result.append(TalkReminderSent(state.rota_id, talk.talk_id, talk.slot_id,
                                              talk.speaker_id, kind))
    return result


# --- the write-up ------------------------------------------------------------------------


def save_writeup(state: RotaState, command: SaveWriteUp, actor: Viewer,
                 conference: ConferenceAccess | None) -> list[Event]:
    """The speaker drafts (before or after the talk); a reviewer edits while reviewing."""
    by = require_member(actor)
    _readable(state, actor, conference)
    assert conference is not None
    talk = _talk(state, command.talk_id)
    if talk.writeup == "approved":
        raise Conflict("the write-up is approved; it is no longer edited here")
    if talk.writeup == "in_review":
        if not can_organise(actor, conference):
            raise Conflict("the write-up is being reviewed; an organiser may send it back "
                           "to you")
    elif talk.speaker_id != by:
        raise Forbidden("only the speaker writes the write-up (reviewers edit it in review)")
    if command.expected_revision is not None and command.expected_revision != talk.revision:
        raise Conflict("the write-up changed meanwhile; reload to see it",
                       current_revision=talk.revision)
    title = clean_text(command.title, "title", maximum=SUBJECT_MAX)
    body = clean_text(command.body, "body", maximum=BODY_MAX)
    return [WriteUpSaved(state.rota_id, talk.talk_id, title, body, talk.revision + 1, by)]


def submit_writeup(state: RotaState, command: SubmitWriteUp, actor: Viewer,
                   conference: ConferenceAccess | None, now: datetime) -> list[Event]:
    by = require_member(actor)
    _readable(state, actor, conference)
    talk = _talk(state, command.talk_id)
    if talk.speaker_id != by:
        raise Forbidden("only the speaker sends the write-up for review")
    if state.slots[talk.slot_id].starts_at > now:
        raise Conflict("give the talk first: the write-up goes for review afterwards")
    if talk.writeup not in ("draft",):
        raise Conflict({"none": "write a draft first", "sent_back": "save your changes first",
                        "in_review": "it is already being reviewed",
                        "approved": "it is approved already"}[talk.writeup])
    return [WriteUpSubmitted(state.rota_id, talk.talk_id, by)]


def _reviewing(state: RotaState, talk_id: str, actor: Viewer,
               conference: ConferenceAccess | None) -> tuple[Talk, str]:
    _readable(state, actor, conference)
    talk = _talk(state, talk_id)
    by = require_organiser(state, actor, conference)
    if talk.writeup != "in_review":
        raise Conflict("that write-up is not waiting for review")
    return talk, by


def send_back_writeup(state: RotaState, command: SendBackWriteUp, actor: Viewer,
                      conference: ConferenceAccess | None) -> list[Event]:
    talk, by = _reviewing(state, command.talk_id, actor, conference)
    comment = clean_text(command.comment, "comment", maximum=COMMENT_MAX)
    return [WriteUpSentBack(state.rota_id, talk.talk_id, comment, by)]


def approve_writeup(state: RotaState, command: ApproveWriteUp, actor: Viewer,
                    conference: ConferenceAccess | None) -> list[Event]:
    talk, by = _reviewing(state, command.talk_id, actor, conference)
    if talk.speaker_id == by:
        raise Forbidden("another organiser approves your own write-up (a second pair of eyes)")
    return [WriteUpApproved(state.rota_id, talk.talk_id, by)]
