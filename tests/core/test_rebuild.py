"""Every read model is disposable: a rebuild from the log gives exactly the same tables."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, inspect, select, text, update

from federation.follows import handlers as follows
from federation.follows.commands import (
    AcceptFollow,
    RejectFollow,
    RequestFollow,
    SetFollowPolicy,
    UndoFollow,
)
from federation.inbound import handlers as inbound
from federation.inbound.commands import (
    BlockDomain,
    DeleteRemoteReply,
    EditRemoteReply,
    ReceiveRemoteReply,
    SetFederationPolicy,
    SetFederationStyle,
    UnblockDomain,
)
from forum.backend import Backend
from forum.core.db import metadata, write_connection
from forum.core.permissions import Viewer
from forum.features.articles import handlers as articles
from forum.features.articles.commands import (
    ApproveArticle,
    ProposeArticle,
    ResubmitArticle,
    ReviseArticle,
    SendBackArticle,
    UnpublishArticle,
)
from forum.features.circles import handlers as circles
from forum.features.circles.commands import (
    AddCircleMember,
    AnswerJoinRequest,
    ArchiveCircle,
    ChangeCircleCadence,
    JoinCircle,
    LeaveCircle,
    NameCircleOrganiser,
    RecordCircleSession,
    SetReadingList,
    StartCircle,
)
from forum.features.conferences import handlers as conferences
from forum.features.conferences.commands import CreateConference, SetConferenceAcl, UpdateConference
from forum.features.kudos import handlers as kudos
from forum.features.kudos.commands import ChooseTilConference, GiveKudos, PostTil, WithdrawKudos
from forum.features.members import handlers as members
from forum.features.members.commands import (
    AcceptInvitation,
    ChangeMemberRole,
    ChangePassword,
    DeactivateMember,
    IssueApiToken,
    IssueInvitation,
    ReactivateMember,
    RevokeApiToken,
    SetFediverseProfile,
    UpdateProfile,
)
from forum.features.members.tables import members as members_table
from forum.features.notifications import handlers as notifications
from forum.features.notifications.commands import MarkNotificationsRead, SetWatchLevel
from forum.features.reading import handlers as reading
from forum.features.reading.commands import MarkConferenceRead, MarkThreadRead, MarkUnreadFrom
from forum.features.reading.tables import read_markers
from forum.features.rooms import handlers as rooms
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
)
from forum.features.rotas import handlers as rotas
from forum.features.rotas.commands import (
    AnswerSwap,
    ApproveWriteUp,
    CancelSlot,
    CreateRota,
    IssueCalendarFeed,
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
from forum.features.skills import handlers as skills
from forum.features.skills.commands import (
    AskForMentoring,
    ListSkills,
    OfferMentoring,
    WithdrawMentoring,
)
from forum.features.teamdays import handlers as teamdays
from forum.features.teamdays.commands import (
    AddSession,
    CreateTeamDay,
    JoinSession,
    LeaveSession,
    PlanFollowUp,
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
from forum.features.threads.tables import posts
from tests.conftest import PASSWORD, People

Snapshot = dict[str, list[tuple[Any, ...]]]


def snapshot(backend: Backend) -> Snapshot:
    """Every row of every projection's tables, in a stable order."""
    result: Snapshot = {}
    with backend.engine.connect() as conn:
        for projection in backend.projections.items:
            for table in projection.tables:
                rows = [tuple(row) for row in conn.execute(select(table))]
                result[f"{projection.name}.{table.name}"] = sorted(rows, key=repr)
    return result


def schema(backend: Backend) -> dict[str, Any]:
    """The read models' columns, keys and indexes (on SQLite, the exact SQL of all)."""
    found: dict[str, Any] = {}
    inspector = inspect(backend.engine)
    for table in [t.name for p in backend.projections.items for t in p.tables]:
        # As text: column types and index predicates are objects that compare
        # by identity; their SQL says what they are.
        found[table] = json.dumps([
            inspector.get_columns(table), inspector.get_pk_constraint(table),
            inspector.get_unique_constraints(table),
            sorted(inspector.get_indexes(table), key=lambda index: str(index["name"]))],
            default=str, sort_keys=True)
    if backend.engine.dialect.name == "sqlite":
        with backend.engine.connect() as conn:
            found["sqlite_master"] = sorted(conn.execute(text(
                "SELECT type, name, tbl_name, sql FROM sqlite_master")).all())
    return found


