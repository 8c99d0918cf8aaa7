"""Every handler end to end on a real database: load, decide, append, project, query."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Connection, select

from forum.backend import Backend
from forum.core.errors import (
    CommonroomError,
    ConcurrencyConflict,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
)
from forum.core.events import Event
from forum.core.passwords import token_hash
from forum.core.permissions import ANONYMOUS, Viewer
from forum.features.articles import handlers as articles
from forum.features.articles import queries as article_queries
from forum.features.articles.commands import (
    ApproveArticle,
    ProposeArticle,
    ResubmitArticle,
    ReviseArticle,
    SendBackArticle,
    UnpublishArticle,
)
from forum.features.conferences import handlers as conferences
from forum.features.conferences.commands import CreateConference, SetConferenceAcl, UpdateConference
from forum.features.conferences.queries import (
    conference_access,
    get_conference,
    get_conference_by_slug,
    moderated_ids,
    readable_ids,
    tags,
)
from forum.features.members import handlers as members
from forum.features.members.commands import (
    AcceptInvitation,
    ChangeMemberRole,
    ChangePassword,
    DeactivateMember,
    IssueApiToken,
    IssueInvitation,
    ReactivateMember,
    RegisterMember,
    RevokeApiToken,
    SetFediverseProfile,
    UpdateProfile,
)
from forum.features.members.events import PasswordChanged
from forum.features.members.queries import (
    get_invitation_by_hash,
    get_member,
    get_member_by_handle,
    get_member_by_login,
    get_member_by_token_hash,
    list_api_tokens,
    viewer_from_row,
)
from forum.features.members.tables import invitations
from forum.features.notifications import handlers as notifications
from forum.features.notifications.commands import MarkNotificationsRead, SetWatchLevel
from forum.features.notifications.queries import (
    count_unread_notifications,
    list_notifications,
    notification_positions,
)
from forum.features.reading import handlers as reading
from forum.features.reading.commands import MarkConferenceRead, MarkThreadRead, MarkUnreadFrom
from forum.features.reading.queries import (
    get_next_unread,
    get_read_marker,
    list_conferences,
    list_readers,
    unread_by_conference,
    unread_by_thread,
)
from forum.features.rooms import handlers as rooms
from forum.features.rooms import model as room_model
from forum.features.rooms.commands import (
    AddRoomMember,
    ArchiveRoom,
    CreateRoom,
    DeleteMessage,
    EditMessage,
    JoinRoom,
    LeaveRoom,
    MarkRoomRead,
    MoveMessagesToThread,
    OpenDirectRoom,
    PostMessage,
    React,
    RemoveRoomMember,
    RenameRoom,
    SetRoomTopic,
    UnarchiveRoom,
)
from forum.features.rooms.queries import (
    get_room,
    get_room_marker,
    list_messages,
    reactions_for,
    room_member_ids,
    room_state,
)
from forum.features.threads import handlers as threads
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
from forum.features.threads.events import ReplyPosted
from forum.features.threads.queries import (
    count_threads,
    get_post,
    get_thread,
    list_posts,
    list_reply_tree,
    list_revisions,
    list_threads,
)
from forum.features.threads.tables import post_revisions
from tests.conftest import PASSWORD, People

# --- helpers ---------------------------------------------------------------


@contextmanager
def conn(backend: Backend) -> Iterator[Connection]:
    with backend.engine.connect() as connection:
        yield connection


def refused(backend: Backend, error: type[CommonroomError], call: Callable[[], Any],
            match: str | None = None) -> CommonroomError:
    """The call fails with ``error`` and the log does not grow."""
    head = backend.store.head()
    with pytest.raises(error, match=match) as info:
        call()
    assert backend.store.head() == head, "a refused command must not write"
    return info.value


def last_event(backend: Backend) -> Event:
    return backend.store.read_all(backend.store.head() - 1)[-1].event


class World:
    """People, a conference of each visibility and a thread, through the real handlers."""

    def __init__(self, backend: Backend, people: People) -> None:
        self.backend, self.svc, self.p = backend, backend.services, people
        mod_id = members.register_member(self.svc, people.admin, RegisterMember(
            "mo", "Mo", "mo@example.org", PASSWORD, "staff"))
        self.mod = Viewer(mod_id, "staff")
        self.public = self.conference("open-day", "public")
        self.internal = self.conference("learning", "internal")
        self.private = self.conference("board", "private")
        for cid in (self.public, self.internal, self.private):
            conferences.set_conference_acl(self.svc, people.admin, SetConferenceAcl(
                cid, ((f"member:{mod_id}", "moderator"),)))
        self.thread, self.first = threads.start_thread(
            self.svc, people.staff, StartThread(self.internal, "Study circle", "Who is in?"))

    def conference(self, slug: str, visibility: str) -> str:
        return conferences.create_conference(self.svc, self.p.admin, CreateConference(
            slug, slug.title(), visibility, resume=f"About *{slug}*"))

    def reply(self, actor: Viewer, body: str = "reply", parent: str | None = None,
              thread_id: str | None = None) -> tuple[str, int]:
        return threads.post_reply(self.svc, actor, PostReply(
            thread_id or self.thread, parent or self.first, body))


@pytest.fixture
def world(backend: Backend, people: People) -> World:
    return World(backend, people)


# --- the list of handlers --------------------------------------------------

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
    """A new handler fails this until it has tests in this module."""
    public = {
        name for module in (articles, conferences, members, notifications, reading, rooms,
                            threads)
        for name, fn in inspect.getmembers(module, inspect.isfunction)
        if not name.startswith("_") and fn.__module__ == module.__name__
        and list(inspect.signature(fn).parameters)[:1] == ["svc"]
    }
    assert public == TESTED_HANDLERS


# --- members ---------------------------------------------------------------


def test_admins_register_members(backend: Backend, people: People) -> None:
    member_id = members.register_member(backend.services, people.admin, RegisterMember(
        " Grace ", "Grace H.", "grace@example.org", PASSWORD, "guest"))
    with conn(backend) as c:
        row = get_member(c, member_id)
        assert get_member_by_login(c, "GRACE@example.org") == row
    assert row is not None
    assert (row.handle, row.display_name, row.role, row.active) == ("grace", "Grace H.",
                                                                    "guest", True)
    assert backend.services.passwords.verify(row.password_hash, PASSWORD)
    [recorded] = backend.store.read_stream(f"member-{member_id}")
    assert recorded.event.invited_by == people.admin.member_id  # type: ignore[attr-defined]
    assert recorded.meta == {"actor": people.admin.member_id}


def test_the_system_registers_the_first_admin(backend: Backend) -> None:
    member_id = members.register_member(backend.services, members.SYSTEM, RegisterMember(
        "root", "Root", "root@example.org", PASSWORD, "admin"))
    [recorded] = backend.store.read_stream(f"member-{member_id}")
    assert recorded.event.invited_by is None  # type: ignore[attr-defined]


def test_bad_registrations_write_nothing(backend: Backend, people: People) -> None:
    for command, error in [
        (RegisterMember("SAM", "Sam 2", "s2@example.org", PASSWORD), Conflict),
        (RegisterMember("new", "New", "n@example.org", "short"), InvalidInput),
        (RegisterMember("-new", "New", "n@example.org", PASSWORD), InvalidInput),
        (RegisterMember("new", "New", "not-an-address", PASSWORD), InvalidInput),
        (RegisterMember("new", "New", "n@example.org", PASSWORD, "owner"), InvalidInput),
        (RegisterMember("new", "", "n@example.org", PASSWORD), InvalidInput),
    ]:
        refused(backend, error, lambda c=command: members.register_member(  # type: ignore[misc]
            backend.services, people.admin, c))


def test_only_admins_register_members(backend: Backend, people: People) -> None:
    command = RegisterMember("new", "New", "n@example.org", PASSWORD)
    for actor in (people.staff, people.guest, ANONYMOUS,
                  Viewer(people.admin.member_id, "admin", active=False)):
        refused(backend, Forbidden, lambda a=actor: members.register_member(  # type: ignore[misc]
            backend.services, a, command))


def test_an_invitation_is_accepted_once(backend: Backend, people: People) -> None:
    svc = backend.services
    token = members.issue_invitation(svc, people.admin, IssueInvitation("guest", " for Q3 "))
    with conn(backend) as c:
        invitation = get_invitation_by_hash(c, token_hash(token))
    assert invitation is not None
    assert (invitation.role, invitation.note, invitation.accepted_by) == ("guest", "for Q3", None)
    assert invitation.token_hash != token  # only the hash is kept

    accept = AcceptInvitation(token, "vera", "Vera", "vera@example.org", PASSWORD)
    member_id = members.accept_invitation(svc, accept)
    with conn(backend) as c:
        row = get_member(c, member_id)
        used = get_invitation_by_hash(c, token_hash(token))
    assert row is not None and row.role == "guest"
    assert used is not None and used.accepted_by == member_id and used.accepted_at is not None
    [registered] = backend.store.read_stream(f"member-{member_id}")
    assert registered.event.invited_by == people.admin.member_id  # type: ignore[attr-defined]

    again = AcceptInvitation(token, "vera2", "Vera", "vera2@example.org", PASSWORD)
    refused(backend, Conflict, lambda: members.accept_invitation(svc, again), match="already")


def test_a_second_use_racing_the_first_still_conflicts(backend: Backend, people: People,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    svc = backend.services
    token = members.issue_invitation(svc, people.admin, IssueInvitation())
    with conn(backend) as c:
        stale = get_invitation_by_hash(c, token_hash(token))
    members.accept_invitation(svc, AcceptInvitation(token, "one", "One", "1@example.org",
                                                         PASSWORD))
    # The second request read the invitation before the first was accepted.
    monkeypatch.setattr(members, "get_invitation_by_hash", lambda _c, _h: stale)
    error = refused(backend, ConcurrencyConflict, lambda: members.accept_invitation(
        svc, AcceptInvitation(token, "two", "Two", "2@example.org", PASSWORD)))
    assert str(error.details["stream_id"]).startswith("invitation-")
    with conn(backend) as c:
        assert get_member_by_handle(c, "two") is None


def test_bad_invitations(backend: Backend, people: People) -> None:
    svc = backend.services
    refused(backend, NotFound, lambda: members.accept_invitation(svc, AcceptInvitation(
        "forged", "x", "X", "x@example.org", PASSWORD)))
    refused(backend, Forbidden, lambda: members.issue_invitation(svc, people.staff,
                                                                 IssueInvitation()))
    refused(backend, InvalidInput, lambda: members.issue_invitation(
        svc, people.admin, IssueInvitation("owner")))
    refused(backend, InvalidInput, lambda: members.issue_invitation(
        svc, people.admin, IssueInvitation("staff", "bell\x07")))
    token = members.issue_invitation(svc, people.admin, IssueInvitation())
    # A taken handle or a bad password does not use the invitation up.
    refused(backend, Conflict, lambda: members.accept_invitation(svc, AcceptInvitation(
        token, "sam", "Sam", "s@example.org", PASSWORD)))
    refused(backend, InvalidInput, lambda: members.accept_invitation(svc, AcceptInvitation(
        token, "newbie", "New", "s@example.org", "short")))
    assert members.accept_invitation(svc, AcceptInvitation(
        token, "newbie", "New", "s@example.org", PASSWORD))
    with conn(backend) as c:
        [invitation] = c.execute(select(invitations)).all()  # the refused ones left no trace
    assert invitation.accepted_by is not None


def test_roles_and_activation(backend: Backend, people: People) -> None:
    svc, admin, sam = backend.services, people.admin, people.staff
    assert sam.member_id is not None
    members.change_member_role(svc, admin, ChangeMemberRole(sam.member_id, "guest"))
    members.deactivate_member(svc, admin, DeactivateMember(sam.member_id))
    with conn(backend) as c:
        row = get_member(c, sam.member_id)
    assert row is not None and (row.role, row.active) == ("guest", False)
    assert viewer_from_row(row) == Viewer(sam.member_id, "guest", active=False)
    members.reactivate_member(svc, admin, ReactivateMember(sam.member_id))
    with conn(backend) as c:
        assert get_member(c, sam.member_id).active  # type: ignore[union-attr]
    # Doing what is already so writes nothing.
    head = backend.store.head()
    members.reactivate_member(svc, admin, ReactivateMember(sam.member_id))
    members.change_member_role(svc, admin, ChangeMemberRole(sam.member_id, "guest"))
    assert backend.store.head() == head

    refused(backend, Forbidden, lambda: members.change_member_role(
        svc, people.other, ChangeMemberRole(sam.member_id or "", "admin")))
    refused(backend, Forbidden, lambda: members.deactivate_member(
        svc, people.other, DeactivateMember(sam.member_id or "")))
    refused(backend, Conflict, lambda: members.change_member_role(
        svc, admin, ChangeMemberRole(admin.member_id or "", "staff")))
    refused(backend, Conflict, lambda: members.deactivate_member(
        svc, admin, DeactivateMember(admin.member_id or "")))
    refused(backend, NotFound, lambda: members.deactivate_member(
        svc, admin, DeactivateMember("nobody")))


def test_profiles(backend: Backend, people: People) -> None:
    svc, sam = backend.services, people.staff
    members.update_profile(svc, sam, UpdateProfile(
        "Sam S.", bio="I teach SQL", skills=("SQL", "sql", "Go"), can_teach=("SQL",),
        share_read_history=False))
    with conn(backend) as c:
        row = get_member(c, sam.member_id or "")
    assert row is not None
    assert (row.display_name, row.bio, row.share_read_history) == ("Sam S.", "I teach SQL", False)
    assert tags(row.skills) == ["SQL", "Go"] and tags(row.interests) == []
    refused(backend, Forbidden, lambda: members.update_profile(svc, ANONYMOUS,
                                                               UpdateProfile("X")))
    refused(backend, InvalidInput, lambda: members.update_profile(svc, sam,
                                                                  UpdateProfile("")))


def test_change_password(backend: Backend, people: People) -> None:
    svc, sam = backend.services, people.staff
    refused(backend, Forbidden, lambda: members.change_password(
        svc, sam, ChangePassword("wrong password", "new password 123")))
    refused(backend, InvalidInput, lambda: members.change_password(
        svc, sam, ChangePassword(PASSWORD, "short")))
    refused(backend, Forbidden, lambda: members.change_password(
        svc, ANONYMOUS, ChangePassword(PASSWORD, "new password 123")))
    members.change_password(svc, sam, ChangePassword(PASSWORD, "new password 123"))
    with conn(backend) as c:
        row = get_member(c, sam.member_id or "")
    assert row is not None
    assert svc.passwords.verify(row.password_hash, "new password 123")
    assert not svc.passwords.verify(row.password_hash, PASSWORD)
    assert isinstance(last_event(backend), PasswordChanged)


def test_api_tokens_are_issued_and_revoked(backend: Backend, people: People) -> None:
    svc, sam = backend.services, people.staff
    token = members.issue_api_token(svc, sam, IssueApiToken(" my script "))
    with conn(backend) as c:
        assert get_member_by_token_hash(c, token_hash(token)).id == sam.member_id  # type: ignore[union-attr]
        assert get_member_by_token_hash(c, token) is None  # the hash, not the token
        [row] = list_api_tokens(c, sam.member_id or "")
    assert row.name == "my script" and row.revoked_at is None
    # Someone else cannot revoke it: it is not among their tokens.
    refused(backend, NotFound, lambda: members.revoke_api_token(
        svc, people.other, RevokeApiToken(row.id)))
    members.revoke_api_token(svc, sam, RevokeApiToken(row.id))
    with conn(backend) as c:
        assert get_member_by_token_hash(c, token_hash(token)) is None
        [revoked] = list_api_tokens(c, sam.member_id or "")
    assert revoked.revoked_at is not None
    refused(backend, NotFound, lambda: members.revoke_api_token(svc, sam,
                                                                RevokeApiToken(row.id)))
    refused(backend, InvalidInput, lambda: members.issue_api_token(svc, sam,
                                                                   IssueApiToken("")))


def test_a_deactivated_member_gets_no_token(backend: Backend, people: People) -> None:
    svc, sam = backend.services, people.staff
    members.deactivate_member(svc, people.admin, DeactivateMember(sam.member_id or ""))
    # Even with a session from before the deactivation.
    refused(backend, Forbidden, lambda: members.issue_api_token(svc, sam,
                                                                IssueApiToken("x")))
    refused(backend, Forbidden, lambda: members.issue_api_token(
        svc, Viewer(sam.member_id, "staff", active=False), IssueApiToken("x")))


# --- conferences -----------------------------------------------------------


def test_conferences_are_created_updated_and_listed(backend: Backend, people: People) -> None:
    svc, admin = backend.services, people.admin
    parent = conferences.create_conference(svc, admin, CreateConference(
        "Learning", "Learning", "internal", resume="How *we* learn"))
    child = conferences.create_conference(svc, admin, CreateConference(
        "talks", "Talks", "internal", parent_id=parent))
    with conn(backend) as c:
        row = get_conference(c, parent)
        assert get_conference_by_slug(c, "learning") == row
        listed = [(s.row.id, s.depth) for s in list_conferences(c, people.staff)]
    assert row is not None and row.slug == "learning" and "<em>we</em>" in row.resume_html
    assert listed == [(parent, 0), (child, 1)]

    conferences.update_conference(svc, admin, UpdateConference(
        parent, "Learning together", "New", "private", expected_version=1))
    with conn(backend) as c:
        row = get_conference(c, parent)
        assert [s.row.id for s in list_conferences(c, people.staff)] == [child]
    assert row is not None
    assert (row.name, row.resume, row.visibility, row.version) == (
        "Learning together", "New", "private", 2)
    error = refused(backend, ConcurrencyConflict, lambda: conferences.update_conference(
        svc, admin, UpdateConference(parent, "X", "", "private", expected_version=1)))
    assert error.details["current_version"] == 2


def test_bad_conferences_write_nothing(backend: Backend, people: People) -> None:
    svc, admin = backend.services, people.admin
    conferences.create_conference(svc, admin, CreateConference("taken", "T", "public"))
    refused(backend, Conflict, lambda: conferences.create_conference(
        svc, admin, CreateConference(" TAKEN ", "T", "public")))
    refused(backend, NotFound, lambda: conferences.create_conference(
        svc, admin, CreateConference("sub", "S", "public", parent_id="nope")))
    refused(backend, Forbidden, lambda: conferences.create_conference(
        svc, people.staff, CreateConference("mine", "M", "public")))
    refused(backend, InvalidInput, lambda: conferences.create_conference(
        svc, admin, CreateConference("ok", "O", "secret")))
    refused(backend, NotFound, lambda: conferences.update_conference(
        svc, admin, UpdateConference("nope", "X", "", "public")))


def test_access_lists(world: World) -> None:
    svc, p, backend = world.svc, world.p, world.backend
    entries = (("member:" + (p.guest.member_id or ""), "contributor"),
               ("member:" + (world.mod.member_id or ""), "moderator"))
    conferences.set_conference_acl(svc, world.mod, SetConferenceAcl(world.private, entries))
    with conn(backend) as c:
        access = conference_access(c, world.private)
        row = get_conference(c, world.private)
        assert world.private in readable_ids(c, p.guest)
        assert world.private not in readable_ids(c, p.staff)
        assert world.private in moderated_ids(c, world.mod)
    assert access is not None and access.acl == entries
    assert row is not None and json.loads(row.acl) == [list(e) for e in entries]

    refused(backend, Conflict, lambda: conferences.set_conference_acl(
        svc, world.mod, SetConferenceAcl(world.private, entries[:1])), match="your own")
    refused(backend, Forbidden, lambda: conferences.set_conference_acl(
        svc, p.guest, SetConferenceAcl(world.private, entries)))
    refused(backend, InvalidInput, lambda: conferences.set_conference_acl(
        svc, p.admin, SetConferenceAcl(world.private, (("user:x", "reader"),))))
    refused(backend, ConcurrencyConflict, lambda: conferences.set_conference_acl(
        svc, p.admin, SetConferenceAcl(world.private, (), expected_version=1)))
    # A moderator may rename but not change the visibility.
    conferences.update_conference(svc, world.mod, UpdateConference(
        world.private, "Board room", "", "private"))
    refused(backend, Forbidden, lambda: conferences.update_conference(
        svc, world.mod, UpdateConference(world.private, "Board", "", "public")))


# --- threads and posts -----------------------------------------------------


def test_start_and_reply(world: World) -> None:
    p, backend = world.p, world.backend
    post_id, seq = world.reply(p.other, "Me!")
    reply_id, reply_seq = world.reply(p.staff, "Great", parent=post_id)
    assert (seq, reply_seq) == (2, 3)
    with conn(backend) as c:
        row = get_thread(c, world.thread)
        posts = list_posts(c, world.thread)
        tree = list_reply_tree(c, world.thread)
    assert row is not None
    assert (row.subject, row.post_count, row.last_seq, row.author_id) == (
        "Study circle", 3, 3, p.staff.member_id)
    assert [(r.seq, r.body, r.parent_seq, r.author_handle) for r in posts] == [
        (1, "Who is in?", None, "sam"), (2, "Me!", 1, "oli"), (3, "Great", 2, "sam")]
    assert tree == [(1, 0), (2, 1), (3, 2)]
    assert "<p>Who is in?</p>" in posts[0].html  # rendered once, when projected
    assert world.first and reply_id


def test_bad_threads_and_replies_write_nothing(world: World) -> None:
    svc, p, backend = world.svc, world.p, world.backend
    refused(backend, NotFound, lambda: threads.start_thread(
        svc, p.staff, StartThread("nope", "S", "B")))
    refused(backend, NotFound, lambda: threads.start_thread(
        svc, p.guest, StartThread(world.internal, "S", "B")))
    refused(backend, NotFound, lambda: threads.start_thread(
        svc, p.staff, StartThread(world.private, "S", "B")))
    refused(backend, Forbidden, lambda: threads.start_thread(
        svc, p.guest, StartThread(world.public, "S", "B")))
    refused(backend, InvalidInput, lambda: threads.start_thread(
        svc, p.staff, StartThread(world.internal, "", "B")))
    refused(backend, InvalidInput, lambda: threads.start_thread(
        svc, p.staff, StartThread(world.internal, "S", "x" * 50_001)))
    refused(backend, NotFound, lambda: world.reply(p.staff, thread_id="nope"))
    refused(backend, NotFound, lambda: world.reply(p.staff, parent="nope"))
    refused(backend, NotFound, lambda: world.reply(p.guest))
    refused(backend, InvalidInput, lambda: world.reply(p.staff, "\x00"))


def test_edit_and_delete(world: World) -> None:
    svc, p, backend = world.svc, world.p, world.backend
    post_id, _ = world.reply(p.other, "v1")
    threads.edit_post(svc, p.other, EditPost(world.thread, post_id, "v2"))
    threads.edit_post(svc, world.mod, EditPost(world.thread, post_id, "v3",
                                                   expected_revision=2))
    with conn(backend) as c:
        post = get_post(c, post_id)
        history = list_revisions(c, post_id)
    assert post is not None and (post.body, post.revision) == ("v3", 3)
    assert post.edited_at is not None
    assert [(r.revision, r.body, r.editor_id) for r in history] == [
        (1, "v1", p.other.member_id), (2, "v2", p.other.member_id), (3, "v3", world.mod.member_id)]

    error = refused(backend, Conflict, lambda: threads.edit_post(
        svc, p.other, EditPost(world.thread, post_id, "v4", expected_revision=2)))
    assert error.details == {"current_revision": 3}
    refused(backend, Forbidden, lambda: threads.edit_post(
        svc, p.staff, EditPost(world.thread, post_id, "mine")))
    refused(backend, Forbidden, lambda: threads.delete_post(
        svc, p.staff, DeletePost(world.thread, post_id)))

    threads.delete_post(svc, p.other, DeletePost(world.thread, post_id))
    with conn(backend) as c:
        post = get_post(c, post_id)
        kept = c.execute(select(post_revisions.c.body)
                         .where(post_revisions.c.post_id == post_id)).scalars().all()
    assert post is not None and (post.body, post.html, post.deleted_by) == ("", "",
                                                                            p.other.member_id)
    assert kept == ["v1", "v2", "v3"]  # the revisions stay for moderators
    refused(backend, Conflict, lambda: threads.delete_post(
        svc, world.mod, DeletePost(world.thread, post_id)))
    refused(backend, Conflict, lambda: threads.edit_post(
        svc, world.mod, EditPost(world.thread, post_id, "back")))
    refused(backend, Conflict, lambda: world.reply(p.staff, parent=post_id), match="removed")
    refused(backend, NotFound, lambda: threads.edit_post(
        svc, p.staff, EditPost("nope", post_id, "x")))


def test_moderation(world: World) -> None:
    svc, p, backend, tid = world.svc, world.p, world.backend, world.thread
    post_id, _ = world.reply(p.other, "spam")
    threads.hide_post(svc, world.mod, HidePost(tid, post_id, "off topic"))
    with conn(backend) as c:
        post = get_post(c, post_id)
    assert post is not None
    assert (post.hidden_by, post.hidden_reason) == (world.mod.member_id, "off topic")
    refused(backend, Conflict, lambda: threads.hide_post(
        svc, world.mod, HidePost(tid, post_id, "again")))
    threads.unhide_post(svc, world.mod, UnhidePost(tid, post_id))
    with conn(backend) as c:
        post = get_post(c, post_id)
    assert post is not None and (post.hidden_by, post.hidden_reason) == (None, None)
    refused(backend, Conflict, lambda: threads.unhide_post(svc, world.mod,
                                                           UnhidePost(tid, post_id)))

    threads.lock_thread(svc, world.mod, LockThread(tid, "cooling off"))
    threads.pin_thread(svc, world.mod, PinThread(tid))
    with conn(backend) as c:
        row = get_thread(c, tid)
    assert row is not None and (row.locked, row.pinned) == (True, True)
    refused(backend, Forbidden, lambda: world.reply(p.staff, "but"), match="locked")
    world.reply(world.mod, "Closing this.")
    threads.unlock_thread(svc, p.admin, UnlockThread(tid))
    threads.unpin_thread(svc, p.admin, UnpinThread(tid))
    with conn(backend) as c:
        row = get_thread(c, tid)
    assert row is not None and (row.locked, row.pinned) == (False, False)
    world.reply(p.staff, "thanks")

    for call in (
        lambda: threads.hide_post(svc, p.staff, HidePost(tid, post_id, "x")),
        lambda: threads.unhide_post(svc, p.staff, UnhidePost(tid, post_id)),
        lambda: threads.lock_thread(svc, p.staff, LockThread(tid)),
        lambda: threads.unlock_thread(svc, p.staff, UnlockThread(tid)),
        lambda: threads.pin_thread(svc, p.staff, PinThread(tid)),
        lambda: threads.unpin_thread(svc, p.staff, UnpinThread(tid)),
        lambda: threads.move_thread(svc, p.staff, MoveThread(tid, world.public)),
    ):
        refused(backend, Forbidden, call)
    refused(backend, NotFound, lambda: threads.lock_thread(svc, p.admin,
                                                           LockThread("nope")))


def test_move_thread(world: World) -> None:
    svc, p, backend, tid = world.svc, world.p, world.backend, world.thread
    refused(backend, NotFound, lambda: threads.move_thread(svc, p.admin,
                                                           MoveThread(tid, "nope")))
    refused(backend, Conflict, lambda: threads.move_thread(
        svc, p.admin, MoveThread(tid, world.internal)))
    threads.move_thread(svc, world.mod, MoveThread(tid, world.private))
    with conn(backend) as c:
        row = get_thread(c, tid)
        assert [r.id for r in list_threads(c, world.private)] == [tid]
        assert count_threads(c, world.internal) == 0
    assert row is not None and row.conference_id == world.private
    # Now it answers to the private conference's rules.
    refused(backend, NotFound, lambda: world.reply(p.other))
    assert world.reply(world.mod)


# --- reading ---------------------------------------------------------------


def unread(backend: Backend, viewer: Viewer, world: World) -> tuple[int, int]:
    with conn(backend) as c:
        by_thread = unread_by_thread(c, viewer, [world.thread])
        by_conference = unread_by_conference(c, viewer, [world.internal])
    return by_thread.get(world.thread, 0), by_conference.get(world.internal, 0)


def test_unread_counts_and_markers(world: World) -> None:
    svc, p, backend, tid = world.svc, world.p, world.backend, world.thread
    oli = p.other
    assert unread(backend, oli, world) == (1, 1)
    assert unread(backend, p.staff, world) == (0, 0)  # own posts never count
    for n in range(2, 7):
        world.reply(p.staff if n % 2 else p.admin, f"post {n}")
    mine, _ = world.reply(oli, "my own")
    assert unread(backend, oli, world) == (6, 6)

    reading.mark_thread_read(svc, oli, MarkThreadRead(tid, up_to_seq=3))
    assert unread(backend, oli, world) == (3, 3)
    with conn(backend) as c:
        assert get_read_marker(c, oli.member_id, tid) == 3

    reading.mark_unread_from(svc, oli, MarkUnreadFrom(tid, 2))
    assert unread(backend, oli, world) == (5, 5)
    head = backend.store.head()
    reading.mark_thread_read(svc, oli, MarkThreadRead(tid, up_to_seq=1))  # never backwards
    reading.mark_unread_from(svc, oli, MarkUnreadFrom(tid, 4))  # already unread there
    assert backend.store.head() == head

    # Removed and hidden posts are not waiting to be read.
    with conn(backend) as c:
        fourth, fifth = [r.id for r in list_posts(c, tid, seqs=[4, 5])]
    threads.delete_post(svc, world.mod, DeletePost(tid, fourth))
    threads.hide_post(svc, world.mod, HidePost(tid, fifth, "spam"))
    assert unread(backend, oli, world) == (3, 3)

    reading.mark_thread_read(svc, oli, MarkThreadRead(tid))
    assert unread(backend, oli, world) == (0, 0)
    with conn(backend) as c:
        assert get_read_marker(c, oli.member_id, tid) == 7
        assert get_next_unread(c, oli) is None
    assert mine

    refused(backend, InvalidInput, lambda: reading.mark_unread_from(
        svc, oli, MarkUnreadFrom(tid, 99)))
    refused(backend, Forbidden, lambda: reading.mark_thread_read(
        svc, ANONYMOUS, MarkThreadRead(tid)))
    refused(backend, NotFound, lambda: reading.mark_thread_read(
        svc, p.guest, MarkThreadRead(tid)))
    refused(backend, NotFound, lambda: reading.mark_thread_read(
        svc, oli, MarkThreadRead("nope")))


def test_unread_counts_have_no_cap(world: World) -> None:
    stream, author = threads.stream(world.thread), world.p.staff.member_id or ""
    many = [ReplyPosted(world.thread, f"bulk{n}", n, world.first, author, f"post {n}")
            for n in range(2, 252)]
    world.backend.store.append(stream, many, expected_version=1)
    assert unread(world.backend, world.p.other, world) == (251, 251)
    reading.mark_thread_read(world.svc, world.p.other, MarkThreadRead(world.thread, 200))
    assert unread(world.backend, world.p.other, world) == (51, 51)


def test_next_unread_goes_across_conferences_in_log_order(world: World) -> None:
    svc, p, backend = world.svc, world.p, world.backend
    oli = p.other
    public_thread, public_first = threads.start_thread(
        svc, p.staff, StartThread(world.public, "Open day", "Come"))
    private_thread, _ = threads.start_thread(
        svc, p.admin, StartThread(world.private, "Secret", "Hush"))

    def next_unread() -> tuple[str, int] | None:
        with conn(backend) as c:
            row = get_next_unread(c, oli)
        return None if row is None else (row.thread_id, row.seq)

    assert next_unread() == (world.thread, 1)
    reading.mark_thread_read(svc, oli, MarkThreadRead(world.thread))
    assert next_unread() == (public_thread, 1)
    world.reply(p.staff, "later")  # a newer post in the first thread
    reading.mark_thread_read(svc, oli, MarkThreadRead(public_thread))
    assert next_unread() == (world.thread, 2)
    reading.mark_thread_read(svc, oli, MarkThreadRead(world.thread))
    assert next_unread() is None  # the private thread is not oli's to read
    with conn(backend) as c:
        assert get_next_unread(c, world.mod) is not None
        assert get_next_unread(c, ANONYMOUS) is None
        assert unread_by_thread(c, ANONYMOUS, [world.thread]) == {}
    assert private_thread and public_first


def test_mark_conference_read(world: World) -> None:
    svc, p, backend = world.svc, world.p, world.backend
    oli = p.other
    second, _ = threads.start_thread(svc, p.admin, StartThread(world.internal, "Two", "2"))
    world.reply(p.admin, "more")
    threads.start_thread(svc, oli, StartThread(world.internal, "Mine", "mine"))
    reading.mark_thread_read(svc, oli, MarkThreadRead(world.thread, up_to_seq=1))
    with conn(backend) as c:
        summary = {s.row.id: s for s in list_conferences(c, oli)}[world.internal]
    assert (summary.threads, summary.posts, summary.unread) == (3, 4, 2)

    # Three threads: one partly read, one unread, and oli's own (which moves too).
    assert reading.mark_conference_read(svc, oli, MarkConferenceRead(world.internal)) == 3
    assert unread(backend, oli, world) == (0, 0)
    with conn(backend) as c:
        assert get_read_marker(c, oli.member_id, second) == 1
    head = backend.store.head()
    assert reading.mark_conference_read(svc, oli, MarkConferenceRead(world.internal)) == 0
    assert backend.store.head() == head
    refused(backend, NotFound, lambda: reading.mark_conference_read(
        svc, oli, MarkConferenceRead(world.private)))
    refused(backend, Forbidden, lambda: reading.mark_conference_read(
        svc, ANONYMOUS, MarkConferenceRead(world.public)))


def test_who_read_a_post_respects_share_read_history(world: World) -> None:
    svc, p, backend, tid = world.svc, world.p, world.backend, world.thread
    world.reply(p.staff, "second")
    world.reply(p.staff, "third")
    reading.mark_thread_read(svc, p.other, MarkThreadRead(tid, up_to_seq=2))
    reading.mark_thread_read(svc, p.admin, MarkThreadRead(tid))
    reading.mark_thread_read(svc, world.mod, MarkThreadRead(tid))

    def readers(seq: int) -> list[str]:
        with conn(backend) as c:
            return sorted(r.handle for r in list_readers(c, tid, seq))

    assert readers(2) == ["ada", "mo", "oli"]
    assert readers(3) == ["ada", "mo"]
    members.update_profile(svc, world.mod, UpdateProfile("Mo", share_read_history=False))
    assert readers(2) == ["ada", "oli"]
    # Marking unread and reading again does not list anyone twice; the first read counts.
    with conn(backend) as c:
        first_read = {r.handle: r.read_at for r in list_readers(c, tid, 2)}
    reading.mark_unread_from(svc, p.other, MarkUnreadFrom(tid, 1))
    reading.mark_thread_read(svc, p.other, MarkThreadRead(tid))
    assert readers(2) == ["ada", "oli"] and readers(3) == ["ada", "oli"]
    with conn(backend) as c:
        again = {r.handle: r.read_at for r in list_readers(c, tid, 2)}
    assert again["oli"] == first_read["oli"]


# --- rooms -----------------------------------------------------------------


def test_a_room_lives_through_its_handlers(backend: Backend, people: People) -> None:
    svc, sam, oli, ada = backend.services, people.staff, people.other, people.admin
    room_id = rooms.create_room(svc, sam, CreateRoom("Lounge", "lounge", "Coffee"))
    rooms.join_room(svc, oli, JoinRoom(room_id))
    first, seq = rooms.post_message(svc, sam, PostMessage(room_id, "Morning"))
    second, seq2 = rooms.post_message(svc, oli, PostMessage(room_id, "Hi", first))
    assert (seq, seq2) == (1, 2)
    rooms.edit_message(svc, oli, EditMessage(room_id, second, "Hello"))
    rooms.react(svc, sam, React(room_id, second, "👍"))
    rooms.set_room_topic(svc, oli, SetRoomTopic(room_id, "Tea"))
    rooms.rename_room(svc, sam, RenameRoom(room_id, "Café"))
    rooms.delete_message(svc, ada, DeleteMessage(room_id, first))
    rooms.mark_room_read(svc, oli, MarkRoomRead(room_id))
    rooms.leave_room(svc, oli, LeaveRoom(room_id))
    rooms.archive_room(svc, sam, ArchiveRoom(room_id))
    rooms.unarchive_room(svc, sam, UnarchiveRoom(room_id))
    with conn(backend) as c:
        row = get_room(c, room_id)
        assert (row.name, row.topic, row.archived, row.last_seq) == ("Café", "Tea", False, 2)
        shown = list_messages(c, room_id)
        assert [(m.seq, m.body, m.deleted_by) for m in shown] == [
            (1, "", ada.member_id), (2, "Hello", None)]
        assert shown[1].reply_seq == 1
        assert reactions_for(c, [second]) == {second: [("👍", ["sam"])]}
        assert get_room_marker(c, oli.member_id, room_id) == 2
        assert room_member_ids(c, room_id) == [sam.member_id]
        # The read model's state is the state the events define.
        state, _ = room_state(c, room_id, [first, second])
    replayed = room_model.load(room_id, [r.event for r in backend.store.read_stream(
        f"room-{room_id}")])
    assert state == replayed


def test_private_rooms_and_direct_conversations(backend: Backend, people: People) -> None:
    svc, sam, oli, gus = backend.services, people.staff, people.other, people.guest
    secret = rooms.create_room(svc, sam, CreateRoom("Hiring", "hiring", visibility="private"))
    with pytest.raises(NotFound):
        rooms.post_message(svc, oli, PostMessage(secret, "let me in"))
    rooms.add_room_member(svc, sam, AddRoomMember(secret, gus.member_id or ""))
    rooms.post_message(svc, gus, PostMessage(secret, "thanks"))
    rooms.remove_room_member(svc, sam, RemoveRoomMember(secret, gus.member_id or ""))
    with pytest.raises(NotFound):
        rooms.post_message(svc, gus, PostMessage(secret, "still here?"))
    dm = rooms.open_direct_room(svc, sam, OpenDirectRoom((oli.member_id or "",)))
    assert rooms.open_direct_room(svc, oli, OpenDirectRoom((sam.member_id or "",))) == dm
    with pytest.raises(NotFound):
        rooms.post_message(svc, people.admin, PostMessage(dm, "admins read everything?"))
    with pytest.raises(InvalidInput):
        rooms.open_direct_room(svc, sam, OpenDirectRoom(("nobody",)))
    with pytest.raises(Conflict):
        rooms.create_room(svc, oli, CreateRoom("Again", "hiring"))


def test_concurrent_messages_in_one_room_all_land_numbered_once(
        backend: Backend, people: People) -> None:
    import threading

    svc = backend.services
    room_id = rooms.create_room(svc, people.staff, CreateRoom("Busy", "busy"))
    errors: list[BaseException] = []

    def talk(actor: Viewer, n: int) -> None:
        try:
            for i in range(n):
                rooms.post_message(svc, actor, PostMessage(room_id, f"{actor.member_id} {i}"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    workers = [threading.Thread(target=talk, args=(a, 15))
               for a in (people.staff, people.other, people.admin)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    with conn(backend) as c:
        seqs = [m.seq for m in list_messages(c, room_id, limit=100)]
    assert seqs == list(range(1, 46))


# --- notifications -------------------------------------------------------------


def _inbox(backend: Backend, viewer: Viewer) -> list[tuple[str, str]]:
    with conn(backend) as c:
        return [(n.row.kind, n.where) for n in list_notifications(c, viewer)]


def test_mentions_replies_and_direct_messages_notify(
        backend: Backend, people: People, world: World) -> None:
    svc, sam, oli = backend.services, people.staff, people.other
    p2, _ = world.reply(oli, "Hi @sam and @gus")  # gus is a guest: internal is not his
    world.reply(sam, "Hello", parent=p2)
    dm = rooms.open_direct_room(svc, sam, OpenDirectRoom((oli.member_id or "",)))
    rooms.post_message(svc, sam, PostMessage(dm, "psst"))
    assert _inbox(backend, sam) == [("mention", "Study circle")]
    assert _inbox(backend, oli) == [("direct", "Sam"), ("reply", "Study circle")]
    assert _inbox(backend, people.guest) == []  # may not read it: never told of it


def test_watch_levels_decide_what_is_heard(backend: Backend, people: People,
                                           world: World) -> None:
    svc, sam, oli = backend.services, people.staff, people.other
    notifications.set_watch_level(svc, oli, SetWatchLevel(
        "conference", world.internal, "watching"))
    threads.start_thread(svc, sam, StartThread(world.internal, "Lunch", "Where?"))
    world.reply(sam, "More")
    assert [kind for kind, _ in _inbox(backend, oli)] == ["post", "thread"]
    notifications.set_watch_level(svc, oli, SetWatchLevel("thread", world.thread, "muted"))
    world.reply(sam, "Anyone @oli?")
    assert len(_inbox(backend, oli)) == 2  # muted: not even the mention
    with pytest.raises(InvalidInput):
        notifications.set_watch_level(svc, oli, SetWatchLevel("thread", world.thread, "x"))
    with pytest.raises(NotFound):
        notifications.set_watch_level(svc, people.guest, SetWatchLevel(
            "conference", world.private, "watching"))


def test_reading_notifications_one_or_all(backend: Backend, people: People,
                                          world: World) -> None:
    svc, sam, oli = backend.services, people.staff, people.other
    for i in range(3):
        world.reply(oli, f"@sam number {i}")
    with conn(backend) as c:
        unread, newest = notification_positions(c, sam.member_id or "")
    assert len(unread) == 3
    notifications.mark_notifications_read(svc, sam, MarkNotificationsRead(min(unread)))
    with conn(backend) as c:
        assert count_unread_notifications(c, sam) == 2
    notifications.mark_notifications_read(svc, sam, MarkNotificationsRead())
    with conn(backend) as c:
        assert count_unread_notifications(c, sam) == 0
    before = backend.store.head()
    notifications.mark_notifications_read(svc, sam, MarkNotificationsRead())
    notifications.mark_notifications_read(svc, sam, MarkNotificationsRead(newest + 99))
    assert backend.store.head() == before  # nothing to read: nothing appended


def test_a_notice_goes_when_its_place_is_no_longer_readable(
        backend: Backend, people: People, world: World) -> None:
    svc, mod, oli = backend.services, world.mod, people.other
    tid, first = threads.start_thread(svc, mod, StartThread(
        world.private, "Board", "Hello @oli"))  # oli may not read the board
    assert _inbox(backend, oli) == []
    mod_entry = (f"member:{mod.member_id}", "moderator")
    conferences.set_conference_acl(svc, people.admin, SetConferenceAcl(
        world.private, (mod_entry, (f"member:{oli.member_id}", "reader"))))
    threads.post_reply(svc, mod, PostReply(tid, first, "Now you can, @oli"))
    assert _inbox(backend, oli) == [("mention", "Board")]
    conferences.set_conference_acl(svc, people.admin, SetConferenceAcl(
        world.private, (mod_entry,)))
    assert _inbox(backend, oli) == []


def test_chat_moved_to_a_thread_keeps_authors_times_and_replies(
        backend: Backend, people: People, world: World) -> None:
    svc, sam, oli = backend.services, people.staff, people.other
    room_id = rooms.create_room(svc, sam, CreateRoom("Lounge", "lounge"))
    first, _ = rooms.post_message(svc, sam, PostMessage(room_id, "Shall we meet?"))
    rooms.post_message(svc, oli, PostMessage(room_id, "Thursday", reply_to=first))
    rooms.post_message(svc, sam, PostMessage(room_id, "Deal"))
    thread_id = rooms.move_messages_to_thread(svc, sam, MoveMessagesToThread(
        room_id, 1, 2, world.internal, "When we meet"))
    with conn(backend) as c:
        thread = get_thread(c, thread_id)
        posts = list_posts(c, thread_id)
        said = list_messages(c, room_id)
    assert (thread.subject, thread.post_count, thread.author_id) == (
        "When we meet", 2, sam.member_id)
    assert [(p.seq, p.author_id, p.body, p.parent_seq) for p in posts] == [
        (1, sam.member_id, "Shall we meet?", None), (2, oli.member_id, "Thursday", 1)]
    assert [p.created_at for p in posts] == [m.created_at for m in said[:2]]
    assert [m.moved_to for m in said] == [thread_id, thread_id, None]
    # The thread carries on like any other; the moved messages take no more changes.
    threads.post_reply(svc, oli, PostReply(thread_id, posts[1].id, "See you"))
    with pytest.raises(Conflict):
        rooms.edit_message(svc, sam, EditMessage(room_id, first, "x"))
    with pytest.raises(Forbidden):
        rooms.move_messages_to_thread(svc, oli, MoveMessagesToThread(
            room_id, 3, 3, world.internal, "Not mine to move"))


def test_new_replies_in_a_watched_thread_make_one_notice_until_it_is_read(
        backend: Backend, people: People, world: World) -> None:
    svc, sam, oli = backend.services, people.staff, people.other
    notifications.set_watch_level(svc, oli, SetWatchLevel("thread", world.thread,
                                                              "watching"))
    for n in range(3):
        world.reply(sam, f"reply {n}")
    assert _inbox(backend, oli) == [("post", "Study circle")]
    notifications.mark_notifications_read(svc, oli, MarkNotificationsRead())
    world.reply(sam, "after reading")
    assert _inbox(backend, oli) == [("post", "Study circle")] * 2


# --- the fediverse opt-in ------------------------------------------------------------


def test_members_opt_in_to_the_fediverse_and_out(backend: Backend, people: People) -> None:
    svc = backend.services
    members.set_fediverse_profile(svc, people.staff, SetFediverseProfile(True))
    with conn(backend) as c:
        assert get_member(c, people.staff.member_id or "").fediverse is True
    head = backend.store.head()
    members.set_fediverse_profile(svc, people.staff, SetFediverseProfile(True))
    assert backend.store.head() == head  # the same choice again writes nothing
    members.set_fediverse_profile(svc, people.staff, SetFediverseProfile(False))
    with conn(backend) as c:
        assert get_member(c, people.staff.member_id or "").fediverse is False
    refused(backend, Forbidden, lambda: members.set_fediverse_profile(
        svc, ANONYMOUS, SetFediverseProfile(True)))


# --- publishing ------------------------------------------------------------------------


def test_a_thread_is_proposed_reviewed_and_published(backend: Backend, people: People,
                                                     world: World) -> None:
    svc = backend.services
    second, _ = world.reply(people.other, "Me, **too**")
    hidden, _ = world.reply(people.other, "hidden-words")
    threads.hide_post(svc, world.mod, HidePost(world.thread, hidden, "off topic"))
    article_id = articles.propose_article(svc, people.other, ProposeArticle(
        "thread", world.thread, tags=("Learning",)))
    with conn(backend) as c:
        row = article_queries.get_article(c, article_id)
    assert row is not None
    assert (row.status, row.title, row.author_id, row.proposed_by) == (
        "proposed", "Study circle", people.staff.member_id, people.other.member_id)
    assert row.body == "Who is in?\n\n---\n\n**Oli** wrote:\n\nMe, **too**"
    assert "hidden-words" not in row.body and "<strong>too</strong>" in row.html
    assert json.loads(row.tags) == ["learning"]

    articles.send_back_article(svc, world.mod, SendBackArticle(article_id, "Shorter?"))
    articles.revise_article(svc, people.other, ReviseArticle(
        article_id, "Circles", "Why", "Short.", ("learning",), expected_revision=1))
    articles.resubmit_article(svc, people.other, ResubmitArticle(article_id))
    assert articles.approve_article(svc, world.mod, ApproveArticle(article_id)) == "circles"
    with conn(backend) as c:
        row = article_queries.get_article(c, article_id)
        assert [a.id for a in article_queries.list_published(c, tag="learning")] == [article_id]
    assert (row.status, row.slug, row.summary, row.html.strip(), row.revision) == (
        "published", "circles", "Why", "<p>Short.</p>", 2)
    assert row.comment is None and row.reviewed_by == world.mod.member_id

    # A second article with the same title gets the next free address.
    other = articles.propose_article(svc, people.staff, ProposeArticle(
        "post", second, title="Circles"))
    assert articles.approve_article(svc, people.admin, ApproveArticle(other)) == "circles-2"
    articles.unpublish_article(svc, people.admin, UnpublishArticle(other, "Duplicate"))
    with conn(backend) as c:
        gone = article_queries.get_article_by_slug(c, "circles-2")
    assert gone.status == "unpublished" and gone.body == "" and gone.html == ""
    assert gone.unpublish_reason == "Duplicate"


def test_proposing_what_is_not_there_or_not_readable_writes_nothing(
        backend: Backend, people: People, world: World) -> None:
    svc = backend.services
    removed, _ = world.reply(people.other, "oops")
    threads.delete_post(svc, people.other, DeletePost(world.thread, removed))
    refused(backend, NotFound, lambda: articles.propose_article(
        svc, people.staff, ProposeArticle("post", removed)))
    refused(backend, NotFound, lambda: articles.propose_article(
        svc, people.staff, ProposeArticle("thread", "nothing")))
    refused(backend, NotFound, lambda: articles.propose_article(
        svc, people.guest, ProposeArticle("thread", world.thread)))  # guests: internal
    refused(backend, NotFound, lambda: articles.propose_article(
        svc, people.staff, ProposeArticle("talk", "t1")), match="no such talk")
    refused(backend, InvalidInput, lambda: articles.propose_article(
        svc, people.staff, ProposeArticle("digest", "2026-11")), match="digest")
    refused(backend, InvalidInput, lambda: articles.propose_article(
        svc, people.staff, ProposeArticle("room", world.thread)))


def test_review_follows_the_thread_to_its_new_conference(
        backend: Backend, people: People, world: World) -> None:
    svc = backend.services
    article_id = articles.propose_article(svc, people.staff, ProposeArticle(
        "thread", world.thread))
    threads.move_thread(svc, people.admin, MoveThread(world.thread, world.private))
    refused(backend, NotFound, lambda: articles.approve_article(
        svc, people.staff, ApproveArticle(article_id)))  # sam cannot read it there
    articles.approve_article(svc, world.mod, ApproveArticle(article_id))
    refused(backend, NotFound, lambda: articles.approve_article(
        svc, people.admin, ApproveArticle("nothing")))
