"""The monthly digest as an article: its words come from public material only, and only
an administrator publishes it, into a public conference, once."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from forum.core.errors import Conflict, Forbidden, InvalidInput
from forum.core.permissions import ConferenceAccess, Viewer
from forum.features.articles.events import ArticleApproved, ArticleProposed
from forum.features.digest import model as digest
from forum.features.threads.events import ThreadStarted

ADA = Viewer("ada", "admin")
SAM = Viewer("sam", "staff")
PUBLIC = ConferenceAccess("c1", "public")
TALK = SimpleNamespace(title="Joins", speaker="Sam", starts_at=datetime(2030, 5, 3, tzinfo=UTC),
                       article_slug="joins-explained")
ARTICLE = SimpleNamespace(title="Why we write", slug="why-we-write", author="Ada")
TIL = SimpleNamespace(id="t9", subject="TIL: tuples are immutable", author="Oli")


def test_the_digest_lists_talks_articles_and_til_with_links() -> None:
    title, summary, body = digest.compose("May 2030", [TALK], [ARTICLE], [TIL])
    assert title == "What we learned: May 2030"
    assert summary == "May 2030: 1 talk, 1 article, 1 thing learned."
    assert "- **Joins** by Sam, 03 May: [read the write-up](/blog/joins-explained)" in body
    assert "- [Why we write](/blog/why-we-write) by Ada" in body
    assert "- [tuples are immutable](/t/t9) (Oli)" in body
    assert digest.compose("May 2030", [], [], []) == ("What we learned: May 2030", "", "")
    assert digest.compose("May 2030", [TALK, TALK], [], [])[1] == "May 2030: 2 talks."


def test_publishing_is_for_administrators_into_a_public_conference_once() -> None:
    ids = ("t1", "p1", "a1")
    events = digest.publish("2030-05", "T", "S", "B", ADA, PUBLIC, None, "t", ids)
    assert events == [
        ThreadStarted("t1", "c1", "T", "p1", "ada", "B"),
        ArticleProposed("a1", "digest", "2030-05", "t1", "T", "S", "B",
                           ("learning", "digest"), "ada", "ada"),
        ArticleApproved("a1", "t", "ada")]
    assert digest.publish("2030-05", "T", "S", "B", ADA, PUBLIC, "unpublished", "t", ids)
    with pytest.raises(Forbidden):
        digest.publish("2030-05", "T", "S", "B", SAM, PUBLIC, None, "t", ids)
    with pytest.raises(InvalidInput, match="public conference"):
        digest.publish("2030-05", "T", "S", "B", ADA, ConferenceAccess("c2", "internal"),
                       None, "t", ids)
    with pytest.raises(Conflict, match="already"):
        digest.publish("2030-05", "T", "S", "B", ADA, PUBLIC, "published", "t", ids)
    with pytest.raises(InvalidInput, match="nothing public"):
        digest.publish("2030-05", "T", "", "", ADA, PUBLIC, None, "t", ids)
