"""Every command: one frozen dataclass per thing a person means to do.

``StartThread`` is handled by ``handlers.start_thread`` and, if allowed,
produces ``ThreadStarted``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    pass


# --- members ---------------------------------------------------------------


@dataclass(frozen=True)
class RegisterMember(Command):
    handle: str
    display_name: str
    email: str
    password: str
    role: str = "staff"


@dataclass(frozen=True)
class IssueInvitation(Command):
    role: str = "staff"
    note: str = ""


@dataclass(frozen=True)
class AcceptInvitation(Command):
    token: str
    handle: str
    display_name: str
    email: str
    password: str


@dataclass(frozen=True)
class ChangeMemberRole(Command):
    member_id: str
    role: str


@dataclass(frozen=True)
class DeactivateMember(Command):
    member_id: str


@dataclass(frozen=True)
class ReactivateMember(Command):
    member_id: str


@dataclass(frozen=True)
class UpdateProfile(Command):
    display_name: str
    bio: str = ""
    skills: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    can_teach: tuple[str, ...] = ()
    share_read_history: bool = True


@dataclass(frozen=True)
class SetFediverseProfile(Command):
    enabled: bool


@dataclass(frozen=True)
class ChangePassword(Command):
    current_password: str
    new_password: str


@dataclass(frozen=True)
class IssueApiToken(Command):
    name: str


@dataclass(frozen=True)
class RevokeApiToken(Command):
    token_id: str


# --- conferences -----------------------------------------------------------


@dataclass(frozen=True)
class CreateConference(Command):
    slug: str
    name: str
    visibility: str
    resume: str = ""
    parent_id: str | None = None


@dataclass(frozen=True)
class UpdateConference(Command):
    conference_id: str
    name: str
    resume: str
    visibility: str
    expected_version: int | None = None


@dataclass(frozen=True)
class SetConferenceAcl(Command):
    conference_id: str
    entries: tuple[tuple[str, str], ...]
    expected_version: int | None = None


# --- threads and posts -----------------------------------------------------


@dataclass(frozen=True)
class StartThread(Command):
    conference_id: str
    subject: str
    body: str


@dataclass(frozen=True)
class PostReply(Command):
    thread_id: str
    parent_post_id: str
    body: str


@dataclass(frozen=True)
class EditPost(Command):
    thread_id: str
    post_id: str
    body: str
    expected_revision: int | None = None


@dataclass(frozen=True)
class DeletePost(Command):
    thread_id: str
    post_id: str


@dataclass(frozen=True)
class HidePost(Command):
    thread_id: str
    post_id: str
    reason: str


@dataclass(frozen=True)
class UnhidePost(Command):
    thread_id: str
    post_id: str


@dataclass(frozen=True)
class LockThread(Command):
    thread_id: str
    reason: str = ""


@dataclass(frozen=True)
class UnlockThread(Command):
    thread_id: str


@dataclass(frozen=True)
class PinThread(Command):
    thread_id: str


@dataclass(frozen=True)
class UnpinThread(Command):
    thread_id: str


@dataclass(frozen=True)
class MoveThread(Command):
    thread_id: str
    to_conference_id: str


# --- replies from the fediverse ------------------------------------------------------
# Built by federation/inbound.py from verified activities; ``html`` is already cleaned.


@dataclass(frozen=True)
class ReceiveRemoteReply(Command):
    thread_id: str
    parent_post_id: str
    actor_uri: str
    actor_name: str
    actor_handle: str
    actor_avatar: str
    actor_url: str
    object_id: str
    object_url: str
    html: str


@dataclass(frozen=True)
class EditRemoteReply(Command):
    thread_id: str
    object_id: str
    actor_uri: str
    html: str


@dataclass(frozen=True)
class DeleteRemoteReply(Command):
    thread_id: str
    object_id: str
    actor_uri: str


@dataclass(frozen=True)
class SetFederationPolicy(Command):
    conference_id: str
    policy: str


@dataclass(frozen=True)
class SetFederationStyle(Command):
    conference_id: str
    style: str


@dataclass(frozen=True)
class BlockDomain(Command):
    domain: str
    reason: str = ""


@dataclass(frozen=True)
class UnblockDomain(Command):
    domain: str


# --- publishing --------------------------------------------------------------


@dataclass(frozen=True)
class ProposeArticle(Command):
    """Propose a ``thread`` or one ``post`` (its id in ``source_id``) for the blog.

    The title defaults to the thread's subject; the body is taken from the source."""

    source_kind: str
    source_id: str
    title: str = ""
    summary: str = ""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReviseArticle(Command):
    article_id: str
    title: str
    summary: str
    body: str
    tags: tuple[str, ...] = ()
    expected_revision: int | None = None


@dataclass(frozen=True)
class SendBackArticle(Command):
    article_id: str
    comment: str


@dataclass(frozen=True)
class ResubmitArticle(Command):
    article_id: str


@dataclass(frozen=True)
class ApproveArticle(Command):
    article_id: str


@dataclass(frozen=True)
class UnpublishArticle(Command):
    article_id: str
    reason: str


