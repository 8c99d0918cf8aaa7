"""Property tests for the pure model: any sequence of commands keeps the invariants."""

from __future__ import annotations

import copy
import unicodedata
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from forum.core.commands import Command
from forum.core.errors import CommonroomError, InvalidInput
from forum.core.events import Event
from forum.core.permissions import ConferenceAccess, Viewer, can_moderate
from forum.core.text import clean_text
from forum.features.reading.events import ThreadRead
from forum.features.threads import model as thread
from forum.features.threads.commands import (
    DeletePost,
    EditPost,
    HidePost,
    LockThread,
    PinThread,
    PostReply,
    UnhidePost,
    UnlockThread,
)
from forum.features.threads.events import (
    PostDeleted,
    PostEdited,
    PostHidden,
    PostUnhidden,
    ReplyPosted,
    ThreadLocked,
    ThreadPinned,
    ThreadStarted,
    ThreadUnlocked,
)
from forum.features.threads.model import ThreadState

SETTINGS = settings(max_examples=100, deadline=None, database=None)

SAM = Viewer("sam", "staff")  # started the thread
OLI = Viewer("oli", "staff")
GUS = Viewer("gus", "guest")  # may read, not post
MOD = Viewer("mod", "staff")
ACTORS = (SAM, OLI, GUS, MOD)
CONFERENCE = ConferenceAccess("c1", "internal",
                              (("member:mod", "moderator"), ("role:guest", "reader")))
STARTED = ThreadStarted("t1", "c1", "Subject", "p1", "sam", "First")
BODIES = ("fine", "  padded  ", "", "nul\x00", "two\nlines")


@dataclass(frozen=True)
class Op:
    kind: str
    actor: int
    target: int  # index into the known post ids; one past the end is an unknown id
    body: int
    revision: int | None  # expected revision offset for edits: None, 0 (right), ±1 (stale)


ops = st.builds(
    Op,
    kind=st.sampled_from(["reply"] * 4 + ["edit"] * 3 + ["delete", "hide", "unhide", "lock",
                                                          "unlock", "pin"]),
    actor=st.sampled_from([0, 0, 1, 2, 3, 3]),  # SAM, OLI, GUS, MOD
    target=st.integers(0, 30),
    body=st.sampled_from([0, 0, 0, 1, 4, 4, 2, 3]),  # mostly acceptable text
    revision=st.sampled_from([None, None, 0, 0, -1, 1]),
)


def _command(op: Op, state: ThreadState, post_ids: list[str]) -> Command:
    post_id = post_ids[op.target % (len(post_ids) + 1)] if op.target % (len(post_ids) + 1) < len(
        post_ids) else "unknown"
    body = BODIES[op.body]
    match op.kind:
        case "reply":
            return PostReply("t1", post_id, body)
        case "edit":
            expected = None
            if op.revision is not None and post_id in state.posts:
                expected = state.posts[post_id].revision + op.revision
            return EditPost("t1", post_id, body, expected)
        case "delete":
            return DeletePost("t1", post_id)
        case "hide":
            return HidePost("t1", post_id, body)
        case "unhide":
            return UnhidePost("t1", post_id)
        case "lock":
            return LockThread("t1", body)
        case "unlock":
            return UnlockThread("t1")
    return PinThread("t1")


def _decide(state: ThreadState, command: Command, actor: Viewer, new_id: str
            ) -> list[Event]:
    match command:
        case PostReply():
            return thread.post_reply(state, command, actor, CONFERENCE, new_id)
        case EditPost():
            return thread.edit_post(state, command, actor, CONFERENCE)
        case DeletePost():
            return thread.delete_post(state, command, actor, CONFERENCE)
        case HidePost():
            return thread.hide_post(state, command, actor, CONFERENCE)
        case UnhidePost():
            return thread.unhide_post(state, command, actor, CONFERENCE)
    return thread.set_flag(state, command, actor, CONFERENCE)


