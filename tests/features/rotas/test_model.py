"""The talk rota: given events, when a command, then events (or an error)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from forum.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from forum.core.events import Event
from forum.core.permissions import ANONYMOUS, ConferenceAccess, Viewer
from forum.features.rotas import model as rota
from forum.features.rotas.commands import (
    AnswerSwap,
    ApproveWriteUp,
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
    WriteUpSubmitted,
)
from forum.features.rotas.model import RotaState
from forum.features.threads.events import ThreadLocked, ThreadStarted

SAM = Viewer("sam", "staff")
OLI = Viewer("oli", "staff")
GUS = Viewer("gus", "guest")
VAL = Viewer("val", "staff")  # organiser: moderates the conference
INTERNAL = ConferenceAccess("c1", "internal", (("member:val", "moderator"),))
PRIVATE = ConferenceAccess("c1", "private", (("member:val", "moderator"),
                                             ("member:sam", "contributor")))
READ_ONLY = ConferenceAccess("c1", "internal", (("member:val", "moderator"),
                                               ("member:oli", "reader")))
NOW = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)
FRIDAY = datetime(2030, 3, 8, 12, 0, tzinfo=UTC)  # 13:00 in Stockholm
NEXT_FRIDAY = FRIDAY + timedelta(days=7)

CREATED = RotaCreated("r1", "c1", "fridays", "Friday talks", "", "Europe/Stockholm", "val")
SLOTS = SlotsScheduled("r1", (
    ("s1", FRIDAY.isoformat(), (FRIDAY + timedelta(minutes=45)).isoformat()),
    ("s2", NEXT_FRIDAY.isoformat(), (NEXT_FRIDAY + timedelta(minutes=45)).isoformat()),
), "FREQ=WEEKLY;COUNT=2", (), "val")
SAM_TALKS = TalkSignedUp("r1", "t1", "s1", "sam", "Zope page templates", "TAL and METAL",
                            "th1", "p1", "sam")
OLI_TALKS = TalkSignedUp("r1", "t2", "s2", "oli", "Property tests", "", "th2", "p2", "oli")
IDS = ("t9", "th9", "p9")


def given(*history: Event) -> RotaState:
    return rota.load("r1", history)


# --- making a rota and its slots ------------------------------------------------------


def test_an_organiser_starts_a_rota_in_their_conference() -> None:
    events = rota.create_rota(CreateRota("c1", "fridays", "Friday talks",
                                             timezone="Europe/Stockholm"),
                              VAL, INTERNAL, "r1", slug_taken=False)
    assert events == [CREATED]


@pytest.mark.parametrize(("actor", "conference", "error"), [
    (SAM, INTERNAL, Forbidden), (ANONYMOUS, INTERNAL, Forbidden), (OLI, PRIVATE, NotFound),
    (VAL, None, NotFound)])
def test_only_organisers_start_rotas(actor: Viewer, conference: ConferenceAccess | None,
                                     error: type[Exception]) -> None:
    with pytest.raises(error):
        rota.create_rota(CreateRota("c1", "fridays", "Friday talks"), actor, conference,
                         "r1", slug_taken=False)


def test_a_rota_needs_a_known_time_zone_and_a_free_address() -> None:
    with pytest.raises(InvalidInput, match="time zone"):
        rota.create_rota(CreateRota("c1", "fridays", "F", timezone="Mars/Olympus"),
                         VAL, INTERNAL, "r1", slug_taken=False)
    with pytest.raises(Conflict, match="taken"):
        rota.create_rota(CreateRota("c1", "fridays", "F"), VAL, INTERNAL, "r1",
                         slug_taken=True)


def _schedule(state: RotaState, starts: list[datetime], skipped: tuple[str, ...] = (),
              actor: Viewer = VAL) -> list[Event]:
    return rota.schedule_slots(state, ScheduleSlots("r1", "2030-03-08", "13:00",
                                                        "FREQ=WEEKLY;COUNT=2"),
                               actor, INTERNAL, starts, skipped, NOW,
                               [f"s{i}" for i in range(1, len(starts) + 1)])


def test_slots_are_made_in_bulk_in_utc() -> None:
    local = [FRIDAY.astimezone(ZoneInfo("Europe/Stockholm")),
             NEXT_FRIDAY.astimezone(ZoneInfo("Europe/Stockholm"))]
    assert _schedule(given(CREATED), local) == [SLOTS]


def test_bad_schedules_change_nothing() -> None:
    state = given(CREATED)
    with pytest.raises(InvalidInput, match="gives no dates"):
        _schedule(state, [])
    with pytest.raises(InvalidInput, match="every date the rule gives was skipped"):
        _schedule(state, [], skipped=("2030-03-08",))
    with pytest.raises(InvalidInput, match="in the past"):
        _schedule(state, [NOW - timedelta(days=1)])
    with pytest.raises(InvalidInput, match="more than 200"):
        _schedule(state, [FRIDAY + timedelta(days=7 * i) for i in range(201)])
    with pytest.raises(Conflict, match="already a slot"):
        _schedule(given(CREATED, SLOTS), [FRIDAY])
    with pytest.raises(Forbidden):
        _schedule(state, [FRIDAY], actor=SAM)


# --- signing up -------------------------------------------------------------------------


def _sign_up(state: RotaState, actor: Viewer, slot: str = "s1", title: str = "Zope page "
             "templates", speaker: Viewer | None = None, now: datetime = NOW,
             conference: ConferenceAccess = INTERNAL) -> list[Event]:
    return rota.sign_up(state, SignUpForSlot(
        "r1", slot, title, "TAL and METAL" if actor is SAM else "",
        speaker.member_id if speaker else None), actor, conference, speaker, now,
        ("t1", "th1", "p1"))


def test_signing_up_holds_the_slot_and_starts_its_discussion_thread() -> None:
    signed, thread = _sign_up(given(CREATED, SLOTS), SAM)
    assert signed == SAM_TALKS
    assert isinstance(thread, ThreadStarted)
    assert (thread.thread_id, thread.conference_id, thread.author_id, thread.post_id) == (
        "th1", "c1", "sam", "p1")
    assert thread.subject == "Talk: Zope page templates"
    assert "Friday 08 March 2030, 13:00 (Europe/Stockholm)" in thread.body
    assert "TAL and METAL" in thread.body


def test_the_second_member_is_told_the_slot_was_just_taken() -> None:
    with pytest.raises(Conflict, match="just taken") as refused:
        _sign_up(given(CREATED, SLOTS, SAM_TALKS), OLI)
    assert refused.value.details["taken_by"] == "sam"


def test_sign_up_refusals() -> None:
    state = given(CREATED, SLOTS)
    with pytest.raises(InvalidInput, match="in the past"):
        _sign_up(state, SAM, now=FRIDAY + timedelta(minutes=1))
    with pytest.raises(InvalidInput, match="title must not be empty"):
        _sign_up(state, SAM, title="  ")
    with pytest.raises(NotFound, match="no such slot"):
        _sign_up(state, SAM, slot="nope")
    with pytest.raises(NotFound):
        _sign_up(state, GUS)  # guests do not read internal conferences, nor their rotas
    with pytest.raises(Forbidden, match="not sign up"):
        _sign_up(state, OLI, conference=READ_ONLY)
    with pytest.raises(NotFound):
        _sign_up(state, OLI, conference=PRIVATE)
    with pytest.raises(Forbidden):
        _sign_up(state, ANONYMOUS)
    with pytest.raises(Conflict, match="already yours"):
        _sign_up(given(CREATED, SLOTS, SAM_TALKS), SAM)


def test_an_organiser_assigns_a_slot_to_someone_else() -> None:
    signed, _ = _sign_up(given(CREATED, SLOTS), VAL, speaker=OLI)
    assert isinstance(signed, TalkSignedUp)
    assert (signed.speaker_id, signed.by) == ("oli", "val")
    with pytest.raises(Forbidden, match="organisers"):
        _sign_up(given(CREATED, SLOTS), SAM, speaker=OLI)


# --- releasing, the waiting list, moving and swapping --------------------------------------


def test_releasing_frees_the_slot_and_locks_the_thread() -> None:
    state = given(CREATED, SLOTS, SAM_TALKS)
    events = rota.release(state, ReleaseTalk("r1", "t1"), SAM, INTERNAL, NOW, IDS)
    assert events == [TalkReleased("r1", "t1", "s1", "sam"),
                      ThreadLocked("th1", "sam", "the talk was released")]
    after = given(CREATED, SLOTS, SAM_TALKS, *events)
    assert after.slots["s1"].talk_id is None and "t1" not in after.talks


def test_a_released_slot_goes_to_the_first_on_its_waiting_list() -> None:
    waiting = [WaitlistJoined("r1", "s1", "oli", "Property tests", "Hypothesis"),
               WaitlistJoined("r1", "s1", "val", "Later", "")]
    state = given(CREATED, SLOTS, SAM_TALKS, *waiting)
    events = rota.release(state, ReleaseTalk("r1", "t1"), SAM, INTERNAL, NOW, IDS)
    signed = events[2]
    assert signed == TalkSignedUp("r1", "t9", "s1", "oli", "Property tests", "Hypothesis",
                                     "th9", "p9", "sam")
    assert isinstance(events[3], ThreadStarted) and events[3].author_id == "oli"
    after = given(CREATED, SLOTS, SAM_TALKS, *waiting, *events)
    assert [w.member_id for w in after.slots["s1"].waitlist] == ["val"]


def test_waiting_list_rules() -> None:
    state = given(CREATED, SLOTS, SAM_TALKS)
    join = JoinWaitlist("r1", "s1", "Property tests")
    assert rota.join_waitlist(state, join, OLI, INTERNAL, NOW) == [
        WaitlistJoined("r1", "s1", "oli", "Property tests", "")]
    with pytest.raises(Conflict, match="free"):
        rota.join_waitlist(state, JoinWaitlist("r1", "s2", "x"), OLI, INTERNAL, NOW)
    with pytest.raises(Conflict, match="already yours"):
        rota.join_waitlist(state, join, SAM, INTERNAL, NOW)
    joined = given(CREATED, SLOTS, SAM_TALKS, WaitlistJoined("r1", "s1", "oli", "P", ""))
    assert rota.join_waitlist(joined, join, OLI, INTERNAL, NOW) == []
    assert rota.leave_waitlist(joined, LeaveWaitlist("r1", "s1"), OLI, INTERNAL) == [
        WaitlistLeft("r1", "s1", "oli", "oli")]


def test_a_speaker_moves_their_talk_to_a_free_slot_but_not_a_taken_one() -> None:
    state = given(CREATED, SLOTS, SAM_TALKS)
    assert rota.move(state, MoveTalk("r1", "t1", "s2"), SAM, INTERNAL, NOW) == [
        TalkMoved("r1", "t1", "s1", "s2", "sam")]
    with pytest.raises(Forbidden):
        rota.move(state, MoveTalk("r1", "t1", "s2"), OLI, INTERNAL, NOW)
    taken = given(CREATED, SLOTS, SAM_TALKS, OLI_TALKS)
    with pytest.raises(Conflict, match="just taken"):
        rota.move(taken, MoveTalk("r1", "t1", "s2"), VAL, INTERNAL, NOW)


def test_a_swap_is_offered_then_accepted_by_the_other_speaker() -> None:
    state = given(CREATED, SLOTS, SAM_TALKS, OLI_TALKS)
    offer = rota.request_swap(state, RequestSwap("r1", "t1", "t2"), SAM, INTERNAL, NOW)
    assert offer == [SwapRequested("r1", "t1", "t2", "sam")]
    offered = given(CREATED, SLOTS, SAM_TALKS, OLI_TALKS, *offer)
    with pytest.raises(Forbidden):
        rota.answer_swap(offered, AnswerSwap("r1", "t1", "t2", True), SAM, INTERNAL, NOW)
    accepted = rota.answer_swap(offered, AnswerSwap("r1", "t1", "t2", True), OLI,
                                INTERNAL, NOW)
    assert accepted == [TalksSwapped("r1", "t1", "t2", "oli")]
    after = given(CREATED, SLOTS, SAM_TALKS, OLI_TALKS, *offer, *accepted)
    assert (after.talks["t1"].slot_id, after.talks["t2"].slot_id) == ("s2", "s1")
    assert (after.slots["s1"].talk_id, after.slots["s2"].talk_id) == ("t2", "t1")
    with pytest.raises(Conflict, match="no such swap"):
        rota.answer_swap(after, AnswerSwap("r1", "t1", "t2", True), OLI, INTERNAL, NOW)
    assert rota.answer_swap(offered, AnswerSwap("r1", "t1", "t2", False), SAM, INTERNAL,
                            NOW) == [SwapDeclined("r1", "t1", "t2", "sam")]


def test_organisers_swap_directly() -> None:
    state = given(CREATED, SLOTS, SAM_TALKS, OLI_TALKS)
    assert rota.swap(state, SwapTalks("r1", "t1", "t2"), VAL, INTERNAL, NOW) == [
        TalksSwapped("r1", "t1", "t2", "val")]
    with pytest.raises(Forbidden):
        rota.swap(state, SwapTalks("r1", "t1", "t2"), SAM, INTERNAL, NOW)


# --- reminders -----------------------------------------------------------------------------


def test_reminders_a_week_and_a_day_before_each_once() -> None:
    state = given(CREATED, SLOTS, SAM_TALKS)
    assert rota.due_reminders(state, FRIDAY - timedelta(days=8)) == []
    week = rota.due_reminders(state, FRIDAY - timedelta(days=6))
    assert week == [TalkReminderSent("r1", "t1", "s1", "sam", "week")]
    state = given(CREATED, SLOTS, SAM_TALKS, *week)
    assert rota.due_reminders(state, FRIDAY - timedelta(days=5)) == []
    day = rota.due_reminders(state, FRIDAY - timedelta(hours=20))
    assert day == [TalkReminderSent("r1", "t1", "s1", "sam", "day")]
    state = given(CREATED, SLOTS, SAM_TALKS, *week, *day)
    assert rota.due_reminders(state, FRIDAY - timedelta(hours=2)) == []
    assert rota.due_reminders(state, FRIDAY + timedelta(hours=2)) == []


def test_a_talk_moved_to_a_new_date_is_reminded_again() -> None:
    week = TalkReminderSent("r1", "t1", "s1", "sam", "week")
    moved = TalkMoved("r1", "t1", "s1", "s2", "sam")
    state = given(CREATED, SLOTS, SAM_TALKS, week, moved)
    assert rota.due_reminders(state, NEXT_FRIDAY - timedelta(days=3)) == [
        TalkReminderSent("r1", "t1", "s2", "sam", "week")]


# --- the write-up: draft, review, approval ----------------------------------------------------


def test_the_write_up_goes_through_review_to_approval() -> None:
    after_talk = FRIDAY + timedelta(hours=2)
    history: list[Event] = [CREATED, SLOTS, SAM_TALKS]
    saved = rota.save_writeup(given(*history), SaveWriteUp(
        "r1", "t1", "Templating, explained", "What we learned"), SAM, INTERNAL)
    assert saved == [WriteUpSaved("r1", "t1", "Templating, explained", "What we learned",
                                     1, "sam")]
    history += saved
    with pytest.raises(Conflict, match="give the talk first"):
        rota.submit_writeup(given(*history), SubmitWriteUp("r1", "t1"), SAM, INTERNAL, NOW)
    history += rota.submit_writeup(given(*history), SubmitWriteUp("r1", "t1"), SAM,
                                   INTERNAL, after_talk)
    with pytest.raises(Conflict, match="being reviewed"):
        rota.save_writeup(given(*history), SaveWriteUp("r1", "t1", "T", "B"), SAM,
                          INTERNAL)
    # The reviewer edits, then sends it back with a comment.
    history += rota.save_writeup(given(*history), SaveWriteUp(
        "r1", "t1", "Templating, explained", "What we learned, tidied", 1), VAL, INTERNAL)
    with pytest.raises(Forbidden):
        rota.send_back_writeup(given(*history), SendBackWriteUp("r1", "t1", "x"), SAM,
                               INTERNAL)
    history += rota.send_back_writeup(given(*history), SendBackWriteUp(
        "r1", "t1", "Add the slides"), VAL, INTERNAL)
    assert given(*history).talks["t1"].writeup == "sent_back"
    with pytest.raises(Conflict, match="changed meanwhile"):
        rota.save_writeup(given(*history), SaveWriteUp("r1", "t1", "T", "B", 1), SAM,
                          INTERNAL)
    history += rota.save_writeup(given(*history), SaveWriteUp(
        "r1", "t1", "Templating, explained", "With slides", 2), SAM, INTERNAL)
    history += rota.submit_writeup(given(*history), SubmitWriteUp("r1", "t1"), SAM,
                                   INTERNAL, after_talk)
    assert rota.approve_writeup(given(*history), ApproveWriteUp("r1", "t1"), VAL,
                                INTERNAL) == [WriteUpApproved("r1", "t1", "val")]
    history += [WriteUpApproved("r1", "t1", "val")]
    with pytest.raises(Conflict, match="approved"):
        rota.save_writeup(given(*history), SaveWriteUp("r1", "t1", "T", "B"), SAM,
                          INTERNAL)


def test_nobody_approves_their_own_write_up_and_only_speakers_draft() -> None:
    val_talks = TalkSignedUp("r1", "t1", "s1", "val", "Mine", "", "th1", "p1", "val")
    history = [CREATED, SLOTS, val_talks, WriteUpSaved("r1", "t1", "T", "B", 1, "val"),
               WriteUpSubmitted("r1", "t1", "val")]
    with pytest.raises(Forbidden, match="second pair of eyes"):
        rota.approve_writeup(given(*history), ApproveWriteUp("r1", "t1"), VAL, INTERNAL)
    with pytest.raises(Forbidden, match="only the speaker"):
        rota.save_writeup(given(CREATED, SLOTS, SAM_TALKS), SaveWriteUp(
            "r1", "t1", "T", "B"), OLI, INTERNAL)