def live_a_little(backend: Backend, people: People) -> None:
    """A realistic stretch of forum life, through the real handlers only."""
    svc, admin, sam, oli, gus = (backend.services, people.admin, people.staff, people.other,
                                 people.guest)
    # Members: an invitation used and one still open, roles, profiles, passwords, tokens.
    token = members.issue_invitation(svc, admin, IssueInvitation("staff", "welcome"))
    vera = Viewer(members.accept_invitation(svc, AcceptInvitation(
        token, "vera", "Vera", "vera@example.org", PASSWORD)), "staff")
    members.issue_invitation(svc, admin, IssueInvitation("guest", "still open"))
    members.change_member_role(svc, admin, ChangeMemberRole(vera.member_id or "", "admin"))
    vera = Viewer(vera.member_id, "admin")
    members.deactivate_member(svc, admin, DeactivateMember(gus.member_id or ""))
    members.reactivate_member(svc, vera, ReactivateMember(gus.member_id or ""))
    members.update_profile(svc, sam, UpdateProfile(
        "Sam S.", bio="I teach *SQL*", skills=("SQL", "Go"), interests=("Rust",),
        can_teach=("SQL",)))
    members.update_profile(svc, oli, UpdateProfile("Oli", share_read_history=False))
    members.set_fediverse_profile(svc, sam, SetFediverseProfile(True))
    members.set_fediverse_profile(svc, oli, SetFediverseProfile(True))
    members.set_fediverse_profile(svc, oli, SetFediverseProfile(False))
    members.change_password(svc, oli, ChangePassword(PASSWORD, "another long password"))
    members.issue_api_token(svc, sam, IssueApiToken("script"))
    members.issue_api_token(svc, sam, IssueApiToken("old"))
    old = [e.event for e in backend.store.read_stream(f"member-{sam.member_id}")][-1]
    members.revoke_api_token(svc, sam, RevokeApiToken(old.token_id))  # type: ignore[attr-defined]

    # Conferences with a tree, an update and ordered access lists.
    public = conferences.create_conference(svc, admin, CreateConference(
        "open-day", "Open day", "public", resume="Everyone *welcome*"))
    internal = conferences.create_conference(svc, admin, CreateConference(
        "learning", "Learning", "internal"))
    talks = conferences.create_conference(svc, admin, CreateConference(
        "talks", "Talks", "internal", parent_id=internal))
    private = conferences.create_conference(svc, admin, CreateConference(
        "board", "Board", "private"))
    conferences.set_conference_acl(svc, admin, SetConferenceAcl(private, (
        (f"member:{gus.member_id}", "contributor"), (f"member:{sam.member_id}", "moderator"),
        ("role:staff", "reader"))))
    conferences.set_conference_acl(svc, admin, SetConferenceAcl(internal, (
        (f"member:{sam.member_id}", "moderator"),)))
    conferences.update_conference(svc, sam, UpdateConference(
        internal, "Learning together", "How we *learn*", "internal"))

    # Threads: replies in a tree, edits, removals, hiding, locks, pins and a move.
    tid, first = threads.start_thread(svc, sam, StartThread(
        internal, "Study circle", "Who is **in**?"))
    p2, _ = threads.post_reply(svc, oli, PostReply(tid, first, "Me, @sam"))
    p3, _ = threads.post_reply(svc, vera, PostReply(tid, p2, "And me"))
    p4, _ = threads.post_reply(svc, sam, PostReply(tid, first, "Great <script>x</script>"))
    threads.post_reply(svc, oli, PostReply(tid, p3, "Thursdays?"))
    threads.edit_post(svc, oli, EditPost(tid, p2, "Me too, @sam"))
    threads.edit_post(svc, sam, EditPost(tid, p2, "Me too, @sam (tidied)",
                                             expected_revision=2))
    threads.delete_post(svc, vera, DeletePost(tid, p3))
    threads.hide_post(svc, sam, HidePost(tid, p4, "off topic"))
    threads.unhide_post(svc, sam, UnhidePost(tid, p4))
    threads.hide_post(svc, sam, HidePost(tid, p4, "really off topic"))
    threads.lock_thread(svc, sam, LockThread(tid, "decided"))
    threads.pin_thread(svc, sam, PinThread(tid))
    threads.post_reply(svc, sam, PostReply(tid, first, "Locked: Thursdays it is."))
    threads.unlock_thread(svc, admin, UnlockThread(tid))

    t2, t2_first = threads.start_thread(svc, oli, StartThread(public, "Open day", "Come"))
    threads.post_reply(svc, sam, PostReply(t2, t2_first, "Yes"))
    threads.pin_thread(svc, admin, PinThread(t2))
    threads.unpin_thread(svc, admin, UnpinThread(t2))
    threads.move_thread(svc, admin, MoveThread(t2, talks))

    t3, t3_first = threads.start_thread(svc, gus, StartThread(private, "Budget", "Q3"))
    threads.post_reply(svc, sam, PostReply(t3, t3_first, "Noted"))

    # Reading: partial, whole, back again, and a whole conference at once.
    reading.mark_thread_read(svc, oli, MarkThreadRead(tid, up_to_seq=2))
    reading.mark_thread_read(svc, oli, MarkThreadRead(tid))
    reading.mark_unread_from(svc, oli, MarkUnreadFrom(tid, 3))
    reading.mark_thread_read(svc, vera, MarkThreadRead(tid))
    reading.mark_thread_read(svc, gus, MarkThreadRead(t3))
    reading.mark_conference_read(svc, sam, MarkConferenceRead(internal))
    reading.mark_conference_read(svc, sam, MarkConferenceRead(talks))
    reading.mark_unread_from(svc, sam, MarkUnreadFrom(t2, 1))

    # Rooms: standalone, private, attached to a conference, direct; messages with
    # replies, edits, deletions and reactions; members coming and going; markers.
    lounge = rooms.create_room(svc, sam, CreateRoom("Lounge", "lounge", topic="Coffee"))
    rooms.join_room(svc, oli, JoinRoom(lounge))
    m1, _ = rooms.post_message(svc, sam, PostMessage(lounge, "Morning **all**"))
    m2, _ = rooms.post_message(svc, oli, PostMessage(lounge, "Hi @sam", reply_to=m1))
    rooms.edit_message(svc, oli, EditMessage(lounge, m2, "Hello @sam"))
    rooms.react(svc, sam, React(lounge, m2, "👍"))
    rooms.react(svc, oli, React(lounge, m1, "🎉"))
    rooms.react(svc, oli, React(lounge, m1, "🎉"))  # taken back
    rooms.react(svc, oli, React(lounge, m1, "👀"))
    m3, _ = rooms.post_message(svc, oli, PostMessage(lounge, "oops"))
    rooms.delete_message(svc, oli, DeleteMessage(lounge, m3))
    rooms.set_room_topic(svc, oli, SetRoomTopic(lounge, "Coffee and code"))
    rooms.rename_room(svc, sam, RenameRoom(lounge, "The lounge"))
    rooms.mark_room_read(svc, oli, MarkRoomRead(lounge, up_to_seq=1))
    rooms.mark_room_read(svc, oli, MarkRoomRead(lounge))
    rooms.move_messages_to_thread(svc, sam, MoveMessagesToThread(
        lounge, 1, 2, internal, "From the lounge"))
    rooms.leave_room(svc, oli, LeaveRoom(lounge))
    secret = rooms.create_room(svc, sam, CreateRoom(
        "Hiring", "hiring", visibility="private", members=(vera.member_id or "",)))
    rooms.add_room_member(svc, sam, AddRoomMember(secret, oli.member_id or ""))
    rooms.post_message(svc, oli, PostMessage(secret, "Candidate notes"))
    rooms.remove_room_member(svc, sam, RemoveRoomMember(secret, oli.member_id or ""))
    rooms.archive_room(svc, sam, ArchiveRoom(secret))
    talk_room = rooms.create_room(svc, sam, CreateRoom(
        "Learning live", "learning-live", visibility="conference", conference_id=internal))
    rooms.post_message(svc, vera, PostMessage(talk_room, "Live!"))
    dm = rooms.open_direct_room(svc, sam, OpenDirectRoom((oli.member_id or "",)))
    rooms.post_message(svc, oli, PostMessage(dm, "Psst"))
    rooms.mark_room_read(svc, sam, MarkRoomRead(dm))

    # Notifications: levels set and changed, mentions, replies, watched places, reading.
    notifications.set_watch_level(svc, oli, SetWatchLevel("conference", internal, "watching"))
    notifications.set_watch_level(svc, vera, SetWatchLevel("thread", tid, "muted"))
    notifications.set_watch_level(svc, sam, SetWatchLevel("room", lounge, "watching"))
    notifications.set_watch_level(svc, sam, SetWatchLevel("room", lounge, "normal"))
    t4, t4_first = threads.start_thread(svc, sam, StartThread(
        internal, "Notes", "Hello @oli and @vera"))
    threads.post_reply(svc, oli, PostReply(t4, t4_first, "Hi @sam"))
    rooms.post_message(svc, oli, PostMessage(dm, "Ping @sam"))
    # Watching: replies coalesce into one notice per thread until it is read; reading
    # one, or removing the post it points at, lets the next reply notify again.
    w1, _ = threads.post_reply(svc, sam, PostReply(t4, t4_first, "one"))
    threads.post_reply(svc, sam, PostReply(t4, t4_first, "two"))
    unread, _ = _positions(backend, oli)
    notifications.mark_notifications_read(svc, oli, MarkNotificationsRead(max(unread)))
    w3, _ = threads.post_reply(svc, sam, PostReply(t4, t4_first, "three"))
    threads.delete_post(svc, sam, DeletePost(t4, w3))
    threads.post_reply(svc, sam, PostReply(t4, t4_first, "four"))
    rooms.post_message(svc, vera, PostMessage(lounge, "for watchers"))
    rooms.post_message(svc, vera, PostMessage(lounge, "again"))
    notifications.mark_notifications_read(svc, oli, MarkNotificationsRead())
    threads.post_reply(svc, sam, PostReply(t4, w1, "five"))
    notifications.mark_notifications_read(svc, sam, MarkNotificationsRead())
    talk_rota(backend, sam, oli, vera, talks)
    # Kudos on a post and a talk (one taken back), and "today I learned".
    kudos.give_kudos(svc, oli, GiveKudos("post", t4_first, "Thanks for the notes"))
    kudos.give_kudos(svc, vera, GiveKudos("post", t4_first))
    kudos.withdraw_kudos(svc, vera, WithdrawKudos("post", t4_first))
    talk = _talk_ids(backend)[0]
    kudos.give_kudos(svc, sam if _speaker(backend, talk) != sam.member_id else oli,
                     GiveKudos("talk", talk, "Great *talk*"))
    kudos.choose_til_conference(svc, admin, ChooseTilConference(talks))
    kudos.choose_til_conference(svc, admin, ChooseTilConference(internal))
    til = kudos.post_til(svc, oli, PostTil("`EXPLAIN ANALYZE` runs the query"))
    kudos.give_kudos(svc, sam, GiveKudos("post", _first_post(backend, til)))
    team_day(backend, sam, oli, vera, talks)
    who_knows_what(backend, sam, oli, vera)
    study_circles(backend, admin, sam, oli, gus)
    # Publishing: a thread and a post proposed, edited, sent back, resubmitted,
    # approved (a second title that makes the same slug), revised when published,
    # one unpublished, one from a private conference still waiting.
    a1 = articles.propose_article(svc, oli, ProposeArticle(
        "thread", tid, summary="How the circle began", tags=("learning", "circles")))
    articles.send_back_article(svc, sam, SendBackArticle(a1, "Needs a summary"))
    articles.revise_article(svc, oli, ReviseArticle(
        a1, "Study circles", "How ours began", "We **meet** on Thursdays.", ("learning",), 1))
    articles.resubmit_article(svc, oli, ResubmitArticle(a1))
    articles.approve_article(svc, sam, ApproveArticle(a1))
    articles.revise_article(svc, admin, ReviseArticle(
        a1, "Study circles", "How ours began", "We meet on *Thursdays*.", ("learning", "x")))
    a2 = articles.propose_article(svc, sam, ProposeArticle("post", p2, title="Study circles"))
    articles.approve_article(svc, admin, ApproveArticle(a2))
    articles.unpublish_article(svc, admin, UnpublishArticle(a2, "A duplicate"))
    articles.propose_article(svc, gus, ProposeArticle("thread", t3, tags=("budget",)))
    fediverse_followers(backend, admin, sam)
    fediverse_replies(backend, admin, sam)


