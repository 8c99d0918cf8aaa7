"""Handler for the monthly "what we learned" digest: publish its public part."""

from __future__ import annotations

from forum.core.eventstore import StreamWrite
from forum.core.handlers import Services
from forum.core.permissions import ANONYMOUS, Viewer
from forum.features.articles import model as article
from forum.features.articles import queries as article_queries
from forum.features.conferences.queries import conference_access
from forum.features.digest import model as digest
from forum.features.digest import queries as digest_queries
from forum.features.digest.commands import PublishDigest
from forum.features.threads import handlers as threads
from forum.features.threads.events import ThreadStarted


def publish_digest(svc: Services, actor: Viewer, command: PublishDigest) -> str:
    """Starts the digest's thread and publishes it as an article in one transaction;
    returns the article's slug. The words are the month as a visitor sees it."""
    month = digest_queries.Month.parse(command.month)
    with svc.engine.connect() as conn:
        public = digest_queries.get_digest(conn, ANONYMOUS, month, svc.store.clock())
        conference = conference_access(conn, command.conference_id)
        current = digest_queries.get_digest_article(conn, month)
        title, summary, body = digest.compose(month.label, public.talks, public.articles,
                                              public.tils)
        slug = article.free_slug(title, lambda s: article_queries.slug_taken(conn, s))
    ids = (svc.new_id(), svc.new_id(), svc.new_id())
    new_events = digest.publish(str(month), title, summary, body, actor, conference,
                                current.status if current else None, slug, ids)
    started = [e for e in new_events if isinstance(e, ThreadStarted)]
    published = [e for e in new_events if not isinstance(e, ThreadStarted)]
    svc.store.append_streams([StreamWrite(threads.stream(ids[0]), started, 0),
                              StreamWrite(f"article-{ids[2]}", published, 0)],
                             svc.meta(actor))
    return slug
