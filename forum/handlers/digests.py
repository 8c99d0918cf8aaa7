"""Handler for the monthly "what we learned" digest: publish its public part."""

from __future__ import annotations

from forum import article_queries, digest_queries, queries
from forum import commands as cmd
from forum import events as ev
from forum.eventstore import StreamWrite
from forum.handlers import Services, threads
from forum.model import article, digest
from forum.permissions import ANONYMOUS, Viewer


def publish_digest(svc: Services, actor: Viewer, command: cmd.PublishDigest) -> str:
    """Starts the digest's thread and publishes it as an article in one transaction;
    returns the article's slug. The words are the month as a visitor sees it."""
    month = digest_queries.Month.parse(command.month)
    with svc.engine.connect() as conn:
        public = digest_queries.get_digest(conn, ANONYMOUS, month, svc.store.clock())
        conference = queries.conference_access(conn, command.conference_id)
        current = digest_queries.get_digest_article(conn, month)
        title, summary, body = digest.compose(month.label, public.talks, public.articles,
                                              public.tils)
        slug = article.free_slug(title, lambda s: article_queries.slug_taken(conn, s))
    ids = (svc.new_id(), svc.new_id(), svc.new_id())
    new_events = digest.publish(str(month), title, summary, body, actor, conference,
                                current.status if current else None, slug, ids)
    started = [e for e in new_events if isinstance(e, ev.ThreadStarted)]
    published = [e for e in new_events if not isinstance(e, ev.ThreadStarted)]
    svc.store.append_streams([StreamWrite(threads.stream(ids[0]), started, 0),
                              StreamWrite(f"article-{ids[2]}", published, 0)],
                             svc.meta(actor))
    return slug
