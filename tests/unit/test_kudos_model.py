"""Kudos and "today I learned": given events, when a command, then events (or an error)."""

from __future__ import annotations

import pytest

from forum import commands as cmd
from forum import events as ev
from forum.errors import Forbidden, InvalidInput, NotFound
from forum.model import kudos
from forum.model.kudos import Recipient
from forum.permissions import ANONYMOUS, ConferenceAccess, Viewer

SAM = Viewer("sam", "staff")
OLI = Viewer("oli", "staff")
GUS = Viewer("gus", "guest")
ADA = Viewer("ada", "admin")
INTERNAL = ConferenceAccess("c1", "internal")
OLIS_POST = Recipient("oli", "th1", "p1")
GIVEN = ev.KudosGiven("post", "p1", "sam", "oli", "Thanks!", "th1", "p1")


def test_kudos_go_to_the_author_once_and_can_be_taken_back() -> None:
    give = cmd.GiveKudos("post", "p1", "Thanks!")
    assert kudos.give(kudos.load([]), give, SAM, INTERNAL, OLIS_POST) == [GIVEN]
    assert kudos.give(kudos.load([GIVEN]), give, SAM, INTERNAL, OLIS_POST) == []
    withdraw = cmd.WithdrawKudos("post", "p1")
    assert kudos.withdraw(kudos.load([GIVEN]), withdraw, SAM, INTERNAL) == [
        ev.KudosWithdrawn("post", "p1", "sam")]
    assert kudos.withdraw(kudos.load([]), withdraw, SAM, INTERNAL) == []


def test_kudos_refusals() -> None:
    state = kudos.load([])
    with pytest.raises(InvalidInput, match="someone else"):
        kudos.give(state, cmd.GiveKudos("post", "p1"), OLI, INTERNAL, OLIS_POST)
    with pytest.raises(NotFound):  # guests do not read internal conferences
        kudos.give(state, cmd.GiveKudos("post", "p1"), GUS, INTERNAL, OLIS_POST)
    with pytest.raises(NotFound):  # the post is gone
        kudos.give(state, cmd.GiveKudos("post", "p1"), SAM, INTERNAL, None)
    with pytest.raises(Forbidden):
        kudos.give(state, cmd.GiveKudos("post", "p1"), ANONYMOUS, INTERNAL, OLIS_POST)
    with pytest.raises(InvalidInput, match="a post or a talk"):
        kudos.give(state, cmd.GiveKudos("room", "p1"), SAM, INTERNAL, OLIS_POST)
    with pytest.raises(InvalidInput, match="280"):
        kudos.give(state, cmd.GiveKudos("post", "p1", "x" * 281), SAM, INTERNAL, OLIS_POST)


def test_only_an_administrator_chooses_the_til_conference() -> None:
    choose = cmd.ChooseTilConference("c1")
    assert kudos.choose_til_conference(choose, ADA, INTERNAL, None) == [
        ev.TilConferenceChosen("c1", "ada")]
    assert kudos.choose_til_conference(choose, ADA, INTERNAL, "c1") == []
    with pytest.raises(Forbidden):
        kudos.choose_til_conference(choose, SAM, INTERNAL, None)
    with pytest.raises(NotFound):
        kudos.choose_til_conference(choose, ADA, None, None)


def test_a_til_is_a_short_thread_named_by_its_first_line() -> None:
    started = kudos.til_thread(cmd.PostTil("  `git bisect run` finds the bad commit\n\n"
                                           "for you."), "c1")
    assert started == cmd.StartThread("c1", "TIL: `git bisect run` finds the bad commit",
                                      "`git bisect run` finds the bad commit\n\nfor you.")
    long = kudos.til_thread(cmd.PostTil("a" * 200), "c1")
    assert len(long.subject) == len("TIL: ") + 80 and long.subject.endswith("…")
    with pytest.raises(InvalidInput, match="500"):
        kudos.til_thread(cmd.PostTil("a" * 501), "c1")
    with pytest.raises(InvalidInput, match="must not be empty"):
        kudos.til_thread(cmd.PostTil("   "), "c1")
    with pytest.raises(NotFound, match="administrator chooses"):
        kudos.til_thread(cmd.PostTil("x"), None)
