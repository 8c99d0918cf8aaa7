"""The handlers of replies from the fediverse: where a reply may land, who may change it,
the conference policies and the domain block list; what ends in the log."""

from __future__ import annotations

import inspect

import pytest

from federation.inbound import handlers as inbound
from federation.inbound import queries as inbound_queries
from federation.inbound.commands import (
    BlockDomain,
    DeleteRemoteReply,
    EditRemoteReply,
    ReceiveRemoteReply,
    SetFederationPolicy,
    SetFederationStyle,
    UnblockDomain,
)
from federation.inbound.model import HELD_BY, domain_is_blocked, remote_author_id
from forum.backend import Backend
from forum.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from forum.features.conferences import handlers as conferences
from forum.features.conferences.commands import CreateConference
from forum.features.members.handlers import SYSTEM
from forum.features.threads import handlers as threads
from forum.features.threads.commands import LockThread, StartThread, UnhidePost, UnlockThread
from forum.features.threads.queries import get_post, list_posts, list_revisions
from tests.conftest import People

TESTED = {"receive_remote_reply", "edit_remote_reply", "delete_remote_reply",
          "set_federation_policy", "set_federation_style", "block_domain", "unblock_domain"}
FAR = "https://far.example"


def test_every_inbound_handler_is_covered_here() -> None:
    public = {name for name, fn in inspect.getmembers(inbound, inspect.isfunction)
              if not name.startswith("_") and fn.__module__ == inbound.__name__
              and list(inspect.signature(fn).parameters)[:1] == ["svc"]}
    assert public == TESTED


class Place:
    def __init__(self, backend: Backend, people: People, visibility: str) -> None:
        svc = backend.services
        self.conference = conferences.create_conference(svc, people.admin, CreateConference(
            f"c-{visibility}", visibility.title(), visibility))
        self.thread, self.first = threads.start_thread(svc, people.admin, StartThread(
            self.conference, "Subject", "First"))


@pytest.fixture
def public(backend: Backend, people: People) -> Place:
    return Place(backend, people, "public")


def reply(backend: Backend, place: Place, actor: str = "ann", note: str = "1",
          parent: str | None = None, html: str = "<p>hello</p>") -> str | None:
    return inbound.receive_remote_reply(backend.services, SYSTEM, ReceiveRemoteReply(
        place.thread, parent or place.first, f"{FAR}/users/{actor}", actor.title(),
        f"@{actor}@far.example", "", f"{FAR}/@{actor}", f"{FAR}/notes/{note}",
        f"{FAR}/notes/{note}", html))


def types(backend: Backend, place: Place) -> list[str]:
    return [r.event.type for r in backend.store.read_stream(f"thread-{place.thread}")]


def test_a_reply_is_held_first_then_let_in_and_the_next_shows(
        backend: Backend, people: People, public: Place) -> None:
    held = reply(backend, public)
    assert held is not None
    with backend.engine.connect() as conn:
        row = get_post(conn, held)
        assert row.hidden_by == HELD_BY and row.author_name == "Ann"
        assert row.author_handle == "@ann@far.example"
        assert not inbound_queries.author_has_shown_posts(
            conn, remote_author_id(f"{FAR}/users/ann"), public.conference)
    threads.unhide_post(backend.services, people.admin, UnhidePost(public.thread, held))
    second = reply(backend, public, note="2")
    with backend.engine.connect() as conn:
        assert get_post(conn, second or "").hidden_by is None
    assert reply(backend, public, note="2") is None  # the same object again: nothing new
    assert types(backend, public).count("RemoteReplyReceived") == 2