def _check_accepted(state: ThreadState, actor: Viewer, events: list[Event]) -> None:
    """The rules, restated from the outside, for every event the model let through."""
    moderator = can_moderate(actor, CONFERENCE)
    for event in events:
        match event:
            case ReplyPosted():
                assert event.seq == state.last_seq + 1
                assert event.post_id not in state.posts
                parent = state.posts[event.parent_post_id]
                assert not parent.deleted, "a reply to a removed post was accepted"
                assert event.author_id == actor.member_id
                assert actor is not GUS
                assert moderator or not state.locked, "a member replied to a locked thread"
            case PostEdited():
                post = state.posts[event.post_id]
                assert event.revision == post.revision + 1
                assert not post.deleted
                assert moderator or (post.author_id == actor.member_id and not state.locked)
            case PostDeleted():
                post = state.posts[event.post_id]
                assert not post.deleted
                assert moderator or (post.author_id == actor.member_id and not state.locked)
            case PostHidden() | PostUnhidden() | ThreadLocked() | ThreadUnlocked() \
                    | ThreadPinned():
                assert moderator
            case _:
                raise AssertionError(f"unexpected event {event!r}")


def _check_history(history: list[Event]) -> None:
    """Invariants of the whole log, read without the model's help."""
    seqs = [1] + [e.seq for e in history if isinstance(e, ReplyPosted)]
    assert seqs == list(range(1, len(seqs) + 1)), "post numbers must count up by one"
    revisions: dict[str, int] = {}
    deleted: set[str] = set()
    for event in history:
        match event:
            case ReplyPosted():
                assert event.parent_post_id not in deleted
            case PostEdited():
                assert event.revision == revisions.get(event.post_id, 1) + 1
                revisions[event.post_id] = event.revision
                assert event.post_id not in deleted
            case PostDeleted():
                assert event.post_id not in deleted
                deleted.add(event.post_id)


@SETTINGS
@given(st.lists(ops, min_size=10, max_size=60))
def test_any_sequence_of_thread_commands_keeps_the_invariants(sequence: list[Op]) -> None:
    history: list[Event] = [STARTED]
    state = thread.load("t1", history)
    post_ids = ["p1"]
    for number, op in enumerate(sequence, start=2):
        actor = ACTORS[op.actor]
        command = _command(op, state, post_ids)
        before = copy.deepcopy(state)
        try:
            events = _decide(state, command, actor, f"p{number}")
        except CommonroomError:
            events = []
        assert state == before, "decide must not change the state"
        _check_accepted(state, actor, events)
        for event in events:
            thread.evolve(state, event)
            if isinstance(event, ReplyPosted):
                post_ids.append(event.post_id)
        history.extend(events)
    _check_history(history)
    # Replaying the log from nothing gives exactly the state built step by step.
    assert thread.load("t1", history) == state
    assert state.version == len(history)
    assert state.last_seq == len(post_ids)


@SETTINGS
@given(last_seq=st.integers(1, 30),
       moves=st.lists(st.tuples(st.booleans(), st.one_of(st.none(), st.integers(-2, 35))),
                      max_size=30))
def test_read_markers_move_as_asked_and_stay_in_the_thread(
        last_seq: int, moves: list[tuple[bool, int | None]]) -> None:
    marker = 0
    for forward, seq in moves:
        try:
            if forward:
                events = thread.mark_read("t1", last_seq, "m", marker, seq)
            else:
                events = thread.mark_unread_from("t1", last_seq, "m", marker,
                                                 last_seq if seq is None else seq)
        except InvalidInput:
            assert not forward
            continue
        for event in events:
            assert isinstance(event, ThreadRead)
            assert event.from_seq == marker
            assert 0 <= event.up_to_seq <= last_seq
            assert (event.up_to_seq > marker) is forward
            marker = event.up_to_seq
        if forward and seq is None:
            assert marker == last_seq


@SETTINGS
@given(st.text(max_size=60), st.integers(1, 40), st.booleans())
def test_clean_text_returns_tidy_text_or_refuses(value: str, maximum: int,
                                                 required: bool) -> None:
    try:
        cleaned = clean_text(value, "field", maximum=maximum, required=required)
    except InvalidInput as error:
        assert error.details == {"field": "field"}
        return
    assert len(cleaned) <= maximum
    assert cleaned == cleaned.strip()
    assert cleaned or not required
    assert "\r\n" not in cleaned
    assert not [c for c in cleaned if unicodedata.category(c) == "Cc" and c not in "\t\n\r"]
