"""Every event in Commonroom: frozen dataclasses, named in the past tense.

A released event is never edited. To change one, bump its ``schema_version``
and register an upcaster in :mod:`forum.serialization`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar


@dataclass(frozen=True)
class Event:
    """Base of all events; ``type`` is the stable name stored in the log."""

    type: ClassVar[str] = ""
    schema_version: ClassVar[int] = 1

    def to_data(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


EVENT_TYPES: dict[str, type[Event]] = {}


def event(cls: type[Event]) -> type[Event]:
    """Register an event class under its class name."""
    cls.type = cls.__name__
    EVENT_TYPES[cls.type] = cls
    return cls


# --- members ---------------------------------------------------------------


@event
@dataclass(frozen=True)
class MemberRegistered(Event):
    member_id: str
    handle: str
    display_name: str
    email: str
    role: str
    password_hash: str
    invited_by: str | None = None


@event
@dataclass(frozen=True)
class MemberRoleChanged(Event):
    member_id: str
    role: str
    changed_by: str


@event
@dataclass(frozen=True)
class MemberDeactivated(Event):
    member_id: str
    by: str


@event
@dataclass(frozen=True)
class MemberReactivated(Event):
    member_id: str
    by: str


@event
@dataclass(frozen=True)
class ProfileUpdated(Event):
    schema_version: ClassVar[int] = 2

    member_id: str
    display_name: str
    bio: str
    skills: tuple[str, ...]
    interests: tuple[str, ...]
    can_teach: tuple[str, ...]
    share_read_history: bool


@event
@dataclass(frozen=True)
class FediverseProfileSet(Event):
    """The member chose whether the fediverse may find them (a ``Person`` actor,
    ``acct:handle@host``); nobody has one until they opt in."""

    member_id: str
    enabled: bool


@event
@dataclass(frozen=True)
class PasswordChanged(Event):
    member_id: str
    password_hash: str


@event
@dataclass(frozen=True)
class ApiTokenIssued(Event):
    member_id: str
    token_id: str
    name: str
    token_hash: str


@event
@dataclass(frozen=True)
class ApiTokenRevoked(Event):
    member_id: str
    token_id: str


@event
@dataclass(frozen=True)
class InvitationIssued(Event):
    invitation_id: str
    token_hash: str
    role: str
    invited_by: str
    note: str


@event
@dataclass(frozen=True)
class InvitationAccepted(Event):
    invitation_id: str
    member_id: str


# --- reading ---------------------------------------------------------------


@event
@dataclass(frozen=True)
class ThreadRead(Event):
    """The member's read marker on a thread moved to ``up_to_seq``.

    ``from_seq`` is where it stood before, so "who read post N, and when" is
    every event with ``from_seq < N <= up_to_seq``.
    """

    member_id: str
    thread_id: str
    from_seq: int
    up_to_seq: int


# --- conferences -----------------------------------------------------------


@event
@dataclass(frozen=True)
class ConferenceCreated(Event):
    conference_id: str
    slug: str
    name: str
    resume: str
    visibility: str
    parent_id: str | None
    created_by: str


@event
@dataclass(frozen=True)
class ConferenceUpdated(Event):
    conference_id: str
    name: str
    resume: str
    visibility: str
    updated_by: str


@event
@dataclass(frozen=True)
class ConferenceAclChanged(Event):
    """The whole ordered access list was replaced; the first match wins."""

    conference_id: str
    entries: tuple[tuple[str, str], ...]
    changed_by: str


# --- threads and posts -----------------------------------------------------


@event
@dataclass(frozen=True)
class ThreadStarted(Event):
    thread_id: str
    conference_id: str
    subject: str
    post_id: str
    author_id: str
    body: str


@event
@dataclass(frozen=True)
class ReplyPosted(Event):
    thread_id: str
    post_id: str
    seq: int
    parent_post_id: str
    author_id: str
    body: str


@event
@dataclass(frozen=True)
class PostEdited(Event):
    thread_id: str
    post_id: str
    revision: int
    body: str
    editor_id: str


@event
@dataclass(frozen=True)
class PostDeleted(Event):
    thread_id: str
    post_id: str
    by: str


@event
@dataclass(frozen=True)
class PostHidden(Event):
    thread_id: str
    post_id: str
    reason: str
    by: str


@event
@dataclass(frozen=True)
class PostUnhidden(Event):
    thread_id: str
    post_id: str
    by: str


@event
@dataclass(frozen=True)
class ThreadLocked(Event):
    thread_id: str
    by: str
    reason: str = ""


@event
@dataclass(frozen=True)
class ThreadUnlocked(Event):
    thread_id: str
    by: str


@event
@dataclass(frozen=True)
class ThreadPinned(Event):
    thread_id: str
    by: str


@event
@dataclass(frozen=True)
class ThreadUnpinned(Event):
    thread_id: str
    by: str


@event
@dataclass(frozen=True)
class ThreadMoved(Event):
    thread_id: str
    from_conference_id: str
    to_conference_id: str
    by: str


# --- publishing: articles on the public blog ------------------------------------
#
# An article has a stream of its own (``article-<id>``). Its ``source`` is what
# it was made from: a ``thread``, one ``post`` or (later) a ``talk`` of the talk
# rota; ``thread_id`` is the thread whose conference decides who may review it.


@event
@dataclass(frozen=True)
class ArticleProposed(Event):
    """A member proposed a thread or a post for the public blog; a draft to review."""

    article_id: str
    source_kind: str
    source_id: str
    thread_id: str
    title: str
    summary: str
    body: str
    tags: tuple[str, ...]
    author_id: str
    proposed_by: str


@event
@dataclass(frozen=True)
class ArticleRevised(Event):
    """Title, summary, body and tags as the proposer or a reviewer left them."""

    article_id: str
    title: str
    summary: str
    body: str
    tags: tuple[str, ...]
    revision: int
    by: str


@event
@dataclass(frozen=True)
class ArticleSentBack(Event):
    """A reviewer asked for changes before it can be published."""

    article_id: str
    comment: str
    by: str


@event
@dataclass(frozen=True)
class ArticleResubmitted(Event):
    article_id: str
    by: str


@event
@dataclass(frozen=True)
class ArticleApproved(Event):
    """Published on the blog at ``/blog/<slug>``; the slug never changes after."""

    article_id: str
    slug: str
    by: str


@event
@dataclass(frozen=True)
class ArticleUnpublished(Event):
    """Taken off the blog for good: its address answers 410 Gone from now on."""

    article_id: str
    reason: str
    by: str



# --- the fediverse: who follows our actors ----------------------------------------------
#
# One stream per local actor (``follows-conference:<id>``, ``follows-member:<id>``):
# the remote actors that asked to follow it, what became of each request, and the
# actor's policy (accept automatically, or a moderator decides).


@event
@dataclass(frozen=True)
class FollowRequested(Event):
    """A remote actor sent Follow; it waits for a decision unless the policy is automatic."""

    local_actor: str
    remote_actor: str
    follow_id: str
    inbox: str
    shared_inbox: str | None
    acct: str
    name: str


@event
@dataclass(frozen=True)
class FollowAccepted(Event):
    """The remote actor follows now (``by`` is empty when the policy accepted it)."""

    local_actor: str
    remote_actor: str
    follow_id: str
    by: str


@event
@dataclass(frozen=True)
class FollowRejected(Event):
    """A request turned down, or a follower removed."""

    local_actor: str
    remote_actor: str
    follow_id: str
    by: str


@event
@dataclass(frozen=True)
class FollowUndone(Event):
    """The remote actor sent Undo(Follow): it follows no longer."""

    local_actor: str
    remote_actor: str
    follow_id: str


@event
@dataclass(frozen=True)
class FollowPolicySet(Event):
    local_actor: str
    policy: str  # automatic, moderated
    by: str


# --- replies from the fediverse ---------------------------------------------------
#
# A remote actor (a fediverse account) is known here by ``author_id``
# ``remote-<digest of its URI>``; each reply carries the actor's name, handle,
# avatar and profile link as they were when it arrived, so a rebuild never
# fetches anything. ``html`` is already cleaned (forum.markup.clean_html).


@event
@dataclass(frozen=True)
class RemoteReplyReceived(Event):
    """A reply from the fediverse landed in a public thread; ``held`` replies wait for a
    moderator (the conference's policy is "moderated first post")."""

    thread_id: str
    post_id: str
    seq: int
    parent_post_id: str
    author_id: str
    actor_uri: str
    actor_name: str
    actor_handle: str
    actor_avatar: str
    actor_url: str
    object_id: str
    object_url: str
    html: str
    held: bool


@event
@dataclass(frozen=True)
class RemoteReplyEdited(Event):
    """Its author's server sent an ``Update``: a new revision of a reply from outside."""

    thread_id: str
    post_id: str
    revision: int
    html: str
    author_id: str


@event
@dataclass(frozen=True)
class RemoteReplyDeleted(Event):
    """Its author's server sent a ``Delete``: the reply becomes a tombstone."""

    thread_id: str
    post_id: str
    author_id: str


@event
@dataclass(frozen=True)
class FederationPolicySet(Event):
    """Who from the fediverse may reply into a public conference: ``open``,
    ``moderated`` (a remote actor's first reply waits for a moderator) or ``closed``."""

    conference_id: str
    policy: str
    by: str


@event
@dataclass(frozen=True)
class FederationStyleSet(Event):
    """How a public conference's thread starters look on the fediverse: ``article``
    (title as ``name``) or ``note`` (the subject at the top of the content), for
    microblog readers."""

    conference_id: str
    style: str
    by: str


@event
@dataclass(frozen=True)
class DomainBlocked(Event):
    """An admin blocked a fediverse domain (and its subdomains): nothing from it is
    accepted, and the replies it sent before are hidden."""

    domain: str
    reason: str
    by: str


@event
@dataclass(frozen=True)
class DomainUnblocked(Event):
    domain: str
    by: str


MODERATION_EVENTS = frozenset(
    {
        "PostHidden",
        "PostUnhidden",
        "ThreadLocked",
        "ThreadUnlocked",
        "ThreadPinned",
        "ThreadUnpinned",
        "ThreadMoved",
        "PostDeleted",
        "ConferenceAclChanged",
        "ConferenceUpdated",
        "MemberRoleChanged",
        "MemberDeactivated",
        "MemberReactivated",
        "RoomRenamed",
        "RoomArchived",
        "RoomUnarchived",
        "RoomLeft",
        "MessageDeleted",
        "MessagesMoved",
    }
)


# --- rooms and messages ------------------------------------------------------


@event
@dataclass(frozen=True)
class RoomCreated(Event):
    """A chat room. ``visibility`` is ``internal`` (every staff member may
    join), ``private`` (its members only), ``direct`` (a conversation between
    ``members``; nobody else, admins included) or ``conference`` (the
    conference's access list, ``conference_id``)."""

    room_id: str
    slug: str
    name: str
    topic: str
    visibility: str
    conference_id: str | None
    created_by: str
    members: tuple[str, ...]


@event
@dataclass(frozen=True)
class RoomRenamed(Event):
    room_id: str
    name: str
    by: str


@event
@dataclass(frozen=True)
class RoomTopicChanged(Event):
    room_id: str
    topic: str
    by: str


@event
@dataclass(frozen=True)
class RoomArchived(Event):
    room_id: str
    by: str


@event
@dataclass(frozen=True)
class RoomUnarchived(Event):
    room_id: str
    by: str


@event
@dataclass(frozen=True)
class RoomJoined(Event):
    room_id: str
    member_id: str
    by: str


@event
@dataclass(frozen=True)
class RoomLeft(Event):
    room_id: str
    member_id: str
    by: str


@event
@dataclass(frozen=True)
class MessagePosted(Event):
    room_id: str
    message_id: str
    seq: int
    author_id: str
    body: str
    reply_to: str | None = None


@event
@dataclass(frozen=True)
class MessageEdited(Event):
    room_id: str
    message_id: str
    body: str
    revision: int
    editor_id: str


@event
@dataclass(frozen=True)
class MessageDeleted(Event):
    room_id: str
    message_id: str
    by: str


@event
@dataclass(frozen=True)
class ReactionAdded(Event):
    room_id: str
    message_id: str
    member_id: str
    emoji: str


@event
@dataclass(frozen=True)
class ReactionRemoved(Event):
    room_id: str
    message_id: str
    member_id: str
    emoji: str


@event
@dataclass(frozen=True)
class RoomRead(Event):
    """The member's read marker in a room moved from ``from_seq`` to ``up_to_seq``."""

    member_id: str
    room_id: str
    from_seq: int
    up_to_seq: int


# --- notifications -------------------------------------------------------------


@event
@dataclass(frozen=True)
class WatchLevelSet(Event):
    """How much a member hears of a conference, thread or room:
    ``watching`` (everything new), ``normal`` (mentions, replies to them,
    direct messages) or ``muted`` (nothing)."""

    member_id: str
    target: str
    target_id: str
    level: str


@event
@dataclass(frozen=True)
class NotificationsRead(Event):
    """The member read one notification (``position``) or all up to ``up_to``."""

    member_id: str
    position: int | None = None
    up_to: int | None = None


# --- chat becomes discussion -------------------------------------------------------


@event
@dataclass(frozen=True)
class ThreadStartedFromChat(Event):
    """A stretch of a room's messages became a thread, keeping authors and times.

    ``posts`` holds, per message in order: (post id, author id, body, the
    time it was said as ISO 8601, the index of the post it replies to or -1).
    """

    thread_id: str
    conference_id: str
    subject: str
    room_id: str
    moved_by: str
    posts: tuple[tuple[str, str, str, str, int], ...]


@event
@dataclass(frozen=True)
class MessagesMoved(Event):
    """These messages left the room for a thread (the room shows where they went)."""

    room_id: str
    message_ids: tuple[str, ...]
    thread_id: str
    by: str


# --- learning together: the talk rota ------------------------------------------------
#
# A rota's stream (``rota-<id>``) holds its slots, the talks in them, waiting
# lists, swaps, reminders and each talk's write-up. Times are ISO 8601 in UTC.


@event
@dataclass(frozen=True)
class RotaCreated(Event):
    """A talk rota (e.g. Friday lunch talks) in a conference, whose list it follows."""

    rota_id: str
    conference_id: str
    slug: str
    name: str
    description: str
    timezone: str
    created_by: str


@event
@dataclass(frozen=True)
class SlotsScheduled(Event):
    """Dated slots made in bulk from a recurrence rule; ``slots`` holds
    (slot id, starts at, ends at) and ``skipped`` the dates left out (holidays)."""

    rota_id: str
    slots: tuple[tuple[str, str, str], ...]
    rule: str
    skipped: tuple[str, ...]
    by: str


@event
@dataclass(frozen=True)
class SlotCancelled(Event):
    rota_id: str
    slot_id: str
    by: str


@event
@dataclass(frozen=True)
class TalkSignedUp(Event):
    """A member holds a slot with a talk. ``by`` is the speaker, an organiser who
    assigned it, or whoever released it when the first on its waiting list took it.
    The talk's discussion thread (``thread_id``, first post ``post_id``) is started
    in the same transaction."""

    rota_id: str
    talk_id: str
    slot_id: str
    speaker_id: str
    title: str
    abstract: str
    thread_id: str
    post_id: str
    by: str


@event
@dataclass(frozen=True)
class TalkReleased(Event):
    rota_id: str
    talk_id: str
    slot_id: str
    by: str


@event
@dataclass(frozen=True)
class TalkMoved(Event):
    rota_id: str
    talk_id: str
    from_slot_id: str
    to_slot_id: str
    by: str


@event
@dataclass(frozen=True)
class SwapRequested(Event):
    """The speaker of ``talk_id`` asks the speaker of ``other_talk_id`` to trade slots."""

    rota_id: str
    talk_id: str
    other_talk_id: str
    by: str


@event
@dataclass(frozen=True)
class SwapDeclined(Event):
    """Declined by the other speaker, or withdrawn by the one who asked."""

    rota_id: str
    talk_id: str
    other_talk_id: str
    by: str


@event
@dataclass(frozen=True)
class TalksSwapped(Event):
    rota_id: str
    talk_id: str
    other_talk_id: str
    by: str


@event
@dataclass(frozen=True)
class WaitlistJoined(Event):
    """A member waits for a taken slot, with the talk they would give in it."""

    rota_id: str
    slot_id: str
    member_id: str
    title: str
    abstract: str


@event
@dataclass(frozen=True)
class WaitlistLeft(Event):
    rota_id: str
    slot_id: str
    member_id: str
    by: str


@event
@dataclass(frozen=True)
class TalkReminderSent(Event):
    """The speaker was reminded of their talk, ``kind`` ``week`` or ``day`` before."""

    rota_id: str
    talk_id: str
    slot_id: str
    speaker_id: str
    kind: str


@event
@dataclass(frozen=True)
class WriteUpSaved(Event):
    """A revision of the talk's write-up (the article for customers and partners)."""

    rota_id: str
    talk_id: str
    title: str
    body: str
    revision: int
    by: str


@event
@dataclass(frozen=True)
class WriteUpSubmitted(Event):
    rota_id: str
    talk_id: str
    by: str


@event
@dataclass(frozen=True)
class WriteUpSentBack(Event):
    rota_id: str
    talk_id: str
    comment: str
    by: str


@event
@dataclass(frozen=True)
class WriteUpApproved(Event):
    rota_id: str
    talk_id: str
    by: str


@event
@dataclass(frozen=True)
class CalendarFeedIssued(Event):
    """The member's secret calendar address changed; the old one stops working."""

    member_id: str
    token_hash: str


# --- learning together: kudos and "today I learned" ----------------------------------


@event
@dataclass(frozen=True)
class KudosGiven(Event):
    """Recognition for a post or a talk (``target``), to its author or speaker.
    ``thread_id``/``post_id`` say where to read it (a talk: its discussion)."""

    target: str
    target_id: str
    member_id: str
    to_member_id: str
    note: str
    thread_id: str
    post_id: str


@event
@dataclass(frozen=True)
class KudosWithdrawn(Event):
    target: str
    target_id: str
    member_id: str


@event
@dataclass(frozen=True)
class TilConferenceChosen(Event):
    """The conference that holds "today I learned" posts."""

    conference_id: str
    by: str


# --- learning together: team-together days -------------------------------------------


@event
@dataclass(frozen=True)
class TeamDayCreated(Event):
    """A day of parallel sessions in a conference, whose list it follows."""

    day_id: str
    conference_id: str
    slug: str
    name: str
    description: str
    day: str  # ISO date
    timezone: str
    created_by: str


@event
@dataclass(frozen=True)
class SessionAdded(Event):
    """A session of the day; its follow-up thread is started with it."""

    day_id: str
    session_id: str
    title: str
    description: str
    host_id: str
    room: str
    starts_at: str
    ends_at: str
    level: str
    capacity: int
    thread_id: str
    post_id: str
    by: str


@event
@dataclass(frozen=True)
class SessionJoined(Event):
    day_id: str
    session_id: str
    member_id: str


@event
@dataclass(frozen=True)
class SessionLeft(Event):
    day_id: str
    session_id: str
    member_id: str


@event
@dataclass(frozen=True)
class FollowUpPlanned(Event):
    """A follow-up session is planned: this session links to that one."""

    day_id: str
    session_id: str
    next_day_id: str
    next_session_id: str
    by: str


# --- learning together: who knows what, mentoring -------------------------------------


@event
@dataclass(frozen=True)
class SkillsListed(Event):
    """A member's skills, as they typed them: what they can teach, what they want to learn.

    Each list replaces the one before; the directory keys a skill by its
    normalised form (:func:`forum.model.skills.skill_key`)."""

    member_id: str
    can_teach: tuple[str, ...]
    want_to_learn: tuple[str, ...]


@event
@dataclass(frozen=True)
class MentoringOffered(Event):
    """A member offers to mentor someone in a skill, with a short note."""

    mentoring_id: str
    member_id: str
    skill: str
    note: str


@event
@dataclass(frozen=True)
class MentoringAsked(Event):
    """A member asks for a mentor in a skill, with a short note."""

    mentoring_id: str
    member_id: str
    skill: str
    note: str


@event
@dataclass(frozen=True)
class MentoringWithdrawn(Event):
    mentoring_id: str
    member_id: str


# --- learning together: study circles ------------------------------------------------


@event
@dataclass(frozen=True)
class CircleStarted(Event):
    """A study circle, with its own conference (``conference_id``), started in the same
    transaction; its starter is its first organiser. ``join`` is ``open`` or
    ``approval`` (an internal circle) or ``invitation`` (a private one)."""

    circle_id: str
    conference_id: str
    slug: str
    name: str
    description: str
    cadence: str
    visibility: str
    join: str
    started_by: str


@event
@dataclass(frozen=True)
class CircleJoinRequested(Event):
    circle_id: str
    member_id: str
    note: str


@event
@dataclass(frozen=True)
class CircleJoinDeclined(Event):
    circle_id: str
    member_id: str
    by: str


@event
@dataclass(frozen=True)
class CircleJoined(Event):
    """A member is in: by themselves (open join), approved or added by an organiser."""

    circle_id: str
    member_id: str
    by: str


@event
@dataclass(frozen=True)
class CircleLeft(Event):
    """A member left (``by`` themselves) or an organiser took them off the circle."""

    circle_id: str
    member_id: str
    by: str


@event
@dataclass(frozen=True)
class CircleOrganiserNamed(Event):
    circle_id: str
    member_id: str
    by: str


@event
@dataclass(frozen=True)
class CircleCadenceChanged(Event):
    """How often it meets: words ("every other Tuesday") or an iCalendar rule."""

    circle_id: str
    cadence: str
    by: str


@event
@dataclass(frozen=True)
class CircleReadingListChanged(Event):
    """The whole ordered reading list was replaced: (title, link) pairs."""

    circle_id: str
    items: tuple[tuple[str, str], ...]
    revision: int
    by: str


@event
@dataclass(frozen=True)
class CircleSessionHeld(Event):
    """A session's notes: a thread in the circle's conference, started with this event."""

    circle_id: str
    session_id: str
    held_on: str  # ISO date
    title: str
    thread_id: str
    by: str


@event
@dataclass(frozen=True)
class CircleArchived(Event):
    """The circle ended: its conference becomes read-only, its notes stay readable."""

    circle_id: str
    by: str
