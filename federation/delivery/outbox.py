"""The outbox: a durable subscriber turning public events into delivery jobs.

Each job is a row of ``deliveries``: one activity for one inbox, unique on
(activity id, inbox), so replaying an event (at-least-once) adds nothing. The
delivery worker (federation/delivery/worker.py) sends them. It needs no app:
an engine and the site's origin are all it reads from.

* A thread started or a reply posted in a **public** conference, and an article
  published: ``Create`` from the object's author (an opted-in member, else the
  group or, for an article without a public conference, the instance actor) to
  the author's followers, and the conference group's ``Announce`` of that
  Create to the group's followers (FEP-1b12, as Lemmy does). Followers on one
  server share one delivery when they have a shared inbox.
* An edit (a post, a published article's revision): ``Update`` to the same
  followers, after ``grace`` seconds; a later edit within the grace supersedes a
  pending Update, so a burst of edits goes out once.
* A post deleted or hidden, an article unpublished: ``Delete`` (of a
  ``Tombstone``) to every inbox the object was ever sent to (the ledger: rows
  delivered, or attempted without a refusal, since a server that timed out may
  have taken it); jobs for it not yet attempted are cancelled.
* A thread moved out of public view, or a conference made internal or private:
  ``Delete`` of each of its posts that was sent anywhere (stricter than the
  fediverse usually is: what is no longer public is withdrawn).
* A follow accepted or rejected: ``Accept``/``Reject`` of the Follow, to the
  follower's own inbox.

What is read goes through federation/reads.py (the one visibility rule): an
object that is not public when its event is handled is not sent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import orjson
from sqlalchemy import Connection, Engine, and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from federation import reads
from federation.documents.activities import tombstone
from federation.documents.actors import PUBLIC, Site
from federation.follows.events import FollowAccepted, FollowRejected
from federation.follows.queries import delivery_inboxes
from federation.follows.tables import followers
from federation.tables import deliveries, remote_actors
from forum.core.db import write_connection
from forum.core.eventstore import Recorded
from forum.features.articles import queries as article_queries
from forum.features.articles.events import ArticleApproved, ArticleRevised, ArticleUnpublished
from forum.features.conferences.events import ConferenceUpdated
from forum.features.conferences.queries import get_conference
from forum.features.members.queries import get_member
from forum.features.threads.events import (
    PostDeleted,
    PostEdited,
    PostHidden,
    ReplyPosted,
    ThreadMoved,
    ThreadStarted,
)
from forum.features.threads.queries import get_post, get_thread
from forum.features.threads.tables import posts, threads

log = logging.getLogger(__name__)
SENT_KINDS = ("Create", "Announce", "Update")


class Signer:
    """A local actor as a sender: its key's name, its id, its keyId."""

    def __init__(self, key: str, actor_id: str, followers: str = "") -> None:
        self.key, self.id, self.key_id = key, actor_id, f"{actor_id}#main-key"
        self.followers = followers


def _insert(conn: Connection) -> Any:
    dialect = sqlite if conn.dialect.name == "sqlite" else postgresql
    return dialect.insert(deliveries)


