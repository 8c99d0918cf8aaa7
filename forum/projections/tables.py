"""The read models' tables. All of them can be dropped and rebuilt from the log."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from forum.db import metadata
from forum.projections.bulk import BULK_LOAD_DROP

members = Table(
    "members",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("handle", String(40), nullable=False, unique=True),
    Column("display_name", String(100), nullable=False),
    Column("email", String(254), nullable=False),
    Column("role", String(20), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("bio", Text, nullable=False, default=""),
    Column("skills", Text, nullable=False, default="[]"),
    Column("interests", Text, nullable=False, default="[]"),
    Column("can_teach", Text, nullable=False, default="[]"),
    Column("share_read_history", Boolean, nullable=False, default=True),
    # Opted in to a fediverse Person actor (acct:handle@host); off until they choose.
    Column("fediverse", Boolean, nullable=False, default=False),
    Column("joined_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("member_id", String(40), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

invitations = Table(
    "invitations",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("invited_by", String(40), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("accepted_by", String(40), nullable=True),
    Column("accepted_at", DateTime(timezone=True), nullable=True),
)

conferences = Table(
    "conferences",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("slug", String(80), nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("resume", Text, nullable=False, default=""),
    Column("resume_html", Text, nullable=False, default=""),
    Column("visibility", String(20), nullable=False),
    Column("parent_id", String(40), nullable=True),
    Column("acl", Text, nullable=False, default="[]"),
    Column("created_by", String(40), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),
)

threads = Table(
    "threads",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("conference_id", String(40), nullable=False, index=True),
    Column("subject", String(200), nullable=False),
    Column("author_id", String(40), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_post_at", DateTime(timezone=True), nullable=False),
    Column("post_count", Integer, nullable=False),
    Column("last_seq", Integer, nullable=False),
    Column("locked", Boolean, nullable=False, default=False),
    Column("pinned", Boolean, nullable=False, default=False),
    Column("version", Integer, nullable=False),
)

posts = Table(
    "posts",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("thread_id", String(40), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("parent_id", String(40), nullable=True),
    Column("author_id", String(40), nullable=False),
    Column("body", Text, nullable=False),
    Column("html", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("edited_at", DateTime(timezone=True), nullable=True),
    Column("revision", Integer, nullable=False, default=1),
    Column("deleted_by", String(40), nullable=True),
    Column("hidden_by", String(40), nullable=True),
    Column("hidden_reason", Text, nullable=True),
    Column("position", BigInteger, nullable=False),
)
# Pages read posts by these; projections find a post by its id.
Index("ix_posts_thread_seq", posts.c.thread_id, posts.c.seq, unique=True, info=BULK_LOAD_DROP)
Index("ix_posts_position", posts.c.position, info=BULK_LOAD_DROP)

post_revisions = Table(
    "post_revisions",
    metadata,
    Column("post_id", String(40), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("body", Text, nullable=False),
    Column("editor_id", String(40), nullable=False),
    Column("edited_at", DateTime(timezone=True), nullable=False),
)

# The public blog's articles, drafts included (their words are shown through the
# article rules in forum.permissions only).
articles = Table(
    "articles",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("status", String(20), nullable=False),  # proposed, sent_back, published, unpublished
    Column("source_kind", String(20), nullable=False),  # thread, post, talk
    Column("source_id", String(40), nullable=False),
    Column("thread_id", String(40), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("summary", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("html", Text, nullable=False),
    Column("tags", Text, nullable=False, default="[]"),
    Column("author_id", String(40), nullable=False),
    Column("proposed_by", String(40), nullable=False),
    Column("proposed_at", DateTime(timezone=True), nullable=False),
    Column("reviewed_by", String(40), nullable=True),
    Column("comment", Text, nullable=True),  # the last send-back comment
    Column("slug", String(80), nullable=True, unique=True),
    Column("published_at", DateTime(timezone=True), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("unpublished_at", DateTime(timezone=True), nullable=True),
    Column("unpublish_reason", Text, nullable=True),
    Column("revision", Integer, nullable=False),
    Column("version", Integer, nullable=False),
)
Index("ix_articles_published", articles.c.status, articles.c.published_at)

article_tags = Table(
    "article_tags",
    metadata,
    Column("tag", String(40), primary_key=True),
    Column("article_id", String(40), primary_key=True),
)

read_markers = Table(
    "read_markers",
    metadata,
    Column("member_id", String(40), primary_key=True),
    Column("thread_id", String(40), primary_key=True),
    Column("up_to_seq", Integer, nullable=False),
    Column("read_at", DateTime(timezone=True), nullable=False),
)

read_log = Table(
    "read_log",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("member_id", String(40), nullable=False),
    Column("thread_id", String(40), nullable=False),
    Column("from_seq", Integer, nullable=False),
    Column("to_seq", Integer, nullable=False),
    Column("read_at", DateTime(timezone=True), nullable=False),
)
Index("ix_read_log_thread", read_log.c.thread_id, read_log.c.to_seq, info=BULK_LOAD_DROP)

rooms = Table(
    "rooms",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("slug", String(80), nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("topic", Text, nullable=False, default=""),
    Column("visibility", String(20), nullable=False),
    Column("conference_id", String(40), nullable=True, index=True),
    Column("created_by", String(40), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("archived", Boolean, nullable=False, default=False),
    Column("last_seq", Integer, nullable=False, default=0),
    Column("last_message_at", DateTime(timezone=True), nullable=True),
    Column("version", Integer, nullable=False),
)

room_members = Table(
    "room_members",
    metadata,
    Column("room_id", String(40), primary_key=True),
    Column("member_id", String(40), primary_key=True),
    Column("joined_at", DateTime(timezone=True), nullable=False),
)
Index("ix_room_members_member", room_members.c.member_id, info=BULK_LOAD_DROP)

messages = Table(
    "messages",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("room_id", String(40), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("author_id", String(40), nullable=False),
    Column("body", Text, nullable=False),
    Column("html", Text, nullable=False),
    Column("reply_to", String(40), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("edited_at", DateTime(timezone=True), nullable=True),
    Column("revision", Integer, nullable=False, default=1),
    Column("deleted_by", String(40), nullable=True),
    Column("moved_to", String(40), nullable=True),  # the thread it became part of
    Column("position", BigInteger, nullable=False),
)
Index("ix_messages_room_seq", messages.c.room_id, messages.c.seq, unique=True,
      info=BULK_LOAD_DROP)

message_revisions = Table(
    "message_revisions",
    metadata,
    Column("message_id", String(40), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("body", Text, nullable=False),
    Column("editor_id", String(40), nullable=False),
    Column("edited_at", DateTime(timezone=True), nullable=False),
)

reactions = Table(
    "reactions",
    metadata,
    Column("message_id", String(40), primary_key=True),
    Column("member_id", String(40), primary_key=True),
    Column("emoji", String(16), primary_key=True),
    Column("room_id", String(40), nullable=False),
    Column("reacted_at", DateTime(timezone=True), nullable=False),
)

room_read_markers = Table(
    "room_read_markers",
    metadata,
    Column("member_id", String(40), primary_key=True),
    Column("room_id", String(40), primary_key=True),
    Column("up_to_seq", Integer, nullable=False),
    Column("read_at", DateTime(timezone=True), nullable=False),
)

notifications = Table(
    "notifications",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("member_id", String(40), primary_key=True),
    Column("kind", String(20), nullable=False),  # mention, reply, thread, post, message, direct
    Column("actor_id", String(40), nullable=False),
    Column("conference_id", String(40), nullable=True),
    Column("thread_id", String(40), nullable=True),
    Column("post_id", String(40), nullable=True),
    Column("room_id", String(40), nullable=True),
    Column("message_id", String(40), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("read", Boolean, nullable=False, default=False),
)
Index("ix_notifications_unread", notifications.c.member_id, notifications.c.read)

watch_levels = Table(
    "watch_levels",
    metadata,
    Column("member_id", String(40), primary_key=True),
    Column("target", String(20), primary_key=True),
    Column("target_id", String(40), primary_key=True),
    Column("level", String(20), nullable=False),
)

# --- learning together: the talk rota ------------------------------------------------

rotas = Table(
    "rotas",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("conference_id", String(40), nullable=False, index=True),
    Column("slug", String(80), nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("description_html", Text, nullable=False, default=""),
    Column("timezone", String(64), nullable=False),
    Column("created_by", String(40), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),
)

rota_slots = Table(
    "rota_slots",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("rota_id", String(40), nullable=False),
    Column("starts_at", DateTime(timezone=True), nullable=False),
    Column("ends_at", DateTime(timezone=True), nullable=False),
    Column("talk_id", String(40), nullable=True),
)
Index("ix_rota_slots_rota_start", rota_slots.c.rota_id, rota_slots.c.starts_at)

talks = Table(
    "talks",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("rota_id", String(40), nullable=False, index=True),
    Column("slot_id", String(40), nullable=False),
    Column("speaker_id", String(40), nullable=False, index=True),
    Column("title", String(150), nullable=False),
    Column("abstract", Text, nullable=False),
    Column("abstract_html", Text, nullable=False),
    Column("thread_id", String(40), nullable=False),
    Column("post_id", String(40), nullable=False),
    Column("signed_up_by", String(40), nullable=False),
    Column("signed_up_at", DateTime(timezone=True), nullable=False),
    Column("swap_with", String(40), nullable=True),
    Column("writeup_status", String(20), nullable=False, default="none"),
    Column("writeup_title", String(200), nullable=False, default=""),
    Column("writeup_body", Text, nullable=False, default=""),
    Column("writeup_html", Text, nullable=False, default=""),
    Column("writeup_revision", Integer, nullable=False, default=0),
    Column("writeup_by", String(40), nullable=True),
    Column("writeup_at", DateTime(timezone=True), nullable=True),
    Column("review_comment", Text, nullable=False, default=""),
    Column("reviewed_by", String(40), nullable=True),
    Column("reviewed_at", DateTime(timezone=True), nullable=True),
)

rota_waitlist = Table(
    "rota_waitlist",
    metadata,
    Column("slot_id", String(40), primary_key=True),
    Column("member_id", String(40), primary_key=True),
    Column("rota_id", String(40), nullable=False),
    Column("title", String(150), nullable=False),
    Column("abstract", Text, nullable=False),
    Column("position", BigInteger, nullable=False),  # the log's order is the queue's
    Column("joined_at", DateTime(timezone=True), nullable=False),
)

talk_reminders = Table(
    "talk_reminders",
    metadata,
    Column("talk_id", String(40), primary_key=True),
    Column("slot_id", String(40), primary_key=True),
    Column("kind", String(10), primary_key=True),
    Column("speaker_id", String(40), nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False),
)

calendar_feeds = Table(
    "calendar_feeds",
    metadata,
    Column("member_id", String(40), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("issued_at", DateTime(timezone=True), nullable=False),
)

# --- learning together: kudos and settings -------------------------------------------

kudos = Table(
    "kudos",
    metadata,
    Column("target", String(10), primary_key=True),
    Column("target_id", String(40), primary_key=True),
    Column("member_id", String(40), primary_key=True),
    Column("to_member_id", String(40), nullable=False, index=True),
    Column("note", Text, nullable=False),
    Column("thread_id", String(40), nullable=False),
    Column("post_id", String(40), nullable=False),
    Column("given_at", DateTime(timezone=True), nullable=False),
)

learning_settings = Table(
    "learning_settings",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("value", String(200), nullable=False),
)

# --- learning together: team-together days -------------------------------------------

team_days = Table(
    "team_days",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("conference_id", String(40), nullable=False, index=True),
    Column("slug", String(80), nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("description", Text, nullable=False),
    Column("description_html", Text, nullable=False),
    Column("day", String(10), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("created_by", String(40), nullable=False),
    Column("version", Integer, nullable=False),
)

team_sessions = Table(
    "team_sessions",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("day_id", String(40), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("description_html", Text, nullable=False),
    Column("host_id", String(40), nullable=False),
    Column("room", String(80), nullable=False),
    Column("starts_at", DateTime(timezone=True), nullable=False),
    Column("ends_at", DateTime(timezone=True), nullable=False),
    Column("level", String(20), nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("taken", Integer, nullable=False),
    Column("thread_id", String(40), nullable=False),
)

session_attendees = Table(
    "session_attendees",
    metadata,
    Column("session_id", String(40), primary_key=True),
    Column("member_id", String(40), primary_key=True),
    Column("day_id", String(40), nullable=False),
    Column("joined_at", DateTime(timezone=True), nullable=False),
)

session_follow_ups = Table(
    "session_follow_ups",
    metadata,
    Column("session_id", String(40), primary_key=True),
    Column("next_session_id", String(40), primary_key=True),
    Column("next_day_id", String(40), nullable=False),
    Column("planned_by", String(40), nullable=False),
)

# --- learning together: who knows what, mentoring -------------------------------------

skills = Table(
    "skills",
    metadata,
    Column("key", String(80), primary_key=True),  # forum.model.skills.skill_key
    Column("name", String(80), nullable=False),  # as first written
)

member_skills = Table(
    "member_skills",
    metadata,
    Column("member_id", String(40), primary_key=True),
    Column("kind", String(10), primary_key=True),  # teach, learn
    Column("key", String(80), primary_key=True, index=True),
    Column("name", String(80), nullable=False),  # as this member wrote it
    Column("position", Integer, nullable=False),
)

skill_lists = Table(
    "skill_lists",  # members who set their skills (before that, the résumé's "can teach")
    metadata,
    Column("member_id", String(40), primary_key=True),
)

mentoring = Table(
    "mentoring",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("member_id", String(40), nullable=False, index=True),
    Column("kind", String(10), nullable=False),  # offer, ask
    Column("skill_key", String(80), nullable=False, index=True),
    Column("note", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Replies from the fediverse: who wrote them (as each reply last described its
# author), which fediverse object each post is, each public conference's policy
# and the domains an admin blocked.
remote_authors = Table(
    "remote_authors",
    metadata,
    Column("id", String(40), primary_key=True),  # remote-<digest>, the posts' author_id
    Column("actor_uri", Text, nullable=False),
    Column("name", String(120), nullable=False),
    Column("handle", String(200), nullable=False),
    Column("avatar", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("domain", String(253), nullable=False, index=True),
)

remote_posts = Table(
    "remote_posts",
    metadata,
    Column("post_id", String(40), primary_key=True),
    Column("object_digest", String(64), nullable=False, unique=True),
    Column("object_id", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("thread_id", String(40), nullable=False),
    Column("author_id", String(40), nullable=False),
)

federation_policies = Table(
    "federation_policies",
    metadata,
    Column("conference_id", String(40), primary_key=True),
    Column("policy", String(20), nullable=False),
)

# Article (the default, no row) or Note for a public conference's thread starters.
federation_styles = Table(
    "federation_styles",
    metadata,
    Column("conference_id", String(40), primary_key=True),
    Column("style", String(20), nullable=False),
)

blocked_domains = Table(
    "blocked_domains",
    metadata,
    Column("domain", String(253), primary_key=True),
    Column("reason", Text, nullable=False),
    Column("blocked_by", String(40), nullable=False),
    Column("blocked_at", DateTime(timezone=True), nullable=False),
)

# Fediverse followers of our actors (``conference:<id>``, ``member:<id>``), from the
# follows streams; a pending row waits for a moderator when the policy says so.
followers = Table(
    "followers",
    metadata,
    Column("local_actor", String(60), primary_key=True),
    Column("remote_actor", String(500), primary_key=True),
    Column("follow_id", String(500), nullable=False),
    Column("state", String(20), nullable=False),  # pending, accepted
    Column("inbox", String(500), nullable=False),
    Column("shared_inbox", String(500), nullable=True),
    Column("acct", String(300), nullable=False),
    Column("name", String(200), nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("decided_by", String(40), nullable=True),
    # The log position of the acceptance: only what happened after it is delivered.
    Column("accepted_position", BigInteger, nullable=True),
)

follow_policies = Table(
    "follow_policies",
    metadata,
    Column("local_actor", String(60), primary_key=True),
    Column("policy", String(20), nullable=False),  # automatic, moderated
    Column("set_by", String(40), nullable=False),
)
