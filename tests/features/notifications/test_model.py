"""Watch levels and reading notifications: pure rules."""

from __future__ import annotations

import pytest

from forum.core.errors import Forbidden, InvalidInput, NotFound
from forum.features.notifications import model as notification
from forum.features.notifications.commands import SetWatchLevel
from forum.features.notifications.events import NotificationsRead, WatchLevelSet


def test_a_member_sets_a_level_only_when_it_changes() -> None:
    command = SetWatchLevel("thread", "t1", "watching")
    assert notification.set_watch_level(command, "sam", "normal", True) == [
        WatchLevelSet("sam", "thread", "t1", "watching")]
    assert notification.set_watch_level(command, "sam", "watching", True) == []


@pytest.mark.parametrize(("command", "member", "readable", "error"), [
    (SetWatchLevel("thread", "t1", "loud"), "sam", True, InvalidInput),
    (SetWatchLevel("planet", "t1", "muted"), "sam", True, InvalidInput),
    (SetWatchLevel("thread", "t1", "muted"), "sam", False, NotFound),
    (SetWatchLevel("thread", "t1", "muted"), None, True, Forbidden),
])
def test_bad_levels_are_refused(command: SetWatchLevel, member: str | None,
                                readable: bool, error: type[Exception]) -> None:
    with pytest.raises(error):
        notification.set_watch_level(command, member, "normal", readable)


def test_reading_one_or_all_and_nothing_twice() -> None:
    assert notification.mark_read("sam", 7, 9, {7, 9}) == [NotificationsRead("sam", 7)]
    assert notification.mark_read("sam", 8, 9, {7, 9}) == []  # not unread (or not theirs)
    assert notification.mark_read("sam", None, 9, {7, 9}) == [
        NotificationsRead("sam", up_to=9)]
    assert notification.mark_read("sam", None, 9, set()) == []
    with pytest.raises(Forbidden):
        notification.mark_read(None, None, 0, set())