def test_policies_open_and_closed_and_only_in_public_conferences(
        backend: Backend, people: People, public: Place) -> None:
    svc = backend.services
    inbound.set_federation_policy(svc, people.admin, SetFederationPolicy(
        public.conference, "open"))
    inbound.set_federation_policy(svc, people.admin, SetFederationPolicy(
        public.conference, "open"))  # no change, no event
    assert len(backend.store.read_stream(f"federation-policy-{public.conference}")) == 1
    shown = reply(backend, public)
    with backend.engine.connect() as conn:
        assert get_post(conn, shown or "").hidden_by is None
    inbound.set_federation_policy(svc, people.admin, SetFederationPolicy(
        public.conference, "closed"))
    with pytest.raises(Forbidden, match="does not take replies"):
        reply(backend, public, note="9")
    with pytest.raises(Forbidden, match="moderators"):
        inbound.set_federation_policy(svc, people.staff, SetFederationPolicy(
            public.conference, "open"))
    with pytest.raises(InvalidInput):
        inbound.set_federation_policy(svc, people.admin, SetFederationPolicy(
            public.conference, "wide"))
    with pytest.raises(NotFound):
        inbound.set_federation_policy(svc, people.admin, SetFederationPolicy("x", "open"))
    for visibility in ("internal", "private"):
        place = Place(backend, people, visibility)
        with pytest.raises(NotFound):
            reply(backend, place)
        with pytest.raises(Conflict):
            inbound.set_federation_policy(svc, people.admin, SetFederationPolicy(
                place.conference, "open"))
        assert "RemoteReplyReceived" not in types(backend, place)


def test_styles_article_or_note_only_by_moderators_of_public_conferences(
        backend: Backend, people: People, public: Place) -> None:
    svc = backend.services
    stream = f"federation-style-{public.conference}"
    with backend.engine.connect() as conn:
        assert inbound_queries.get_style(conn, public.conference) == "article"
    inbound.set_federation_style(svc, people.admin, SetFederationStyle(
        public.conference, "article"))  # the default already: no event
    assert backend.store.read_stream(stream) == []
    inbound.set_federation_style(svc, people.admin, SetFederationStyle(
        public.conference, "note"))
    inbound.set_federation_style(svc, people.admin, SetFederationStyle(
        public.conference, "note"))
    [recorded] = backend.store.read_stream(stream)
    assert recorded.event.type == "FederationStyleSet"
    with backend.engine.connect() as conn:
        assert inbound_queries.get_style(conn, public.conference) == "note"
        assert inbound_queries.get_policy(conn, public.conference) == "moderated"
    with pytest.raises(Forbidden, match="moderators"):
        inbound.set_federation_style(svc, people.staff, SetFederationStyle(
            public.conference, "article"))
    with pytest.raises(InvalidInput, match="article, note"):
        inbound.set_federation_style(svc, people.admin, SetFederationStyle(
            public.conference, "page"))
    with pytest.raises(NotFound):
        inbound.set_federation_style(svc, people.admin, SetFederationStyle("x", "note"))
    place = Place(backend, people, "internal")
    with pytest.raises(Conflict):
        inbound.set_federation_style(svc, people.admin, SetFederationStyle(
            place.conference, "note"))
    assert len(backend.store.read_stream(stream)) == 1
    assert backend.store.read_stream(f"federation-style-{place.conference}") == []
    with backend.engine.connect() as conn:
        assert inbound_queries.get_style(conn, public.conference) == "note"


def test_locked_threads_removed_parents_and_empty_content_are_refused(
        backend: Backend, people: People, public: Place) -> None:
    threads.lock_thread(backend.services, people.admin, LockThread(public.thread))
    with pytest.raises(Forbidden, match="locked"):
        reply(backend, public)
    threads.unlock_thread(backend.services, people.admin, UnlockThread(public.thread))
    with pytest.raises(NotFound):
        reply(backend, public, parent="nope")
    with pytest.raises(InvalidInput):
        reply(backend, public, html="   ")
    with pytest.raises(Forbidden, match="inbox"):
        inbound.receive_remote_reply(backend.services, people.admin, ReceiveRemoteReply(
            public.thread, public.first, "a", "b", "c", "", "d", "e", "f", "<p>x</p>"))


