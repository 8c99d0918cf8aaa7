"""Every public handler of the core features has tests: a new one fails here until it does."""

from __future__ import annotations

import inspect

from forum.features.articles import handlers as articles
from forum.features.conferences import handlers as conferences
from forum.features.members import handlers as members
from forum.features.notifications import handlers as notifications
from forum.features.reading import handlers as reading
from forum.features.rooms import handlers as rooms
from forum.features.threads import handlers as threads

TESTED_HANDLERS = {
    "register_member", "issue_invitation", "accept_invitation", "change_member_role",
    "deactivate_member", "reactivate_member", "update_profile", "change_password",
    "issue_api_token", "revoke_api_token", "create_conference", "update_conference",
    "set_conference_acl", "start_thread", "post_reply", "edit_post", "delete_post",
    "hide_post", "unhide_post", "lock_thread", "unlock_thread", "pin_thread", "unpin_thread",
    "move_thread", "mark_thread_read", "mark_unread_from", "mark_conference_read",
    "create_room", "open_direct_room", "rename_room", "set_room_topic", "archive_room",
    "unarchive_room", "join_room", "leave_room", "add_room_member", "remove_room_member",
    "post_message", "edit_message", "delete_message", "react", "mark_room_read",
    "set_watch_level", "mark_notifications_read", "move_messages_to_thread",
    "set_fediverse_profile", "propose_article", "revise_article", "send_back_article",
    "resubmit_article", "approve_article", "unpublish_article",
}


def test_every_handler_is_covered_here() -> None:
    """A new handler fails this until it is listed here, with tests in its feature's
    test_handlers module."""
    public = {
        name for module in (articles, conferences, members, notifications, reading, rooms,
                            threads)
        for name, fn in inspect.getmembers(module, inspect.isfunction)
        if not name.startswith("_") and fn.__module__ == module.__name__
        and list(inspect.signature(fn).parameters)[:1] == ["svc"]
    }
    assert public == TESTED_HANDLERS