def fediverse_replies(backend: Backend, admin: Viewer, sam: Viewer) -> None:
    """Replies from outside: one let in at once, one held then let in, one edited, one
    removed by its server; policies set; a domain blocked, another blocked and unblocked."""
    svc = backend.services
    cid = conferences.create_conference(svc, admin, CreateConference(
        "outside", "Outside", "public"))
    tid, first = threads.start_thread(svc, sam, StartThread(cid, "Hello world", "Hi"))

    def reply(actor: str, note: str, parent: str = first) -> str | None:
        return inbound.receive_remote_reply(svc, members.SYSTEM, ReceiveRemoteReply(
            tid, parent, f"https://far.example/users/{actor}", actor.title(),
            f"@{actor}@far.example", f"https://far.example/{actor}.png",
            f"https://far.example/@{actor}", f"https://far.example/notes/{note}",
            f"https://far.example/@{actor}/{note}", f"<p>note {note}</p>"))

    held = reply("ann", "1")  # moderated by default: the first reply waits
    assert held is not None
    threads.unhide_post(svc, admin, UnhidePost(tid, held))
    inbound.set_federation_policy(svc, admin, SetFederationPolicy(cid, "open"))
    inbound.set_federation_style(svc, admin, SetFederationStyle(cid, "note"))
    second = reply("bea", "2", held)
    inbound.edit_remote_reply(svc, members.SYSTEM, EditRemoteReply(
        tid, "https://far.example/notes/2", "https://far.example/users/bea", "<p>two</p>"))
    reply("ann", "3", second or first)
    inbound.delete_remote_reply(svc, members.SYSTEM, DeleteRemoteReply(
        tid, "https://far.example/notes/3", "https://far.example/users/ann"))
    inbound.block_domain(svc, admin, BlockDomain("spam.example", "spam"))
    inbound.block_domain(svc, admin, BlockDomain("oops.example"))
    inbound.unblock_domain(svc, admin, UnblockDomain("oops.example"))