def test_only_its_author_edits_or_deletes_a_reply(
        backend: Backend, people: People, public: Place) -> None:
    svc = backend.services
    reply(backend, public)
    note = f"{FAR}/notes/1"
    with pytest.raises(Forbidden, match="own author"):
        inbound.edit_remote_reply(svc, SYSTEM, EditRemoteReply(
            public.thread, note, f"{FAR}/users/eve", "<p>mine now</p>"))
    with pytest.raises(Forbidden, match="own author"):
        inbound.delete_remote_reply(svc, SYSTEM, DeleteRemoteReply(
            public.thread, note, f"{FAR}/users/eve"))
    with pytest.raises(NotFound):
        inbound.edit_remote_reply(svc, SYSTEM, EditRemoteReply(
            public.thread, f"{FAR}/notes/404", f"{FAR}/users/ann", "<p>x</p>"))
    with pytest.raises(Forbidden, match="inbox"):
        inbound.edit_remote_reply(svc, people.admin, EditRemoteReply(
            public.thread, note, f"{FAR}/users/ann", "<p>x</p>"))
    with pytest.raises(Forbidden, match="inbox"):
        inbound.delete_remote_reply(svc, people.admin, DeleteRemoteReply(
            public.thread, note, f"{FAR}/users/ann"))
    inbound.edit_remote_reply(svc, SYSTEM, EditRemoteReply(
        public.thread, note, f"{FAR}/users/ann", "<p>edited</p>"))
    inbound.delete_remote_reply(svc, SYSTEM, DeleteRemoteReply(
        public.thread, note, f"{FAR}/users/ann"))
    inbound.delete_remote_reply(svc, SYSTEM, DeleteRemoteReply(
        public.thread, note, f"{FAR}/users/ann"))  # twice: nothing more
    with pytest.raises(Conflict):
        inbound.edit_remote_reply(svc, SYSTEM, EditRemoteReply(
            public.thread, note, f"{FAR}/users/ann", "<p>again</p>"))
    assert types(backend, public)[-3:] == ["RemoteReplyReceived", "RemoteReplyEdited",
                                           "RemoteReplyDeleted"]
    with backend.engine.connect() as conn:
        found = inbound_queries.get_remote_post(conn, note)
        revisions = list_revisions(conn, found.post_id)
    assert [r.editor_name for r in revisions] == ["Ann", "Ann"]


def test_the_domain_block_list(backend: Backend, people: People, public: Place) -> None:
    svc = backend.services
    inbound.set_federation_policy(svc, people.admin, SetFederationPolicy(
        public.conference, "open"))
    earlier = reply(backend, public)
    inbound.block_domain(svc, people.admin, BlockDomain("*.Example.", "all of it"))
    inbound.block_domain(svc, people.admin, BlockDomain("example"))  # already: no event
    assert len(backend.store.read_stream(inbound.DOMAINS)) == 1
    with backend.engine.connect() as conn:
        assert inbound_queries.list_blocked_domains(conn) == ["example"]
        assert get_post(conn, earlier or "") is None  # hidden: a subdomain's
        assert [p.seq for p in list_posts(conn, public.thread)] == [1]
    assert domain_is_blocked("far.example:443", ["example"])
    assert not domain_is_blocked("example.org", ["example"])
    with pytest.raises(Forbidden, match="your domain"):
        reply(backend, public, note="2")
    with pytest.raises(Forbidden, match="administrators"):
        inbound.block_domain(svc, people.staff, BlockDomain("other.example"))
    with pytest.raises(InvalidInput):
        inbound.block_domain(svc, people.admin, BlockDomain("not a domain"))
    with pytest.raises(NotFound):
        inbound.unblock_domain(svc, people.admin, UnblockDomain("other.example"))
    with pytest.raises(Forbidden):
        inbound.unblock_domain(svc, people.staff, UnblockDomain("example"))
    inbound.unblock_domain(svc, people.admin, UnblockDomain("example"))
    with backend.engine.connect() as conn:
        assert [p.seq for p in list_posts(conn, public.thread)] == [1, 2]