class Outbox:
    """The subscriber (``federation-outbox``) of one database and one public origin."""

    name = "federation-outbox"

    def __init__(self, engine: Engine, site: Site, grace: float) -> None:
        self.engine = engine
        self.site = site
        self.grace = timedelta(seconds=grace)
        self._on: dict[str, Callable[[Any, Recorded, Any], None]] = {
            "ThreadStarted": self._post_created, "ReplyPosted": self._post_created,
            "PostEdited": self._post_edited, "PostDeleted": self._post_removed,
            "PostHidden": self._post_removed, "ArticleApproved": self._article_published,
            "ArticleRevised": self._article_revised,
            "ArticleUnpublished": self._article_unpublished,
            "FollowAccepted": self._follow_answered, "FollowRejected": self._follow_answered,
            "ThreadMoved": self._thread_moved, "ConferenceUpdated": self._conference_updated,
        }

    def handle(self, recorded: Recorded) -> None:
        handler = self._on.get(recorded.event.type)
        if handler is None:
            return
        # The documents are built as the pages build them (federation/reads.py, on a
        # read connection); the jobs are then written in one short transaction, so no
        # write lock is held while keys are made or pages rendered.
        ops: list[Callable[[Connection], None]] = []
        with self.engine.connect() as conn:
            handler(_Planner(conn, ops), recorded, recorded.event)
        if ops:
            with write_connection(self.engine) as conn, conn.begin():
                for op in ops:
                    op(conn)

    # --- jobs ------------------------------------------------------------------------

    def _jobs(self, conn: Any, activity: dict[str, Any], inboxes: list[str],
              sender: Signer, owner: Signer, object_id: str, delay: timedelta = timedelta()
              ) -> None:
        if not inboxes:
            return
        now = datetime.now(UTC)
        body = orjson.dumps({"@context": "https://www.w3.org/ns/activitystreams", **activity})
        rows = [dict(activity_id=activity["id"], inbox=inbox, host=urlsplit(inbox).netloc,
                     object_id=object_id, kind=activity["type"], sign_as=sender.key,
                     key_id=sender.key_id, owner_key=owner.key, owner_key_id=owner.key_id,
                     body=body.decode(), status="pending", attempts=0,
                     not_before=now + delay, created_at=now) for inbox in inboxes]
        conn.later(lambda write: write.execute(_insert(write).on_conflict_do_nothing(), rows))

    def _fan_out(self, conn: Any, document: dict[str, Any], kind: str,
                 activity_id: str, author: Signer, author_actor: str | None,
                 group: tuple[Signer, str] | None, position: int,
                 delay: timedelta = timedelta()) -> None:
        """``kind`` (Create or Update) by the author to its followers, Announced by the
        group to the group's followers."""
        body = {key: value for key, value in document.items() if key != "@context"}
        activity = {"id": activity_id, "type": kind, "actor": author.id,
                    "published": document.get("updated") or document["published"],
                    "to": document["to"], "cc": document["cc"], "object": body}
        if author_actor is not None:
            inboxes = delivery_inboxes(conn, [author_actor], position)
            self._jobs(conn, activity, inboxes, author, author, document["id"], delay)
        if group is not None:
            signer, local = group
            announce = {"id": f"{activity_id}#announce", "type": "Announce",
                        "actor": signer.id, "published": activity["published"],
                        "to": [PUBLIC], "cc": [signer.followers], "object": activity}
            inboxes = delivery_inboxes(conn, [local], position)
            if kind == "Update":
                self._supersede(conn, document["id"], inboxes)
            self._jobs(conn, announce, inboxes, signer, author, document["id"], delay)

    def _supersede(self, conn: Any, object_id: str, inboxes: list[str]) -> None:
        conn.later(lambda write: write.execute(update(deliveries).where(
            deliveries.c.object_id == object_id, deliveries.c.inbox.in_(inboxes),
            deliveries.c.status == "pending", deliveries.c.attempts == 0,
            or_(deliveries.c.kind == "Update", and_(
                deliveries.c.kind == "Announce",
                deliveries.c.activity_id.like("%#update-%")))).values(status="superseded")))

    def _delete(self, conn: Any, object_id: str, former_type: str) -> None:
        conn.later(lambda write: self._delete_now(write, object_id, former_type))

    def _delete_now(self, conn: Connection, object_id: str, former_type: str) -> None:
        ledger = conn.execute(select(deliveries.c.inbox, deliveries.c.owner_key,
                                     deliveries.c.owner_key_id).where(
            deliveries.c.object_id == object_id, deliveries.c.kind.in_(SENT_KINDS),
            or_(deliveries.c.status == "delivered", and_(
                deliveries.c.attempts > 0,
                # A server that refused it (4xx) does not have it; one that failed may.
                or_(deliveries.c.status != "dead",
                    deliveries.c.last_error.not_like("4%")))))).all()
        conn.execute(update(deliveries).where(
            deliveries.c.object_id == object_id, deliveries.c.status == "pending",
            deliveries.c.attempts == 0, deliveries.c.kind.in_(SENT_KINDS))
            .values(status="cancelled"))
        if not ledger:
            return
        owner = Signer(ledger[0].owner_key, ledger[0].owner_key_id.removesuffix("#main-key"))
        stone = tombstone(object_id, former_type, _now_iso())
        stone.pop("@context")
        activity = {"id": f"{object_id}#delete", "type": "Delete", "actor": owner.id,
                    "to": [PUBLIC], "object": stone}
        self._jobs(_Planner(conn, None), activity, sorted({row.inbox for row in ledger}),
                   owner, owner, object_id)

    # --- who speaks -------------------------------------------------------------------

    def _author(self, conn: Any, author_handle: str | None, fallback: Signer
                ) -> tuple[Signer, str | None]:
        member = reads.get_fediverse_member(conn, author_handle) if author_handle else None
        if member is None:
            return fallback, None
        actor_id = self.site.url(f"/members/{member.handle}")
        return Signer(f"member:{member.id}", actor_id), f"member:{member.id}"

    def _group(self, conference: Any) -> tuple[Signer, str]:
        s = self.site
        signer = Signer(f"conference:{conference.id}", s.url(f"/c/{conference.slug}"),
                        s.url(f"/ap/c/{conference.slug}/followers"))
        return signer, f"conference:{conference.id}"

    # --- posts ------------------------------------------------------------------------

    def _public_post(self, conn: Any, post_id: str) -> tuple[Any, Any] | None:
        found = reads.get_public_post(conn, post_id)
        if found is None or found[0].deleted_by or found[0].hidden_by:
            return None
        return found

    def _send_post(self, conn: Any, rec: Recorded, post_id: str, kind: str) -> None:
        found = self._public_post(conn, post_id)
        if found is None:
            return
        row, conference = found
        group = self._group(conference)
        author, author_actor = self._author(
            conn, row.author_handle if row.author_federated else None, group[0])
        document = reads.post_document(conn, self.site, row, conference)
        suffix = "#create" if kind == "Create" else f"#update-{rec.position}"
        self._fan_out(conn, document, kind, document["id"] + suffix, author, author_actor,
                      group, rec.position, self.grace if kind == "Update" else timedelta())

    def _post_created(self, conn: Any, rec: Recorded,
                      e: ThreadStarted | ReplyPosted) -> None:
        self._send_post(conn, rec, e.post_id, "Create")

    def _post_edited(self, conn: Any, rec: Recorded, e: PostEdited) -> None:
        self._send_post(conn, rec, e.post_id, "Update")

    def _post_removed(self, conn: Any, rec: Recorded,
                      e: PostDeleted | PostHidden) -> None:
        post = get_post(conn, e.post_id)
        seq = post.seq if post is not None else 2
        former = "Note"
        if post is not None and seq == 1:
            found = get_thread(conn, post.thread_id)
            former = reads.first_post_type(conn, found.conference_id) \
                if found is not None else "Article"
        self._delete(conn, self.site.url(f"/p/{e.post_id}"), former)

    def _withdraw_thread(self, conn: Any, thread_id: str) -> None:
        """Delete every post of a thread that is no longer public, wherever it went."""
        rows = conn.execute(select(posts.c.id, posts.c.seq, threads.c.conference_id)
                            .join(threads, threads.c.id == posts.c.thread_id)
                            .where(posts.c.thread_id == thread_id)).all()
        for row in rows:
            former = reads.first_post_type(conn, row.conference_id) if row.seq == 1 else "Note"
            self._delete(conn, self.site.url(f"/p/{row.id}"), former)

    def _thread_moved(self, conn: Any, rec: Recorded, e: ThreadMoved) -> None:
        if reads.get_public_thread(conn, e.thread_id) is None:
            self._withdraw_thread(conn, e.thread_id)

    def _conference_updated(self, conn: Any, rec: Recorded, e: ConferenceUpdated) -> None:
        if e.visibility == "public":
            return
        for thread_id in conn.execute(select(threads.c.id).where(
                threads.c.conference_id == e.conference_id)).scalars():
            self._withdraw_thread(conn, thread_id)

    # --- articles ---------------------------------------------------------------------

    def _send_article(self, conn: Any, rec: Recorded, article_id: str,
                      kind: str) -> None:
        row = article_queries.get_article(conn, article_id)
        if row is None or row.status != "published":
            return
        document = reads.article_document(conn, self.site, row)
        thread = reads.get_public_thread(conn, row.thread_id)
        group = self._group(thread[1]) if thread else None
        instance = Signer("instance", self.site.url("/actor"))
        author, author_actor = self._author(conn, row.author_handle, instance)
        suffix = "#create" if kind == "Create" else f"#update-{rec.position}"
        self._fan_out(conn, document, kind, document["id"] + suffix, author, author_actor,
                      group, rec.position, self.grace if kind == "Update" else timedelta())

    def _article_published(self, conn: Any, rec: Recorded, e: ArticleApproved
                           ) -> None:
        self._send_article(conn, rec, e.article_id, "Create")

    def _article_revised(self, conn: Any, rec: Recorded, e: ArticleRevised) -> None:
        self._send_article(conn, rec, e.article_id, "Update")

    def _article_unpublished(self, conn: Any, rec: Recorded,
                             e: ArticleUnpublished) -> None:
        row = article_queries.get_article(conn, e.article_id)
        if row is not None and row.slug:
            self._delete(conn, self.site.url(f"/blog/{row.slug}"), "Article")

    # --- follows ----------------------------------------------------------------------

    def _follow_answered(self, conn: Any, rec: Recorded,
                         e: FollowAccepted | FollowRejected) -> None:
        kind, _, ident = e.local_actor.partition(":")
        s = self.site
        if kind == "conference":
            conference = get_conference(conn, ident)
            actor_id = s.url(f"/c/{conference.slug}") if conference is not None else None
        else:
            member = get_member(conn, ident)
            actor_id = s.url(f"/members/{member.handle}") if member is not None else None
        inbox = _follower_inbox(conn, e)
        if actor_id is None or inbox is None:
            return
        signer = Signer(e.local_actor, actor_id)
        answer = "Accept" if isinstance(e, FollowAccepted) else "Reject"
        activity = {"id": f"{actor_id}#follows/{rec.position}", "type": answer,
                    "actor": actor_id, "to": [e.remote_actor],
                    "object": {"id": e.follow_id, "type": "Follow", "actor": e.remote_actor,
                               "object": actor_id}}
        self._jobs(conn, activity, [inbox], signer, signer, e.follow_id)


class _Planner:
    """A read connection that also collects the writes to make afterwards (``later``);
    with no list, writes happen at once (we are already in the write transaction)."""

    def __init__(self, conn: Connection, ops: list[Callable[[Connection], None]] | None
                 ) -> None:
        self.conn, self.ops = conn, ops

    def __getattr__(self, name: str) -> Any:
        return getattr(self.conn, name)

    def later(self, op: Callable[[Connection], None]) -> None:
        if self.ops is None:
            op(self.conn)
        else:
            self.ops.append(op)


def _follower_inbox(conn: Connection, e: FollowAccepted | FollowRejected) -> str | None:
    """The follower's own inbox, from its request (kept in the log, so a rejected
    follower, gone from the read model, is still answered)."""
    value = conn.execute(select(remote_actors.c.inbox).where(
        remote_actors.c.id == e.remote_actor)).scalar()
    if value is None:
        value = conn.execute(select(followers.c.inbox).where(
            followers.c.remote_actor == e.remote_actor)).scalar()
    return str(value) if value else None


def _now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

