"""The demo as data: the people, conferences, scripts and rooms it is planned from, and the plan.

The planner (:mod:`forum.demo.planner`) turns the content into a :class:`DemoPlan`;
the loader sends it through the handlers and reports a :class:`DemoResult`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from forum.core.permissions import ConferenceAccess

ADMIN_HANDLE = "admin"


@dataclass(frozen=True)
class Person:
    handle: str
    name: str
    office: str  # "Gothenburg", "Edinburgh" or "Remote"
    role: str  # "admin", "staff" or "guest"
    title: str
    track: str
    city: str = ""
    core: tuple[str, ...] = ()  # what they are known for (and can teach)
    share_read_history: bool = True


@dataclass(frozen=True)
class Profile:
    bio: str
    skills: tuple[str, ...]
    interests: tuple[str, ...]
    can_teach: tuple[str, ...]


@dataclass(frozen=True)
class ConferencePlan:
    key: str
    slug: str
    name: str
    visibility: str
    resume: str
    moderator: str
    parent: str | None = None
    # (principal, access); a principal without ":" is a member's handle.
    acl: tuple[tuple[str, str], ...] = ()

    def access(self) -> ConferenceAccess:
        """The access rules with handles standing in for member ids (for planning)."""
        entries = tuple(
            (p if ":" in p or p == "members" else f"member:{p}", a) for p, a in self.acl
        )
        return ConferenceAccess(self.key, self.visibility, entries)


@dataclass(frozen=True)
class PostPlan:
    author: str
    body: str
    parent: int | None  # index of the post replied to; None for the first post


@dataclass(frozen=True)
class EditPlan:
    post: int
    body: str  # the whole new body


@dataclass
class ThreadPlan:
    conference: str
    subject: str
    age: float  # 0 is the oldest thread, 1 the newest
    posts: list[PostPlan]
    edits: list[EditPlan] = field(default_factory=list)
    pin: bool = False
    lock: str | None = None  # the reason, when the moderator locks it
    hide: tuple[int, str] | None = None  # (post index, reason)
    delete: int | None = None  # post index, removed by its own author


@dataclass(frozen=True)
class ReadPlan:
    handle: str
    thread: int  # index into DemoPlan.threads
    up_to_seq: int


@dataclass
class DemoPlan:
    people: list[Person]
    profiles: dict[str, Profile]
    conferences: list[ConferencePlan]
    threads: list[ThreadPlan]
    reads: list[ReadPlan]

    @property
    def post_count(self) -> int:
        return sum(len(t.posts) for t in self.threads)

    @property
    def steps(self) -> int:
        """How many commands loading this plan sends."""
        extra = sum(len(t.edits) + t.pin + (t.lock is not None) + (t.hide is not None)
                    + (t.delete is not None) for t in self.threads)
        return (2 * len(self.people) + 2 * len(self.conferences) + self.post_count + extra
                + len(self.reads))


@dataclass(frozen=True)
class DemoResult:
    admin_handle: str
    members: int
    conferences: int
    threads: int
    posts: int
    rooms: int = 0
    messages: int = 0
    talks: int = 0
    articles: int = 0
    circles: int = 0


# A reply: (index of the post it answers, author handle or "" for anyone, body).
Reply = tuple[int, str, str]


@dataclass(frozen=True)
class Script:
    conference: str
    age: float
    author: str
    subject: str
    body: str
    replies: tuple[Reply, ...]
    # (post index, text to replace or "" to append, new text), by the post's author
    edits: tuple[tuple[int, str, str], ...] = ()
    pin: bool = False
    lock: str | None = None
    hide: tuple[int, str] | None = None
    delete: int | None = None


@dataclass(frozen=True)
class Incident:
    text: str
    question: str
    answer: str


@dataclass(frozen=True)
class RoomPlan:
    """A chat room and what was said in it: (handle, text, index replied to or None).
    ``conference`` attaches it to a conference (by key); ``direct`` makes it a
    conversation between ``members``. Reactions: (message index, handle, emoji)."""

    slug: str
    name: str
    topic: str
    creator: str
    members: tuple[str, ...]
    said: tuple[tuple[str, str, int | None], ...]
    reactions: tuple[tuple[int, str, str], ...] = ()
    conference: str | None = None
    direct: bool = False


@dataclass(frozen=True)
class CirclePlan:
    """A study circle: ``reading`` is (title, link); a session is (weeks ago, title, notes)."""

    slug: str
    name: str
    description: str
    cadence: str
    visibility: str
    join: str
    reading: tuple[tuple[str, str], ...] = ()
    sessions: tuple[tuple[int, str, str], ...] = ()