def fediverse_followers(backend: Backend, admin: Viewer, sam: Viewer) -> None:
    """Followers from elsewhere: accepted at once, then held for a moderator, accepted,
    rejected, undone; a member who opted in followed too."""
    svc = backend.services
    open_id = conferences.create_conference(svc, admin, CreateConference(
        "open", "Open", "public"))
    group = f"conference:{open_id}"

    def request(actor: str, local: str = group) -> None:
        follows.request_follow(svc, members.SYSTEM, RequestFollow(
            local, f"https://far.example/users/{actor}", f"https://far.example/f/{actor}",
            f"https://far.example/users/{actor}/inbox", "https://far.example/inbox",
            f"@{actor}@far.example", actor.title()))

    request("ann")
    follows.set_follow_policy(svc, admin, SetFollowPolicy(group, "moderated"))
    for actor in ("bea", "cy", "dov"):
        request(actor)
    follows.accept_follow(svc, admin, AcceptFollow(group, "https://far.example/users/bea"))
    follows.reject_follow(svc, admin, RejectFollow(group, "https://far.example/users/cy"))
    follows.undo_follow(svc, members.SYSTEM, UndoFollow(
        group, "https://far.example/users/ann", "https://far.example/f/ann"))
    members.set_fediverse_profile(svc, sam, SetFediverseProfile(True))
    request("eve", f"member:{sam.member_id}")


