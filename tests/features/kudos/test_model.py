"""Kudos and "today I learned": given events, when a command, then events (or an error)."""

from __future__ import annotations

import pytest

from forum.core.errors import Forbidden, InvalidInput, NotFound
from forum.core.permissions import ANONYMOUS, ConferenceAccess, Viewer
from forum.features.kudos import model as kudos
from forum.features.kudos.commands import ChooseTilConference, GiveKudos, PostTil, WithdrawKudos
from forum.features.kudos.events import KudosGiven, KudosWithdrawn, TilConferenceChosen
from forum.features.kudos.model import Recipient
from forum.features.threads.commands import StartThread

SAM = Viewer("sam", "staff")
OLI = Viewer("oli", "staff")
GUS = Viewer("gus", "guest")
ADA = Viewer("ada", "admin")
INTERNAL = ConferenceAccess("c1", "internal")
OLIS_POST = Recipient("oli", "th1", "p1")
GIVEN = KudosGiven("post", "p1", "sam", "oli", "Thanks!", "th1", "p1")


def test_kudos_go_to_the_author_once_and_can_be_taken_back() -> None:
    give = GiveKudos("post", "p1", "Thanks!")
    assert kudos.give(kudos.load([]), give, SAM, INTERNAL, OLIS_POST) == [GIVEN]
    assert kudos.give(kudos.load([GIVEN]), give, SAM, INTERNAL, OLIS_POST) == []
    withdraw = WithdrawKudos("post", "p1")
    assert kudos.withdraw(kudos.load([GIVEN]), withdraw, SAM, INTERNAL) == [
        KudosWithdrawn("post", "p1", "sam")]
    assert kudos.withdraw(kudos.load([]), withdraw, SAM, INTERNAL) == []


def test_kudos_refusals() -> None:
    state = kudos.load([])
    with pytest.raises(InvalidInput, match="someone else"):
        kudos.give(state, GiveKudos("post", "p1"), OLI, INTERNAL, OLIS_POST)
    with pytest.raises(NotFound):  # guests do not read internal conferences
        kudos.give(state, GiveKudos("post", "p1"), GUS, INTERNAL, OLIS_POST)
    with pytest.raises(NotFound):  # the post is gone
        kudos.give(state, GiveKudos("post", "p1"), SAM, INTERNAL, None)
    with pytest.raises(Forbidden):
        kudos.give(state, GiveKudos("post", "p1"), ANONYMOUS, INTERNAL, OLIS_POST)
    with pytest.raises(InvalidInput, match="a post or a talk"):
        kudos.give(state, GiveKudos("room", "p1"), SAM, INTERNAL, OLIS_POST)
    with pytest.raises(InvalidInput, match="280"):
        kudos.give(state, GiveKudos("post", "p1", "x" * 281), SAM, INTERNAL, OLIS_POST)


def test_only_an_administrator_chooses_the_til_conference() -> None:
    choose = ChooseTilConference("c1")
    assert kudos.choose_til_conference(choose, ADA, INTERNAL, None) == [
        TilConferenceChosen("c1", "ada")]
    assert kudos.choose_til_conference(choose, ADA, INTERNAL, "c1") == []
    with pytest.raises(Forbidden):
        kudos.choose_til_conference(choose, SAM, INTERNAL, None)
    with pytest.raises(NotFound):
        kudos.choose_til_conference(choose, ADA, None, None)


def test_a_til_is_a_short_thread_named_by_its_first_line() -> None:
    started = kudos.til_thread(PostTil("  `git bisect run` finds the bad commit\n\n"
                                           "for you."), "c1")
    assert started == StartThread("c1", "TIL: `git bisect run` finds the bad commit",
                                      "`git bisect run` finds the bad commit\n\nfor you.")
    long = kudos.til_thread(PostTil("a" * 200), "c1")
    assert len(long.subject) == len("TIL: ") + 80 and long.subject.endswith("…")
    with pytest.raises(InvalidInput, match="500"):
        kudos.til_thread(PostTil("a" * 501), "c1")
    with pytest.raises(InvalidInput, match="must not be empty"):
        kudos.til_thread(PostTil("   "), "c1")
    with pytest.raises(NotFound, match="administrator chooses"):
        kudos.til_thread(PostTil("x"), None)
