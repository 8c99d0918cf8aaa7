"""The monthly "what we learned" digest as an article: its words, and who may publish.

Only public material goes in: the handler reads the month as an anonymous visitor
sees it (talks in public rotas, articles on the blog, TIL posts in a public
conference); circles and kudos are members' matters and never leave.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from forum.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from forum.core.events import Event
from forum.core.permissions import ConferenceAccess, Viewer, can_administer
from forum.core.text import BODY_MAX, SUBJECT_MAX
from forum.features.articles.events import ArticleApproved, ArticleProposed
from forum.features.threads.events import ThreadStarted

TAGS = ("learning", "digest")


def _count(n: int, one: str, many: str) -> str:
    return "" if not n else f"{n} {one if n == 1 else many}"


def compose(label: str, talks: Sequence[Any], articles: Sequence[Any],
            tils: Sequence[Any]) -> tuple[str, str, str]:
    """(title, summary, Markdown body) of the month's public digest."""
    parts: list[str] = []
    if talks:
        parts.append("## Talks given\n\n" + "\n".join(
            f"- **{t.title}** by {t.speaker}, {t.starts_at:%d %B}" + (
                f": [read the write-up](/blog/{t.article_slug})" if t.article_slug else "")
            for t in talks))
    if articles:
        parts.append("## Published on the blog\n\n" + "\n".join(
            f"- [{a.title}](/blog/{a.slug}) by {a.author}" for a in articles))
    if tils:
        parts.append("## Today I learned\n\n" + "\n".join(
            f"- [{t.subject.removeprefix('TIL: ')}](/t/{t.id}) ({t.author})" for t in tils))
    counts = [_count(len(talks), "talk", "talks"), _count(len(articles), "article", "articles"),
              _count(len(tils), "thing learned", "things learned")]
    summary = f"{label}: " + ", ".join(c for c in counts if c) + "." if parts else ""
    return f"What we learned: {label}"[:SUBJECT_MAX], summary, "\n\n".join(parts)[:BODY_MAX]


def publish(month: str, title: str, summary: str, body: str, actor: Viewer,
            conference: ConferenceAccess | None, already: str | None, slug: str,
            ids: tuple[str, str, str]) -> list[Event]:
    """``already``: the status of the month's current article, if any; ``ids``: the new
    thread's, its first post's and the article's."""
    if not can_administer(actor) or actor.member_id is None:
        raise Forbidden("administrators publish the monthly digest")
    if conference is None:
        raise NotFound("no such conference", field="conference_id")
    if conference.visibility != "public":
        raise InvalidInput("the digest goes to the public blog: choose a public conference "
                           "for its discussion thread", field="conference_id")
    if already in ("proposed", "sent_back", "published"):
        raise Conflict(f"the digest of {month} is on the blog already (or in review); "
                       "unpublish it first to publish it again")
    if not body:
        raise InvalidInput(f"nothing public happened in {month}: there is nothing to publish",
                           field="month")
    by = actor.member_id
    thread_id, post_id, article_id = ids
    return [ThreadStarted(thread_id, conference.conference_id, title, post_id, by, body),
            ArticleProposed(article_id, "digest", month, thread_id, title, summary, body,
                               TAGS, by, by),
            ArticleApproved(article_id, slug, by)]
