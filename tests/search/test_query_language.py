"""Operators, sorting, snippets, suggestions and paging against a real index."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from forum.backend import Backend
from forum.core.permissions import ANONYMOUS
from forum.features.reading import handlers as reading
from forum.features.reading.commands import MarkThreadRead
from forum.features.threads import handlers as threads
from forum.features.threads.commands import PostReply, StartThread
from search import QueryError
from tests.conftest import People
from tests.search.conftest import Places, found, search


@pytest.fixture
def replies(backend: Backend, people: People, places: Places) -> list[str]:
    thread, first = places.thread["public"], places.post["public"]
    texts = [("staff", "Deploying sess.opts with snake_case helpers"),
             ("other", "We deployed camelCase code, see https://docs.example.com/guide"),
             ("staff", "Kanelbullar på fredag i Göteborg"),
             ("other", "The release train leaves on friday")]
    ids = []
    for who, text in texts:
        post, _ = threads.post_reply(backend.services, getattr(people, who),
                                     PostReply(thread, first, text))
        ids.append(f"post:{post}")
    return ids


def test_stems_accents_code_and_urls(backend: Backend, replies: list[str]) -> None:
    assert set(found(backend, ANONYMOUS, "deploy")) == {replies[0], replies[1]}
    assert found(backend, ANONYMOUS, "sess.opts") == [replies[0]]
    assert found(backend, ANONYMOUS, "opts") == [replies[0]]
    assert found(backend, ANONYMOUS, "snake_case") == [replies[0]]
    assert found(backend, ANONYMOUS, "camelcase") == [replies[1]]
    assert found(backend, ANONYMOUS, "camel") == [replies[1]]
    assert found(backend, ANONYMOUS, "example.com") == [replies[1]]
    assert found(backend, ANONYMOUS, "goteborg") == [replies[2]]
    assert found(backend, ANONYMOUS, "Göteborg kanelbullar") == [replies[2]]


def test_phrases_prefixes_exclusion_and_or(backend: Backend, replies: list[str]) -> None:
    assert found(backend, ANONYMOUS, '"release train"') == [replies[3]]
    assert found(backend, ANONYMOUS, '"train release"') == []
    assert found(backend, ANONYMOUS, "kanelbul*") == [replies[2]]
    assert set(found(backend, ANONYMOUS, "deploy*")) == {replies[0], replies[1]}
    assert found(backend, ANONYMOUS, "deploy -camelcase") == [replies[0]]
    assert set(found(backend, ANONYMOUS, "kanelbullar OR train")) == {replies[2], replies[3]}


def test_by_type_has_and_is_mine(backend: Backend, people: People, replies: list[str]) -> None:
    assert set(found(backend, ANONYMOUS, "by:oli")) == {replies[1], replies[3]}
    assert found(backend, ANONYMOUS, "has:link") == [replies[1]]
    assert set(found(backend, people.staff, "is:mine type:post")) == {replies[0], replies[2]}
    assert found(backend, ANONYMOUS, "public type:thread") != []
    assert all(h.startswith("thread:") for h in found(backend, ANONYMOUS, "subject type:thread"))


def test_in_a_conference(backend: Backend, people: People, places: Places,
                         replies: list[str]) -> None:
    assert {h.space for h in search(backend, people.staff, "gardening in:internal").hits} == {
        places.conference["internal"]}


def test_dates(backend: Backend, replies: list[str]) -> None:
    today = datetime.now(UTC).date()
    assert len(found(backend, ANONYMOUS, f"deploy after:{today}")) == 2
    assert found(backend, ANONYMOUS, f"deploy before:{today}") == []
    tomorrow = today + timedelta(days=1)
    assert len(found(backend, ANONYMOUS, f"deploy before:{tomorrow}")) == 2


def test_is_unread(backend: Backend, people: People, places: Places,
                   replies: list[str]) -> None:
    assert len(found(backend, people.staff, "friday is:unread")) == 1
    reading.mark_thread_read(backend.services, people.staff,
                             MarkThreadRead(places.thread["public"]))
    assert found(backend, people.staff, "friday is:unread") == []
    with pytest.raises(QueryError):
        search(backend, ANONYMOUS, "friday is:unread")


def test_sorting_by_date_and_paging(backend: Backend, replies: list[str]) -> None:
    newest = found(backend, ANONYMOUS, "type:post by:oli", sort="newest")
    assert newest == [replies[3], replies[1]]
    assert found(backend, ANONYMOUS, "type:post by:oli", sort="oldest") == [replies[1],
                                                                              replies[3]]
    first = search(backend, ANONYMOUS, "type:post", per_page=2, page=1)
    second = search(backend, ANONYMOUS, "type:post", per_page=2, page=2)
    assert first.total == second.total == 5 and first.pages == 3
    assert not {h.doc_id for h in first.hits} & {h.doc_id for h in second.hits}


def test_snippets_mark_the_matches_and_escape_the_rest(
        backend: Backend, people: People, places: Places) -> None:
    threads.post_reply(backend.services, people.staff, PostReply(
        places.thread["public"], places.post["public"],
        "<script>alert(1)</script> the zqsnippet word"))
    (hit,) = search(backend, ANONYMOUS, "zqsnippet").hits
    assert '<mark class="match">zqsnippet</mark>' in hit.snippet_html
    assert "<script>" not in hit.snippet_html and "&lt;/script&gt;" in hit.snippet_html


def test_did_you_mean(backend: Backend, replies: list[str]) -> None:
    result = search(backend, ANONYMOUS, "kanelbular")
    assert result.total == 0 and result.suggestion == "kanelbullar"


def test_relevance_puts_the_subject_first(backend: Backend, people: People,
                                          places: Places) -> None:
    threads.start_thread(backend.services, people.staff, StartThread(
        places.conference["public"], "Zqorchid care", "water weekly"))
    threads.post_reply(backend.services, people.staff, PostReply(
        places.thread["public"], places.post["public"], "my zqorchid died"))
    assert found(backend, ANONYMOUS, "zqorchid")[0].startswith("thread:")


def test_a_phrase_never_runs_from_a_subject_into_a_body_or_back(
        backend: Backend, people: People, places: Places) -> None:
    # A subject "zqalpha zqomega" and a first post "zqgamma zqdelta": phrases inside
    # each are found; none made of the end of one and the start of another.
    threads.start_thread(backend.services, people.staff, StartThread(
        places.conference["public"], "zqalpha zqomega", "zqgamma zqdelta"))
    assert len(found(backend, ANONYMOUS, '"zqalpha zqomega"')) == 1
    assert len(found(backend, ANONYMOUS, '"zqgamma zqdelta"')) == 1
    for phrase in ('"zqomega zqalpha"', '"zqomega zqgamma"', '"zqdelta zqgamma"'):
        assert found(backend, ANONYMOUS, phrase) == [], phrase
