"""What the index holds, and how each event of the log changes it. Pure: no IO.

A document is one thing a reader can find: a thread (its subject), a post, a
chat message, a member's résumé, or a published article.
Each lives in a *space*, the unit the visibility rule speaks about: a
conference's id, ``room:<id>`` for a chat room, ``members`` for résumés (any
signed-in member) and ``published`` for articles (everybody). Access is decided
per space when a query runs, so an access-list change needs no re-indexing.

An article is indexed from its proposal on, hidden (so nobody finds a draft,
whose words may come from a private conference), with each revision; approval
shows it, dated from then; unpublishing removes it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from forum.core.eventstore import Recorded
from forum.features.articles.events import (
    ArticleApproved,
    ArticleProposed,
    ArticleRevised,
    ArticleUnpublished,
)
from forum.features.members.events import (
    MemberDeactivated,
    MemberReactivated,
    MemberRegistered,
    ProfileUpdated,
)
from forum.features.rooms.events import (
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    MessagesMoved,
    ThreadStartedFromChat,
)
from forum.features.threads.events import (
    PostDeleted,
    PostEdited,
    PostHidden,
    PostUnhidden,
    ReplyPosted,
    ThreadMoved,
    ThreadStarted,
)

MEMBERS_SPACE = "members"
PUBLISHED_SPACE = "published"
_LINK = re.compile(r"https?://|www\.\w|\]\(", re.IGNORECASE)


@dataclass(frozen=True)
class Document:
    id: str  # "<kind>:<id>"
    kind: str  # thread, post, chat, member, article
    space: str
    container: str  # the thread or room it belongs to ("" for members)
    seq: int  # its number in the thread or room (0 for a thread or member)
    author: str
    title: str
    body: str
    created: datetime
    hidden: bool = False  # hidden by a moderator, or a deactivated member

    @property
    def has_link(self) -> bool:
        return bool(_LINK.search(self.body))


@dataclass(frozen=True)
class Put:
    document: Document


@dataclass(frozen=True)
class Remove:
    doc_id: str


@dataclass(frozen=True)
class Revise:
    """New text for a document already indexed (its place and author stay)."""

    doc_id: str
    name: str | None = None  # a member's new display name (their handle stays)
    body: str | None = None
    hidden: bool | None = None
    title: str | None = None  # an article's new title
    created: datetime | None = None  # an article's publication


@dataclass(frozen=True)
class Relocate:
    """Everything in a thread now lives in another space (the thread moved)."""

    container: str
    space: str


Change = Put | Remove | Revise | Relocate
# Where a thread lives now; None when the index has never seen it.
ThreadSpace = Callable[[str], str | None]


def apply_revision(document: Document, change: Revise) -> Document:
    title = document.title if change.title is None else change.title
    if change.name is not None:
        title = f"{change.name} @{document.title.rpartition('@')[2]}"
    return replace(
        document, title=title,
        body=document.body if change.body is None else change.body,
        hidden=document.hidden if change.hidden is None else change.hidden,
        created=document.created if change.created is None else change.created)


def room_space(room_id: str) -> str:
    return f"room:{room_id}"


def _post(post_id: str, space: str, thread_id: str, seq: int, author: str, body: str,
          when: datetime) -> Document:
    return Document(f"post:{post_id}", "post", space, thread_id, seq, author, "", body, when)


def _thread(thread_id: str, space: str, author: str, subject: str, when: datetime) -> Document:
    return Document(f"thread:{thread_id}", "thread", space, thread_id, 0, author, subject, "",
                    when)


def _member(e: MemberRegistered, when: datetime) -> Document:
    return Document(f"member:{e.member_id}", "member", MEMBERS_SPACE, "", 0, e.member_id,
                    f"{e.display_name} @{e.handle}", "", when)


def _profile_text(e: ProfileUpdated) -> str:
    return "\n".join([e.bio, " ".join(e.skills), " ".join(e.interests), " ".join(e.can_teach)])


def _from_chat(e: ThreadStartedFromChat, when: datetime) -> list[Change]:
    first_author = e.posts[0][1] if e.posts else e.moved_by
    changes: list[Change] = [Put(_thread(e.thread_id, e.conference_id, first_author,
                                         e.subject, when))]
    for seq, (post_id, author, body, said_at, _reply) in enumerate(e.posts, start=1):
        changes.append(Put(_post(post_id, e.conference_id, e.thread_id, seq, author, body,
                                 datetime.fromisoformat(said_at))))
    return changes


def _article_text(summary: str, body: str, tags: tuple[str, ...]) -> str:
    return "\n".join([summary, body, " ".join(tags)])


def _article(e: ArticleProposed, when: datetime) -> Document:
    return Document(f"article:{e.article_id}", "article", PUBLISHED_SPACE, e.article_id, 0,
                    e.author_id, e.title, _article_text(e.summary, e.body, e.tags), when,
                    hidden=True)


def changes_for(recorded: Recorded, thread_space: ThreadSpace) -> list[Change]:
    """The index changes one event makes (none for most events)."""
    e, when = recorded.event, recorded.occurred_at
    match e:
        case ThreadStarted():
            return [Put(_thread(e.thread_id, e.conference_id, e.author_id, e.subject, when)),
                    Put(_post(e.post_id, e.conference_id, e.thread_id, 1, e.author_id, e.body,
                              when))]
        case ReplyPosted():
            space = thread_space(e.thread_id)
            if space is None:
                return []
            return [Put(_post(e.post_id, space, e.thread_id, e.seq, e.author_id, e.body, when))]
        case PostEdited():
            return [Revise(f"post:{e.post_id}", body=e.body)]
        case PostDeleted():
            return [Remove(f"post:{e.post_id}")]
        case PostHidden() | PostUnhidden():
            return [Revise(f"post:{e.post_id}", hidden=isinstance(e, PostHidden))]
        case ThreadMoved():
            return [Relocate(e.thread_id, e.to_conference_id)]
        case ThreadStartedFromChat():
            return _from_chat(e, when)
        case MessagePosted():
            return [Put(Document(f"chat:{e.message_id}", "chat", room_space(e.room_id),
                                 e.room_id, e.seq, e.author_id, "", e.body, when))]
        case MessageEdited():
            return [Revise(f"chat:{e.message_id}", body=e.body)]
        case MessageDeleted():
            return [Remove(f"chat:{e.message_id}")]
        case MessagesMoved():
            # They live on as the posts of the thread they became (ThreadStartedFromChat).
            return [Remove(f"chat:{m}") for m in e.message_ids]
        case MemberRegistered():
            return [Put(_member(e, when))]
        case ProfileUpdated():
            return [Revise(f"member:{e.member_id}", name=e.display_name, body=_profile_text(e))]
        case ArticleProposed():
            return [Put(_article(e, when))]
        case ArticleRevised():
            return [Revise(f"article:{e.article_id}", title=e.title,
                           body=_article_text(e.summary, e.body, e.tags))]
        case ArticleApproved():
            return [Revise(f"article:{e.article_id}", hidden=False, created=when)]
        case ArticleUnpublished():
            return [Remove(f"article:{e.article_id}")]
        case MemberDeactivated() | MemberReactivated():
            return [Revise(f"member:{e.member_id}", hidden=isinstance(e, MemberDeactivated))]
    return []