def who_knows_what(backend: Backend, sam: Viewer, oli: Viewer, vera: Viewer) -> None:
    """Skills listed and changed (after a résumé), mentoring offered, asked and withdrawn."""
    svc = backend.services
    skills.list_skills(svc, sam, ListSkills(("SQL", "Café-Übung"), ("Rust",)))
    skills.list_skills(svc, sam, ListSkills(("sql", "Go"), ("Rust", "Zope")))
    skills.list_skills(svc, vera, ListSkills((), ("SQL",)))
    members.update_profile(svc, oli, UpdateProfile("Oli", can_teach=("Chess",)))
    offer = skills.offer_mentoring(svc, sam, OfferMentoring("SQL", "Thursdays"))
    skills.ask_for_mentoring(svc, vera, AskForMentoring("sql", "joins"))
    skills.ask_for_mentoring(svc, oli, AskForMentoring("Go"))
    skills.withdraw_mentoring(svc, sam, WithdrawMentoring(offer))
    skills.offer_mentoring(svc, sam, OfferMentoring("SQL", "Fridays"))


def study_circles(backend: Backend, admin: Viewer, sam: Viewer, oli: Viewer,
                  gus: Viewer) -> None:
    """Two study circles: joins asked, answered and open, organisers, the reading list,
    session notes, leaving, one archived; one request left waiting."""
    svc = backend.services
    zope = circles.start_circle(svc, sam, StartCircle(
        "zope", "Zope & Python templating", "TAL and *METAL*", "FREQ=WEEKLY;BYDAY=TH"))
    circles.join_circle(svc, oli, JoinCircle(zope, "May I?"))
    circles.answer_join_request(svc, sam, AnswerJoinRequest(zope, oli.member_id or "",
                                                                approve=True))
    circles.join_circle(svc, admin, JoinCircle(zope, "Me too"))
    circles.answer_join_request(svc, sam, AnswerJoinRequest(zope, admin.member_id or "",
                                                                approve=False))
    circles.join_circle(svc, admin, JoinCircle(zope))  # asked again: still waiting
    circles.add_circle_member(svc, sam, AddCircleMember(zope, gus.member_id or ""))
    circles.name_circle_organiser(svc, sam, NameCircleOrganiser(zope, oli.member_id or ""))
    circles.change_circle_cadence(svc, oli, ChangeCircleCadence(zope, "Thursdays, 16:00"))
    circles.set_reading_list(svc, gus, SetReadingList(zope, (
        ("Zope Page Templates", "https://zope.readthedocs.io/"), ("Chameleon", ""))))
    circles.set_reading_list(svc, oli, SetReadingList(zope, (
        ("Chameleon", "https://chameleon.readthedocs.io/"),), expected_revision=1))
    circles.record_circle_session(svc, gus, RecordCircleSession(
        zope, datetime.now(UTC).date().isoformat(), "Macros", "We read *METAL*."))
    circles.leave_circle(svc, gus, LeaveCircle(zope))
    rust = circles.start_circle(svc, oli, StartCircle(
        "rust", "Rust", visibility="private", join="invitation"))
    circles.add_circle_member(svc, oli, AddCircleMember(rust, sam.member_id or ""))
    circles.leave_circle(svc, oli, LeaveCircle(rust, sam.member_id))
    circles.archive_circle(svc, oli, ArchiveCircle(rust))


