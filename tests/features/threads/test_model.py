"""The thread aggregate: given events, when a command, then events (or an error)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from forum.core.commands import Command
from forum.core.errors import CommonroomError, Conflict, Forbidden, InvalidInput, NotFound
from forum.core.events import Event
from forum.core.permissions import ANONYMOUS, ConferenceAccess, Viewer
from forum.core.text import BODY_MAX, REASON_MAX, SUBJECT_MAX
from forum.features.reading.events import ThreadRead
from forum.features.threads import model as thread
from forum.features.threads.commands import (
    DeletePost,
    EditPost,
    HidePost,
    LockThread,
    MoveThread,
    PinThread,
    PostReply,
    StartThread,
    UnhidePost,
    UnlockThread,
    UnpinThread,
)
from forum.features.threads.events import (
    PostDeleted,
    PostEdited,
    PostHidden,
    PostUnhidden,
    ReplyPosted,
    ThreadLocked,
    ThreadMoved,
    ThreadPinned,
    ThreadStarted,
    ThreadUnlocked,
    ThreadUnpinned,
)
from forum.features.threads.model import ThreadState

SAM = Viewer("sam", "staff")  # author of the thread
OLI = Viewer("oli", "staff")
GUS = Viewer("gus", "guest")
MOD = Viewer("mod", "staff")  # moderator through the access list
ADA = Viewer("ada", "admin")
GONE = Viewer("sam", "staff", active=False)  # sam, deactivated

ACL = (("member:mod", "moderator"),)
INTERNAL = ConferenceAccess("c1", "internal", ACL)
PUBLIC = ConferenceAccess("c1", "public", ACL)
PRIVATE = ConferenceAccess("c1", "private", ACL)
OTHER = ConferenceAccess("c2", "internal", ACL)

STARTED = ThreadStarted("t1", "c1", "Study circle", "p1", "sam", "Who is in?")
OLI_REPLIED = ReplyPosted("t1", "p2", 2, "p1", "oli", "Me")
SAM_REPLIED = ReplyPosted("t1", "p3", 3, "p2", "sam", "Great")


def given(*history: Event) -> ThreadState:
    return thread.load("t1", history)


def then_raises(error: type[CommonroomError], decide: Callable[[], Sequence[Event]],
                match: str | None = None) -> CommonroomError:
    with pytest.raises(error, match=match) as info:
        decide()
    return info.value


# --- start_thread ----------------------------------------------------------


def test_staff_start_a_thread_in_an_internal_conference() -> None:
    command = StartThread("c1", "  Study circle \r\n", "Who is in?\r\nAnyone?")
    assert thread.start_thread(command, SAM, INTERNAL, "t1", "p1") == [
        ThreadStarted("t1", "c1", "Study circle", "p1", "sam", "Who is in?\nAnyone?")
    ]


@pytest.mark.parametrize("actor", [ADA, MOD])
def test_admins_and_moderators_start_threads_in_private_conferences(actor: Viewer) -> None:
    events = thread.start_thread(StartThread("c1", "S", "B"), actor, PRIVATE, "t1", "p1")
    assert [type(e) for e in events] == [ThreadStarted]
    assert events[0].author_id == actor.member_id  # type: ignore[attr-defined]


@pytest.mark.parametrize(("actor", "conference"), [
    (ANONYMOUS, INTERNAL), (GUS, INTERNAL), (GONE, INTERNAL), (SAM, PRIVATE), (GUS, PRIVATE),
])
def test_a_conference_you_cannot_read_is_not_found(actor: Viewer,
                                                   conference: ConferenceAccess) -> None:
    then_raises(NotFound, lambda: thread.start_thread(
        StartThread("c1", "S", "B"), actor, conference, "t1", "p1"))


@pytest.mark.parametrize("actor", [ANONYMOUS, GUS, GONE])
def test_readers_of_a_public_conference_may_not_start_threads(actor: Viewer) -> None:
    then_raises(Forbidden, lambda: thread.start_thread(
        StartThread("c1", "S", "B"), actor, PUBLIC, "t1", "p1"))


def test_a_guest_given_contributor_access_may_start_threads() -> None:
    conference = ConferenceAccess("c1", "private", (("member:gus", "contributor"),))
    assert thread.start_thread(StartThread("c1", "S", "B"), GUS, conference, "t1", "p1")


@pytest.mark.parametrize(("subject", "body", "field"), [
    ("", "body", "subject"),
    (" \n\t ", "body", "subject"),
    ("x" * (SUBJECT_MAX + 1), "body", "subject"),
    ("bell\x07", "body", "subject"),
    ("nul\x00", "body", "subject"),
    ("subject", "", "body"),
    ("subject", "   ", "body"),
    ("subject", "x" * (BODY_MAX + 1), "body"),
    ("subject", "escape \x1b[31m red", "body"),
    ("subject", "delete \x7f", "body"),
    ("subject", "form \x0c feed", "body"),
    ("subject", "C1 control \x9b[31m csi", "body"),
    ("next line \x85 here", "body", "subject"),
    ("subject", 42, "body"),
])
def test_bad_subject_or_body_is_refused(subject: str, body: str, field: str) -> None:
    error = then_raises(InvalidInput, lambda: thread.start_thread(
        StartThread("c1", subject, body), SAM, INTERNAL, "t1", "p1"))
    assert error.details["field"] == field


def test_text_at_the_limits_tabs_and_newlines_are_accepted() -> None:
    subject, body = "s" * SUBJECT_MAX, "line\tone\n" + "b" * (BODY_MAX - 9)
    [started] = thread.start_thread(StartThread("c1", subject, body), SAM, INTERNAL,
                                    "t1", "p1")
    assert started == ThreadStarted("t1", "c1", subject, "p1", "sam", body)


def test_surrounding_whitespace_does_not_count_towards_the_limit() -> None:
    subject = "  " + "s" * SUBJECT_MAX + "\n"
    [started] = thread.start_thread(StartThread("c1", subject, "b"), SAM, INTERNAL,
                                    "t1", "p1")
    assert started.subject == "s" * SUBJECT_MAX  # type: ignore[attr-defined]


# --- post_reply ------------------------------------------------------------


def test_a_reply_gets_the_next_number() -> None:
    state = given(STARTED, OLI_REPLIED)
    assert thread.post_reply(state, PostReply("t1", "p2", " Great "), SAM, INTERNAL,
                             "p3") == [SAM_REPLIED]


def test_a_reply_to_the_first_post_after_many_replies_still_numbers_on() -> None:
    state = given(STARTED, OLI_REPLIED, SAM_REPLIED)
    [reply] = thread.post_reply(state, PostReply("t1", "p1", "late"), OLI, INTERNAL, "p4")
    assert reply == ReplyPosted("t1", "p4", 4, "p1", "oli", "late")


def test_no_reply_to_a_thread_that_does_not_exist() -> None:
    then_raises(NotFound, lambda: thread.post_reply(
        given(), PostReply("t1", "p1", "hi"), SAM, INTERNAL, "p2"))


def test_no_reply_to_a_post_that_is_not_in_the_thread() -> None:
    error = then_raises(NotFound, lambda: thread.post_reply(
        given(STARTED), PostReply("t1", "nope", "hi"), SAM, INTERNAL, "p2"))
    assert error.details == {"post_id": "nope"}


def test_no_reply_to_a_removed_post() -> None:
    state = given(STARTED, OLI_REPLIED, PostDeleted("t1", "p2", "oli"))
    then_raises(Conflict, lambda: thread.post_reply(
        state, PostReply("t1", "p2", "hi"), SAM, INTERNAL, "p3"), match="removed")
    # ... but the rest of the thread stays open.
    assert thread.post_reply(state, PostReply("t1", "p1", "hi"), SAM, INTERNAL, "p3")


@pytest.mark.parametrize("actor", [SAM, OLI])
def test_a_locked_thread_refuses_replies_from_members(actor: Viewer) -> None:
    state = given(STARTED, ThreadLocked("t1", "mod", "cooling off"))
    then_raises(Forbidden, lambda: thread.post_reply(
        state, PostReply("t1", "p1", "but"), actor, INTERNAL, "p2"), match="locked")


@pytest.mark.parametrize("actor", [MOD, ADA])
def test_moderators_may_reply_to_a_locked_thread(actor: Viewer) -> None:
    state = given(STARTED, ThreadLocked("t1", "mod"))
    [reply] = thread.post_reply(state, PostReply("t1", "p1", "closing"), actor, INTERNAL,
                                "p2")
    assert reply.author_id == actor.member_id  # type: ignore[attr-defined]


def test_an_unlocked_thread_takes_replies_again() -> None:
    state = given(STARTED, ThreadLocked("t1", "mod"), ThreadUnlocked("t1", "mod"))
    assert thread.post_reply(state, PostReply("t1", "p1", "ok"), SAM, INTERNAL, "p2")


def test_readers_may_not_reply() -> None:
    conference = ConferenceAccess("c1", "internal", (("member:oli", "reader"),))
    then_raises(Forbidden, lambda: thread.post_reply(
        given(STARTED), PostReply("t1", "p1", "hi"), OLI, conference, "p2"))
    then_raises(Forbidden, lambda: thread.post_reply(
        given(STARTED), PostReply("t1", "p1", "hi"), ANONYMOUS, PUBLIC, "p2"))


@pytest.mark.parametrize("actor", [ANONYMOUS, GUS, GONE, OLI])
def test_a_thread_in_a_conference_you_cannot_read_is_not_found(actor: Viewer) -> None:
    then_raises(NotFound, lambda: thread.post_reply(
        given(STARTED), PostReply("t1", "p1", "hi"), actor, PRIVATE, "p2"))


@pytest.mark.parametrize("body", ["", "x" * (BODY_MAX + 1), "\x00"])
def test_a_bad_reply_body_is_refused(body: str) -> None:
    then_raises(InvalidInput, lambda: thread.post_reply(
        given(STARTED), PostReply("t1", "p1", body), OLI, INTERNAL, "p2"))


# --- edit_post -------------------------------------------------------------


def test_authors_edit_their_posts_and_revisions_count_up() -> None:
    state = given(STARTED, OLI_REPLIED)
    first = thread.edit_post(state, EditPost("t1", "p2", "Me too"), OLI, INTERNAL)
    assert first == [PostEdited("t1", "p2", 2, "Me too", "oli")]
    state = given(STARTED, OLI_REPLIED, *first)
    assert thread.edit_post(state, EditPost("t1", "p2", "Me three"), OLI, INTERNAL) == [
        PostEdited("t1", "p2", 3, "Me three", "oli")
    ]


def test_nobody_edits_someone_elses_post() -> None:
    then_raises(Forbidden, lambda: thread.edit_post(
        given(STARTED, OLI_REPLIED), EditPost("t1", "p2", "mine now"), SAM, INTERNAL))


@pytest.mark.parametrize("actor", [MOD, ADA])
def test_moderators_edit_any_post(actor: Viewer) -> None:
    assert thread.edit_post(given(STARTED, OLI_REPLIED), EditPost("t1", "p2", "tidied"),
                            actor, INTERNAL) == [
        PostEdited("t1", "p2", 2, "tidied", actor.member_id or "")
    ]


def test_an_edit_on_a_stale_revision_conflicts() -> None:
    state = given(STARTED, OLI_REPLIED, PostEdited("t1", "p2", 2, "v2", "oli"))
    error = then_raises(Conflict, lambda: thread.edit_post(
        state, EditPost("t1", "p2", "v3", expected_revision=1), OLI, INTERNAL))
    assert error.details == {"current_revision": 2}
    assert thread.edit_post(state, EditPost("t1", "p2", "v3", expected_revision=2), OLI,
                            INTERNAL) == [PostEdited("t1", "p2", 3, "v3", "oli")]


def test_a_removed_post_cannot_be_edited() -> None:
    state = given(STARTED, OLI_REPLIED, PostDeleted("t1", "p2", "oli"))
    then_raises(Conflict, lambda: thread.edit_post(
        state, EditPost("t1", "p2", "back"), OLI, INTERNAL))
    then_raises(Conflict, lambda: thread.edit_post(
        state, EditPost("t1", "p2", "back"), ADA, INTERNAL))


def test_in_a_locked_thread_only_moderators_edit() -> None:
    state = given(STARTED, OLI_REPLIED, ThreadLocked("t1", "mod"))
    then_raises(Forbidden, lambda: thread.edit_post(
        state, EditPost("t1", "p2", "x"), OLI, INTERNAL))
    assert thread.edit_post(state, EditPost("t1", "p2", "x"), MOD, INTERNAL)


def test_a_deactivated_author_cannot_edit() -> None:
    then_raises(Forbidden, lambda: thread.edit_post(
        given(STARTED), EditPost("t1", "p1", "x"), GONE, PUBLIC))


def test_editing_a_missing_post_or_thread_is_not_found() -> None:
    then_raises(NotFound, lambda: thread.edit_post(
        given(STARTED), EditPost("t1", "p9", "x"), ADA, INTERNAL))
    then_raises(NotFound, lambda: thread.edit_post(
        given(), EditPost("t1", "p1", "x"), ADA, INTERNAL))
    then_raises(NotFound, lambda: thread.edit_post(
        given(STARTED), EditPost("t1", "p1", "x"), SAM, PRIVATE))


@pytest.mark.parametrize("body", ["", "x" * (BODY_MAX + 1), "tab ok but not \x08"])
def test_a_bad_edit_body_is_refused(body: str) -> None:
    then_raises(InvalidInput, lambda: thread.edit_post(
        given(STARTED), EditPost("t1", "p1", body), SAM, INTERNAL))


# --- delete_post -----------------------------------------------------------


def test_authors_remove_their_own_posts() -> None:
    assert thread.delete_post(given(STARTED, OLI_REPLIED), DeletePost("t1", "p2"), OLI,
                              INTERNAL) == [PostDeleted("t1", "p2", "oli")]


def test_nobody_removes_someone_elses_post() -> None:
    then_raises(Forbidden, lambda: thread.delete_post(
        given(STARTED, OLI_REPLIED), DeletePost("t1", "p2"), SAM, INTERNAL))


@pytest.mark.parametrize("actor", [MOD, ADA])
def test_moderators_remove_any_post(actor: Viewer) -> None:
    assert thread.delete_post(given(STARTED, OLI_REPLIED), DeletePost("t1", "p2"), actor,
                              INTERNAL) == [PostDeleted("t1", "p2", actor.member_id or "")]


def test_a_post_is_removed_only_once() -> None:
    state = given(STARTED, OLI_REPLIED, PostDeleted("t1", "p2", "oli"))
    then_raises(Conflict, lambda: thread.delete_post(
        state, DeletePost("t1", "p2"), ADA, INTERNAL))


def test_in_a_locked_thread_authors_cannot_remove_posts() -> None:
    state = given(STARTED, OLI_REPLIED, ThreadLocked("t1", "mod"))
    then_raises(Forbidden, lambda: thread.delete_post(
        state, DeletePost("t1", "p2"), OLI, INTERNAL))
    assert thread.delete_post(state, DeletePost("t1", "p2"), MOD, INTERNAL)


def test_removing_a_missing_post_is_not_found() -> None:
    then_raises(NotFound, lambda: thread.delete_post(
        given(STARTED), DeletePost("t1", "p9"), ADA, INTERNAL))


# --- hide / unhide ---------------------------------------------------------


@pytest.mark.parametrize("actor", [MOD, ADA])
def test_moderators_hide_and_unhide_posts(actor: Viewer) -> None:
    by = actor.member_id or ""
    hidden = thread.hide_post(given(STARTED, OLI_REPLIED),
                              HidePost("t1", "p2", " off topic "), actor, INTERNAL)
    assert hidden == [PostHidden("t1", "p2", "off topic", by)]
    assert thread.unhide_post(given(STARTED, OLI_REPLIED, *hidden),
                              UnhidePost("t1", "p2"), actor, INTERNAL) == [
        PostUnhidden("t1", "p2", by)
    ]


@pytest.mark.parametrize("actor", [SAM, OLI, GUS, ANONYMOUS])
def test_members_may_not_hide_or_unhide(actor: Viewer) -> None:
    hidden = PostHidden("t1", "p2", "spam", "mod")
    then_raises(Forbidden, lambda: thread.hide_post(
        given(STARTED, OLI_REPLIED), HidePost("t1", "p2", "spam"), actor, PUBLIC))
    then_raises(Forbidden, lambda: thread.unhide_post(
        given(STARTED, OLI_REPLIED, hidden), UnhidePost("t1", "p2"), actor, PUBLIC))


def test_hiding_twice_or_unhiding_a_visible_post_conflicts() -> None:
    state = given(STARTED, OLI_REPLIED, PostHidden("t1", "p2", "spam", "mod"))
    then_raises(Conflict, lambda: thread.hide_post(
        state, HidePost("t1", "p2", "again"), MOD, INTERNAL))
    then_raises(Conflict, lambda: thread.unhide_post(
        state, UnhidePost("t1", "p1"), MOD, INTERNAL))


@pytest.mark.parametrize("reason", ["", "  ", "r" * (REASON_MAX + 1), "spam\x00"])
def test_hiding_needs_a_sensible_reason(reason: str) -> None:
    error = then_raises(InvalidInput, lambda: thread.hide_post(
        given(STARTED), HidePost("t1", "p1", reason), MOD, INTERNAL))
    assert error.details["field"] == "reason"


def test_hiding_a_missing_post_is_not_found() -> None:
    then_raises(NotFound, lambda: thread.hide_post(
        given(STARTED), HidePost("t1", "p9", "spam"), MOD, INTERNAL))
    then_raises(NotFound, lambda: thread.unhide_post(
        given(STARTED), UnhidePost("t1", "p9"), MOD, INTERNAL))


# --- lock / pin ------------------------------------------------------------


@pytest.mark.parametrize(("history", "command", "expected"), [
    ((), LockThread("t1", " heated "), [ThreadLocked("t1", "mod", "heated")]),
    ((), LockThread("t1"), [ThreadLocked("t1", "mod", "")]),
    ((ThreadLocked("t1", "ada"),), LockThread("t1"), []),
    ((ThreadLocked("t1", "ada"),), UnlockThread("t1"), [ThreadUnlocked("t1", "mod")]),
    ((), UnlockThread("t1"), []),
    ((), PinThread("t1"), [ThreadPinned("t1", "mod")]),
    ((ThreadPinned("t1", "ada"),), PinThread("t1"), []),
    ((ThreadPinned("t1", "ada"),), UnpinThread("t1"), [ThreadUnpinned("t1", "mod")]),
    ((), UnpinThread("t1"), []),
    ((ThreadPinned("t1", "a"), ThreadUnpinned("t1", "a")), PinThread("t1"),
     [ThreadPinned("t1", "mod")]),
])
def test_moderators_lock_unlock_pin_and_unpin(history: tuple[Event, ...],
                                              command: Command,
                                              expected: list[Event]) -> None:
    assert thread.set_flag(given(STARTED, *history), command, MOD, INTERNAL) == expected


@pytest.mark.parametrize("command", [LockThread("t1"), UnlockThread("t1"),
                                     PinThread("t1"), UnpinThread("t1")])
@pytest.mark.parametrize("actor", [SAM, OLI, GUS, ANONYMOUS])
def test_only_moderators_lock_or_pin(command: Command, actor: Viewer) -> None:
    then_raises(Forbidden, lambda: thread.set_flag(given(STARTED), command, actor, PUBLIC))


def test_a_lock_reason_is_checked() -> None:
    then_raises(InvalidInput, lambda: thread.set_flag(
        given(STARTED), LockThread("t1", "\x1b"), MOD, INTERNAL))
    then_raises(InvalidInput, lambda: thread.set_flag(
        given(STARTED), LockThread("t1", "r" * (REASON_MAX + 1)), MOD, INTERNAL))


def test_set_flag_refuses_other_commands() -> None:
    then_raises(InvalidInput, lambda: thread.set_flag(
        given(STARTED), MoveThread("t1", "c2"), MOD, INTERNAL))


def test_flags_on_a_missing_thread_are_not_found() -> None:
    then_raises(NotFound, lambda: thread.set_flag(given(), LockThread("t1"), ADA, INTERNAL))


# --- move ------------------------------------------------------------------


def test_moderators_of_both_conferences_move_a_thread() -> None:
    assert thread.move_thread(given(STARTED), MoveThread("t1", "c2"), MOD, INTERNAL,
                              OTHER) == [ThreadMoved("t1", "c1", "c2", "mod")]
    moved = given(STARTED, ThreadMoved("t1", "c1", "c2", "mod"))
    assert moved.conference_id == "c2"


def test_moving_needs_moderator_rights_on_the_target_too() -> None:
    target = ConferenceAccess("c2", "internal")
    then_raises(Forbidden, lambda: thread.move_thread(
        given(STARTED), MoveThread("t1", "c2"), MOD, INTERNAL, target), match="target")
    assert thread.move_thread(given(STARTED), MoveThread("t1", "c2"), ADA, INTERNAL, target)


def test_members_may_not_move_threads() -> None:
    then_raises(Forbidden, lambda: thread.move_thread(
        given(STARTED), MoveThread("t1", "c2"), SAM, INTERNAL, OTHER))


def test_moving_to_the_same_conference_conflicts() -> None:
    then_raises(Conflict, lambda: thread.move_thread(
        given(STARTED), MoveThread("t1", "c1"), ADA, INTERNAL, INTERNAL))


def test_moving_a_missing_thread_is_not_found() -> None:
    then_raises(NotFound, lambda: thread.move_thread(
        given(), MoveThread("t1", "c2"), ADA, INTERNAL, OTHER))


# --- read markers ----------------------------------------------------------


@pytest.mark.parametrize(("marker", "up_to", "expected"), [
    (0, None, [ThreadRead("m", "t1", 0, 5)]),
    (2, None, [ThreadRead("m", "t1", 2, 5)]),
    (2, 4, [ThreadRead("m", "t1", 2, 4)]),
    (2, 99, [ThreadRead("m", "t1", 2, 5)]),  # never past the last post
    (5, None, []),  # nothing new
    (4, 3, []),  # never backwards
    (4, 4, []),
    (0, -3, []),
    (0, 0, []),
])
def test_mark_read_only_moves_the_marker_forward(marker: int, up_to: int | None,
                                                 expected: list[Event]) -> None:
    assert thread.mark_read("t1", 5, "m", marker, up_to) == expected


@pytest.mark.parametrize(("marker", "seq", "expected"), [
    (5, 3, [ThreadRead("m", "t1", 5, 2)]),
    (5, 1, [ThreadRead("m", "t1", 5, 0)]),
    (5, 5, [ThreadRead("m", "t1", 5, 4)]),
    (2, 3, []),  # already unread from there
    (2, 4, []),
    (0, 1, []),
])
def test_mark_unread_from_moves_the_marker_back(marker: int, seq: int,
                                                expected: list[Event]) -> None:
    assert thread.mark_unread_from("t1", 5, "m", marker, seq) == expected


@pytest.mark.parametrize("seq", [0, -1, 6, 100])
def test_mark_unread_from_a_post_not_in_the_thread_is_refused(seq: int) -> None:
    then_raises(InvalidInput, lambda: thread.mark_unread_from("t1", 5, "m", 5, seq))


# --- evolve ----------------------------------------------------------------


def test_the_state_follows_the_events() -> None:
    state = given(
        STARTED, OLI_REPLIED, SAM_REPLIED,
        PostEdited("t1", "p2", 2, "x", "oli"),
        PostDeleted("t1", "p3", "sam"),
        PostHidden("t1", "p1", "r", "mod"),
        ThreadLocked("t1", "mod"),
        ThreadPinned("t1", "mod"),
        ThreadMoved("t1", "c1", "c2", "mod"),
    )
    assert (state.conference_id, state.subject, state.author_id) == ("c2", "Study circle", "sam")
    assert (state.locked, state.pinned, state.last_seq, state.version) == (True, True, 3, 9)
    assert state.posts["p1"].hidden and not state.posts["p2"].hidden
    assert state.posts["p2"].revision == 2 and state.posts["p3"].deleted
    assert [(p.author_id, p.seq) for p in state.posts.values()] == [
        ("sam", 1), ("oli", 2), ("sam", 3)]
    assert not given().exists and state.exists


def test_a_removed_post_cannot_be_hidden() -> None:
    state = given(STARTED, OLI_REPLIED, PostDeleted("t1", "p2", "oli"))
    then_raises(Conflict, lambda: thread.hide_post(
        state, HidePost("t1", "p2", "spam"), MOD, INTERNAL))