# --- reading ---------------------------------------------------------------


@dataclass(frozen=True)
class MarkThreadRead(Command):
    """Advance the read marker to ``up_to_seq`` (the whole thread when None)."""

    thread_id: str
    up_to_seq: int | None = None


@dataclass(frozen=True)
class MarkUnreadFrom(Command):
    thread_id: str
    seq: int


@dataclass(frozen=True)
class MarkConferenceRead(Command):
    conference_id: str


# --- rooms -----------------------------------------------------------------


@dataclass(frozen=True)
class CreateRoom(Command):
    """A room: ``internal`` or ``private`` standalone, or attached to a conference."""

    name: str
    slug: str
    topic: str = ""
    visibility: str = "internal"
    conference_id: str | None = None
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class OpenDirectRoom(Command):
    """A direct conversation with these members (the actor is always in it)."""

    member_ids: tuple[str, ...]


@dataclass(frozen=True)
class RenameRoom(Command):
    room_id: str
    name: str


@dataclass(frozen=True)
class SetRoomTopic(Command):
    room_id: str
    topic: str


@dataclass(frozen=True)
class ArchiveRoom(Command):
    room_id: str


@dataclass(frozen=True)
class UnarchiveRoom(Command):
    room_id: str


@dataclass(frozen=True)
class JoinRoom(Command):
    room_id: str


@dataclass(frozen=True)
class LeaveRoom(Command):
    room_id: str


@dataclass(frozen=True)
class AddRoomMember(Command):
    room_id: str
    member_id: str


@dataclass(frozen=True)
class RemoveRoomMember(Command):
    room_id: str
    member_id: str


@dataclass(frozen=True)
class PostMessage(Command):
    room_id: str
    body: str
    reply_to: str | None = None


@dataclass(frozen=True)
class EditMessage(Command):
    room_id: str
    message_id: str
    body: str


@dataclass(frozen=True)
class DeleteMessage(Command):
    room_id: str
    message_id: str


@dataclass(frozen=True)
class React(Command):
    """Add the reaction, or take it back if the actor already gave it."""

    room_id: str
    message_id: str
    emoji: str


@dataclass(frozen=True)
class MarkRoomRead(Command):
    room_id: str
    up_to_seq: int | None = None


# --- notifications -----------------------------------------------------------


@dataclass(frozen=True)
class SetWatchLevel(Command):
    target: str  # conference, thread or room
    target_id: str
    level: str  # watching, normal or muted


@dataclass(frozen=True)
class MarkNotificationsRead(Command):
    """One notification (its ``position``), or all of them (None)."""

    position: int | None = None


@dataclass(frozen=True)
class MoveMessagesToThread(Command):
    """Messages ``first_seq``..``last_seq`` of a room become a new thread."""

    room_id: str
    first_seq: int
    last_seq: int
    conference_id: str
    subject: str


# --- learning together: the talk rota ------------------------------------------------


@dataclass(frozen=True)
class CreateRota(Command):
    conference_id: str
    slug: str
    name: str
    description: str = ""
    timezone: str = "UTC"


@dataclass(frozen=True)
class ScheduleSlots(Command):
    """Slots from ``first_day`` at ``time`` (the rota's time zone), one per date of
    ``rule`` (an iCalendar RRULE such as ``FREQ=WEEKLY;BYDAY=FR;COUNT=10``), leaving
    out ``skip_dates`` and, with ``holidays`` (a country code), its public holidays."""

    rota_id: str
    first_day: str
    time: str
    rule: str
    duration_minutes: int = 45
    skip_dates: tuple[str, ...] = ()
    holidays: str = ""


@dataclass(frozen=True)
class CancelSlot(Command):
    rota_id: str
    slot_id: str


@dataclass(frozen=True)
class SignUpForSlot(Command):
    """Hold a free slot with a talk; an organiser may name another ``speaker_id``."""

    rota_id: str
    slot_id: str
    title: str
    abstract: str = ""
    speaker_id: str | None = None


@dataclass(frozen=True)
class ReleaseTalk(Command):
    rota_id: str
    talk_id: str


@dataclass(frozen=True)
class MoveTalk(Command):
    rota_id: str
    talk_id: str
    to_slot_id: str


@dataclass(frozen=True)
class RequestSwap(Command):
    rota_id: str
    talk_id: str
    other_talk_id: str


@dataclass(frozen=True)
class AnswerSwap(Command):
    """The other speaker accepts or declines; the asker may withdraw (accept=False)."""

    rota_id: str
    talk_id: str
    other_talk_id: str
    accept: bool


@dataclass(frozen=True)
class SwapTalks(Command):
    """An organiser trades two talks' slots directly."""

    rota_id: str
    talk_id: str
    other_talk_id: str


@dataclass(frozen=True)
class JoinWaitlist(Command):
    rota_id: str
    slot_id: str
    title: str
    abstract: str = ""


@dataclass(frozen=True)
class LeaveWaitlist(Command):
    rota_id: str
    slot_id: str


@dataclass(frozen=True)
class SaveWriteUp(Command):
    rota_id: str
    talk_id: str
    title: str
    body: str
    expected_revision: int | None = None


