"""The followers model: given events, when a command, then events (no IO)."""

from __future__ import annotations

import pytest

from federation.follows import model as follow
from federation.follows.commands import (
    AcceptFollow,
    RejectFollow,
    RequestFollow,
    SetFollowPolicy,
    UndoFollow,
)
from federation.follows.events import (
    FollowAccepted,
    FollowPolicySet,
    FollowRejected,
    FollowRequested,
    FollowUndone,
)
from forum.core.errors import Forbidden, InvalidInput, NotFound

LOCAL, ANN = "conference:c1", "https://far.example/users/ann"


def requested(follow_id: str = "f1") -> FollowRequested:
    return FollowRequested(LOCAL, ANN, follow_id, f"{ANN}/inbox", None, "@ann@far", "Ann")


def ask(follow_id: str = "f1") -> RequestFollow:
    return RequestFollow(LOCAL, ANN, follow_id, f"{ANN}/inbox", None, "@ann@far", "Ann")


def test_a_request_is_accepted_at_once_by_default() -> None:
    assert follow.request(follow.load([]), ask()) == [
        requested(), FollowAccepted(LOCAL, ANN, "f1", "")]


def test_under_moderation_a_request_waits_and_repeating_it_changes_nothing() -> None:
    state = follow.load([FollowPolicySet(LOCAL, "moderated", "m"), requested()])
    assert follow.request(state, ask()) == []
    assert follow.accept(state, AcceptFollow(LOCAL, ANN), "m", True) == [
        FollowAccepted(LOCAL, ANN, "f1", "m")]
    with pytest.raises(Forbidden):
        follow.accept(state, AcceptFollow(LOCAL, ANN), "x", False)


def test_a_follower_asking_again_gets_another_accept() -> None:
    state = follow.load([requested(), FollowAccepted(LOCAL, ANN, "f1", "")])
    assert follow.request(state, ask("f2")) == [FollowAccepted(LOCAL, ANN, "f2", "")]


def test_undo_and_reject_end_a_follow_and_need_one() -> None:
    state = follow.load([requested(), FollowAccepted(LOCAL, ANN, "f1", "")])
    assert follow.undo(state, UndoFollow(LOCAL, ANN, "f1")) == [
        FollowUndone(LOCAL, ANN, "f1")]
    assert follow.reject(state, RejectFollow(LOCAL, ANN), "m", True) == [
        FollowRejected(LOCAL, ANN, "f1", "m")]
    gone = follow.load([requested(), FollowUndone(LOCAL, ANN, "f1")])
    assert follow.undo(gone, UndoFollow(LOCAL, ANN, "f1")) == []
    with pytest.raises(NotFound):
        follow.reject(gone, RejectFollow(LOCAL, ANN), "m", True)


def test_only_known_policies_are_set_and_only_when_they_change() -> None:
    state = follow.load([])
    with pytest.raises(InvalidInput):
        follow.set_policy(state, SetFollowPolicy(LOCAL, "sometimes"), "m", True)
    assert follow.set_policy(state, SetFollowPolicy(LOCAL, "automatic"), "m", True) == []