def team_day(backend: Backend, sam: Viewer, oli: Viewer, vera: Viewer, talks: str) -> None:
    """A team-together day: parallel sessions, sign-ups and leaving, a follow-up planned."""
    svc = backend.services
    day = (datetime.now(UTC) + timedelta(days=20)).date().isoformat()
    day_id = teamdays.create_team_day(svc, vera, CreateTeamDay(
        talks, "spring-day", "Spring day", day, "Learning *together*", "Europe/Stockholm"))
    zope = teamdays.add_session(svc, vera, AddSession(
        day_id, "Zope templating", sam.member_id or "", "Kastanjen", "09:00", "10:30",
        "novice", 2, "Bring a laptop"))
    pairing = teamdays.add_session(svc, vera, AddSession(
        day_id, "Pairing", oli.member_id or "", "Leith", "11:00", "12:00", "advanced", 5))
    teamdays.join_session(svc, oli, JoinSession(day_id, zope))
    teamdays.join_session(svc, vera, JoinSession(day_id, zope))
    teamdays.leave_session(svc, vera, LeaveSession(day_id, zope))
    teamdays.join_session(svc, sam, JoinSession(day_id, pairing))
    teamdays.plan_follow_up(svc, sam, PlanFollowUp(day_id, zope, day_id, pairing))