@dataclass(frozen=True)
class SubmitWriteUp(Command):
    rota_id: str
    talk_id: str


@dataclass(frozen=True)
class SendBackWriteUp(Command):
    rota_id: str
    talk_id: str
    comment: str


@dataclass(frozen=True)
class ApproveWriteUp(Command):
    rota_id: str
    talk_id: str


@dataclass(frozen=True)
class IssueCalendarFeed(Command):
    pass


# --- learning together: kudos and "today I learned" ----------------------------------


@dataclass(frozen=True)
class GiveKudos(Command):
    """``target`` is ``post`` or ``talk``."""

    target: str
    target_id: str
    note: str = ""


@dataclass(frozen=True)
class WithdrawKudos(Command):
    target: str
    target_id: str


@dataclass(frozen=True)
class ChooseTilConference(Command):
    conference_id: str


@dataclass(frozen=True)
class PostTil(Command):
    """A short "today I learned" post; it starts a thread in the TIL conference."""

    body: str


# --- learning together: team-together days -------------------------------------------


@dataclass(frozen=True)
class CreateTeamDay(Command):
    conference_id: str
    slug: str
    name: str
    day: str
    description: str = ""
    timezone: str = "UTC"


@dataclass(frozen=True)
class AddSession(Command):
    """``starts``/``ends`` are HH:MM on the day, in its time zone; ``host_id`` the host."""

    day_id: str
    title: str
    host_id: str
    room: str
    starts: str
    ends: str
    level: str
    capacity: int
    description: str = ""


@dataclass(frozen=True)
class JoinSession(Command):
    day_id: str
    session_id: str


@dataclass(frozen=True)
class LeaveSession(Command):
    day_id: str
    session_id: str


@dataclass(frozen=True)
class PlanFollowUp(Command):
    day_id: str
    session_id: str
    next_day_id: str
    next_session_id: str


# --- learning together: who knows what, mentoring -------------------------------------


@dataclass(frozen=True)
class ListSkills(Command):
    """Replace your own "can teach" and "want to learn" lists."""

    can_teach: tuple[str, ...] = ()
    want_to_learn: tuple[str, ...] = ()


@dataclass(frozen=True)
class OfferMentoring(Command):
    skill: str
    note: str = ""


@dataclass(frozen=True)
class AskForMentoring(Command):
    skill: str
    note: str = ""


@dataclass(frozen=True)
class WithdrawMentoring(Command):
    mentoring_id: str


# --- learning together: study circles ------------------------------------------------


@dataclass(frozen=True)
class StartCircle(Command):
    """``visibility`` internal or private; ``join`` open or approval (internal circles;
    a private circle's organisers add its members)."""

    slug: str
    name: str
    description: str = ""
    cadence: str = ""
    visibility: str = "internal"
    join: str = "approval"


@dataclass(frozen=True)
class JoinCircle(Command):
    """Join an open circle, or ask to join one whose organisers approve."""

    circle_id: str
    note: str = ""


@dataclass(frozen=True)
class AnswerJoinRequest(Command):
    circle_id: str
    member_id: str
    approve: bool


@dataclass(frozen=True)
class AddCircleMember(Command):
    circle_id: str
    member_id: str


@dataclass(frozen=True)
class LeaveCircle(Command):
    """Leave (no ``member_id``), or an organiser takes a member off."""

    circle_id: str
    member_id: str | None = None


@dataclass(frozen=True)
class NameCircleOrganiser(Command):
    circle_id: str
    member_id: str


@dataclass(frozen=True)
class ChangeCircleCadence(Command):
    circle_id: str
    cadence: str


@dataclass(frozen=True)
class SetReadingList(Command):
    """The whole list, in order: (title, link) pairs; ``expected_revision`` guards edits."""

    circle_id: str
    items: tuple[tuple[str, str], ...]
    expected_revision: int | None = None


@dataclass(frozen=True)
class RecordCircleSession(Command):
    circle_id: str
    held_on: str
    title: str
    notes: str


@dataclass(frozen=True)
class ArchiveCircle(Command):
    circle_id: str


@dataclass(frozen=True)
class PublishDigest(Command):
    """An administrator publishes a month's "what we learned" (``YYYY-MM``), its public
    material only, as a thread in a public conference and an article on the blog."""

    month: str
    conference_id: str


# --- the fediverse: followers -----------------------------------------------------------


@dataclass(frozen=True)
class RequestFollow(Command):
    local_actor: str  # conference:<id> or member:<id>
    remote_actor: str
    follow_id: str
    inbox: str
    shared_inbox: str | None
    acct: str
    name: str


@dataclass(frozen=True)
class AcceptFollow(Command):
    local_actor: str
    remote_actor: str


@dataclass(frozen=True)
class RejectFollow(Command):
    local_actor: str
    remote_actor: str


@dataclass(frozen=True)
class UndoFollow(Command):
    local_actor: str
    remote_actor: str
    follow_id: str


@dataclass(frozen=True)
class SetFollowPolicy(Command):
    local_actor: str
    policy: str