def talk_rota(backend: Backend, sam: Viewer, oli: Viewer, vera: Viewer, talks: str) -> None:
    """Friday talks: slots in bulk, sign-ups, a waiting list, release, moves, swaps,
    reminders, a calendar feed and a write-up through review (tests/features/rotas/
    test_handlers.py tells each part in detail)."""
    svc = backend.services
    # sam moderates "learning", the parent of "talks"; vera is an admin.
    fridays = rotas.create_rota(svc, vera, CreateRota(
        talks, "fridays", "Friday talks", "Lunch *talks*", "Europe/Stockholm"))
    first = (datetime.now(UTC) + timedelta(days=10)).date()
    rotas.schedule_slots(svc, vera, ScheduleSlots(
        fridays, first.isoformat(), "13:00", "FREQ=WEEKLY;COUNT=7",
        skip_dates=((first + timedelta(days=14)).isoformat(),)))
    slots = _slot_ids(backend, fridays)
    rotas.cancel_slot(svc, vera, CancelSlot(fridays, slots[3]))
    t1 = rotas.sign_up_for_slot(svc, sam, SignUpForSlot(fridays, slots[0], "SQL", "Joins"))
    t2 = rotas.sign_up_for_slot(svc, vera, SignUpForSlot(
        fridays, slots[1], "Rust", speaker_id=oli.member_id))
    rotas.join_waitlist(svc, oli, JoinWaitlist(fridays, slots[0], "Go", "Goroutines"))
    rotas.join_waitlist(svc, vera, JoinWaitlist(fridays, slots[0], "Admin", ""))
    rotas.join_waitlist(svc, vera, JoinWaitlist(fridays, slots[1], "Left", ""))
    rotas.leave_waitlist(svc, vera, LeaveWaitlist(fridays, slots[1]))
    rotas.release_talk(svc, sam, ReleaseTalk(fridays, t1))  # oli takes slot 0 from the list
    t3 = rotas.sign_up_for_slot(svc, sam, SignUpForSlot(fridays, slots[2], "SQL again"))
    rotas.move_talk(svc, oli, MoveTalk(fridays, t2, slots[1]))  # already there: no event
    rotas.request_swap(svc, sam, RequestSwap(fridays, t3, t2))
    rotas.answer_swap(svc, oli, AnswerSwap(fridays, t3, t2, accept=False))
    rotas.request_swap(svc, sam, RequestSwap(fridays, t3, t2))
    rotas.answer_swap(svc, oli, AnswerSwap(fridays, t3, t2, accept=True))
    rotas.swap_talks(svc, vera, SwapTalks(fridays, t3, t2))
    t4 = rotas.sign_up_for_slot(svc, vera, SignUpForSlot(fridays, slots[4], "Spare"))
    rotas.move_talk(svc, vera, MoveTalk(fridays, t4, slots[5]))
    rotas.request_swap(svc, vera, RequestSwap(fridays, t4, t3))
    rotas.send_due_reminders(svc, datetime.now(UTC) + timedelta(days=4))
    rotas.send_due_reminders(svc, datetime.now(UTC) + timedelta(days=10))
    rotas.issue_calendar_feed(svc, oli, IssueCalendarFeed())
    rotas.issue_calendar_feed(svc, oli, IssueCalendarFeed())  # the first stops working
    rotas.issue_calendar_feed(svc, sam, IssueCalendarFeed())
    # After sam's talk: the write-up, sent back once, then approved.
    rotas.save_writeup(svc, sam, SaveWriteUp(fridays, t3, "SQL, written up", "Draft"))
    clock = backend.store.clock
    backend.store.clock = lambda: clock() + timedelta(days=40)
    try:
        rotas.submit_writeup(svc, sam, SubmitWriteUp(fridays, t3))
        rotas.send_back_writeup(svc, vera, SendBackWriteUp(fridays, t3, "More *examples*"))
        rotas.save_writeup(svc, sam, SaveWriteUp(fridays, t3, "SQL, written up", "Final"))
        rotas.submit_writeup(svc, sam, SubmitWriteUp(fridays, t3))
        rotas.save_writeup(svc, vera, SaveWriteUp(fridays, t3, "SQL, written up", "Final!"))
        rotas.approve_writeup(svc, vera, ApproveWriteUp(fridays, t3))
    finally:
        backend.store.clock = clock


def _talk_ids(backend: Backend) -> list[str]:
    from forum.features.rotas.tables import talks

    with backend.engine.connect() as conn:
        return sorted(conn.execute(select(talks.c.id)).scalars())


def _speaker(backend: Backend, talk_id: str) -> str:
    from forum.features.rotas import queries as rota_queries

    with backend.engine.connect() as conn:
        return str(rota_queries.get_talk(conn, talk_id).speaker_id)


def _first_post(backend: Backend, thread_id: str) -> str:
    with backend.engine.connect() as conn:
        return str(conn.execute(select(posts.c.id).where(posts.c.thread_id == thread_id,
                                                         posts.c.seq == 1)).scalar())


def _slot_ids(backend: Backend, rota_id: str) -> list[str]:
    from forum.features.rotas import queries as rota_queries

    with backend.engine.connect() as conn:
        return [s.slot.id for s in rota_queries.list_slots(conn, rota_id)]



def _positions(backend: Backend, viewer: Viewer) -> tuple[set[int], int]:
    from forum.features.notifications.queries import notification_positions

    with backend.engine.connect() as conn:
        return notification_positions(conn, viewer.member_id or "")


def spoil(backend: Backend) -> None:
    """Damage the read models, so a rebuild that does nothing cannot pass."""
    with write_connection(backend.engine) as conn, conn.begin():
        conn.execute(delete(posts).where(posts.c.seq > 1))
        conn.execute(update(members_table).values(display_name="?", share_read_history=True))
        conn.execute(insert(read_markers).values(
            member_id="ghost", thread_id="ghost", up_to_seq=9,
            read_at=backend.store.read_all()[0].occurred_at))


def test_the_projections_own_every_read_model_table(backend: Backend) -> None:
    owned = [t.name for p in backend.projections.items for t in p.tables]
    assert len(owned) == len(set(owned)), "a table belongs to one projection"
    # The log, its checkpoints, and the memo of a pure function (kept across rebuilds).
    log_tables = {"events", "projection_checkpoints", "subscriber_checkpoints",
                  "rendered_markup", "actor_keys",  # keys are secrets, never in the log
                  # federation's working state: a cache of others' documents, a queue
                  "remote_actors", "deliveries", "delivery_hosts",
                  "inbound_activities"}  # which activity ids arrived (de-duplication)
    assert set(owned) == set(metadata.tables) - log_tables


def test_rebuild_gives_exactly_what_incremental_application_gave(
        backend: Backend, people: People) -> None:
    live_a_little(backend, people)
    incremental = snapshot(backend)
    head = backend.store.head()
    # The scenario really filled every table (a test of nothing proves nothing).
    assert all(incremental.values()), [k for k, rows in incremental.items() if not rows]
    # A checkpoint is the position of the last event that changed its read model.
    handled = {p.name: max(r.position for r in backend.store.iter_all()
                           if r.event.type in p.handlers)
               for p in backend.projections.items}
    assert backend.projections.checkpoints(backend.engine) == handled
    assert max(handled.values()) == head

    spoil(backend)
    assert snapshot(backend) != incremental
    events = len(list(backend.store.iter_all()))
    progress: list[int] = []
    assert backend.projections.rebuild(backend.engine, progress=progress.append) == events
    assert sum(progress) == events
    assert snapshot(backend) == incremental
    assert backend.projections.checkpoints(backend.engine) == handled

    for projection in backend.projections.items:
        spoil(backend)
        with write_connection(backend.engine) as conn, conn.begin():
            projection.clear(conn)
        backend.projections.rebuild(backend.engine, [projection.name], batch=7)
        rebuilt = snapshot(backend)
        for key, rows in incremental.items():
            if key.startswith(f"{projection.name}."):
                assert rebuilt[key] == rows, key
        # Put the rest back for the next round.
        backend.projections.rebuild(backend.engine)
        assert snapshot(backend) == incremental


def test_a_rebuild_leaves_the_schema_as_it_was(backend: Backend, people: People) -> None:
    live_a_little(backend, people)
    before = schema(backend)
    backend.projections.rebuild(backend.engine)
    assert schema(backend) == before
    backend.projections.rebuild(backend.engine, ["threads"])
    assert schema(backend) == before


def test_after_a_rebuild_the_forum_carries_on(backend: Backend, people: People) -> None:
    live_a_little(backend, people)
    backend.projections.rebuild(backend.engine)
    svc = backend.services
    conference = conferences.create_conference(svc, people.admin, CreateConference(
        "after", "After", "internal"))
    tid, first = threads.start_thread(svc, people.staff, StartThread(conference, "S", "B"))
    threads.post_reply(svc, people.other, PostReply(tid, first, "reply"))
    incremental = snapshot(backend)
    backend.projections.rebuild(backend.engine)
    assert snapshot(backend) == incremental
    with backend.engine.connect() as conn:
        handles = conn.execute(select(members_table.c.handle)).scalars().all()
    assert "vera" in handles
