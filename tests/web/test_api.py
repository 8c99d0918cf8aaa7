"""The JSON API at /api/v1 through the test client: every endpoint, token sign-in,
the permission matrix, cursor pagination, and bad input that never reaches the log.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from forum import create_app
from forum.backend import Backend
from forum.core.permissions import Viewer
from forum.features.members import handlers as members
from forum.features.members.commands import (
    DeactivateMember,
    IssueApiToken,
    RegisterMember,
    RevokeApiToken,
    UpdateProfile,
)
from forum.features.members.queries import list_api_tokens
from forum.features.reading.queries import get_read_marker
from forum.features.threads import handlers as threads
from forum.features.threads.commands import HidePost, PinThread, PostReply, StartThread
from forum.features.threads.queries import list_threads
from forum.web.api import paging
from tests.conftest import PASSWORD, People, make_config
from tests.web.conftest import Auth, World

API = "/api/v1"


class Caller:
    """The test client speaking JSON as one member (or anonymously, without a token)."""

    def __init__(self, client: FlaskClient, token: str | None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def __call__(self, method: str, path: str, json: Any = None, **kwargs: Any) -> Any:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        if json is not None:
            kwargs["json"] = json
        return self.client.open(API + path, method=method, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self("GET", path, **kwargs)


def issue_token(backend: Backend, who: Viewer, name: str = "tests") -> str:
    token: str = members.issue_api_token(backend.services, who, IssueApiToken(name))
    return token


def add_member(backend: Backend, people: People, handle: str, role: str) -> Viewer:
    member_id = members.register_member(backend.services, people.admin, RegisterMember(
        handle, handle.title(), f"{handle}@example.org", PASSWORD, role))
    return Viewer(member_id, role)


def reply(backend: Backend, who: Viewer, thread_id: str, parent_id: str, body: str) -> str:
    post_id, _ = threads.post_reply(backend.services, who,
                                    PostReply(thread_id, parent_id, body))
    return str(post_id)


def problem(response: Any) -> tuple[int, str, str]:
    body = response.get_json()
    return response.status_code, body["code"], body["message"]


@pytest.fixture
def as_(client: FlaskClient, backend: Backend, people: People, world: World) -> Any:
    """``as_("sam")`` is a Caller with Sam's token; ``as_(None)`` is anonymous.

    Pat is plain staff (on no access list); Oli moderates the private conference;
    Sam contributes there by the list.
    """
    cast = {"ada": people.admin, "sam": people.staff, "oli": people.other,
            "gus": people.guest, "pat": add_member(backend, people, "pat", "staff")}
    tokens = {handle: issue_token(backend, who) for handle, who in cast.items()}
    return lambda handle: Caller(client, tokens[handle] if handle else None)


# --- token sign-in ----------------------------------------------------------


def test_a_valid_token_signs_in(as_: Any, people: People) -> None:
    response = as_("sam").get("/me")
    assert response.status_code == 200
    me = response.get_json()
    assert (me["id"], me["handle"], me["role"]) == (people.staff.member_id, "sam", "staff")
    assert me["email"] == "sam@example.org"
    assert {"bio", "skills", "interests", "can_teach", "share_read_history",
            "joined_at"} <= set(me)


def test_without_a_token_the_caller_is_anonymous(as_: Any) -> None:
    anonymous = as_(None)
    assert problem(anonymous.get("/me"))[:2] == (401, "not_authenticated")
    slugs = [c["slug"] for c in anonymous.get("/conferences").get_json()["items"]]
    assert slugs == ["public"]


def test_a_revoked_token_is_refused(client: FlaskClient, backend: Backend,
                                    people: People, world: World) -> None:
    token = issue_token(backend, people.staff)
    with backend.engine.connect() as conn:
        token_id = list_api_tokens(conn, str(people.staff.member_id))[0].id
    members.revoke_api_token(backend.services, people.staff, RevokeApiToken(token_id))
    response = Caller(client, token).get("/conferences")
    assert problem(response)[:2] == (401, "not_authenticated")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_deactivated_members_token_is_refused(client: FlaskClient, backend: Backend,
                                                people: People, world: World) -> None:
    token = issue_token(backend, people.guest)
    assert Caller(client, token).get("/me").status_code == 200
    members.deactivate_member(backend.services, people.admin,
                              DeactivateMember(str(people.guest.member_id)))
    assert problem(Caller(client, token).get("/me"))[:2] == (401, "not_authenticated")


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Basic c2FtOnB3", "Bearer "])
def test_an_unknown_or_malformed_authorization_is_refused(
    client: FlaskClient, world: World, header: str
) -> None:
    response = client.get(f"{API}/conferences", headers={"Authorization": header})
    assert problem(response)[:2] == (401, "not_authenticated")


def test_the_session_cookie_is_ignored(app: Flask, client: FlaskClient, auth: Auth,
                                       backend: Backend, world: World) -> None:
    # Signed in through the browser as the admin, but the API sees an anonymous caller:
    # it does not check CSRF, so a cookie must never be enough to act.
    auth.login("ada")
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.get("/c/private").status_code == 200
    assert problem(client.get(f"{API}/me"))[0] == 401
    assert client.get(f"{API}/conferences/private").status_code == 404
    head = backend.store.head()
    response = client.post(f"{API}/conferences/public/threads",
                           json={"subject": "forged", "body": "from another site"})
    assert problem(response)[:2] == (401, "not_authenticated")
    assert backend.store.head() == head


def test_token_writes_need_no_csrf_token(app: Flask, as_: Any) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    response = as_("sam")("POST", "/conferences/public/threads",
                          json={"subject": "Hello", "body": "from a script"})
    assert response.status_code == 201, response.get_json()


# --- the permission matrix ---------------------------------------------------

CALLERS: list[str | None] = [None, "gus", "pat", "oli", "ada"]
# Who may read each conference (else 404), and who may start threads in it.
READERS: dict[str, set[str | None]] = {
    "public": set(CALLERS), "internal": {"pat", "oli", "ada"}, "private": {"oli", "ada"}}
POSTERS: dict[str, set[str | None]] = {
    "public": {"pat", "oli", "ada"}, "internal": {"pat", "oli", "ada"}, "private": {"oli", "ada"}}


@pytest.mark.parametrize("visibility", ["public", "internal", "private"])
@pytest.mark.parametrize("who", CALLERS)
def test_who_may_read(as_: Any, world: World, visibility: str, who: str | None) -> None:
    caller = as_(who)
    thread_id, post_id = world.thread[visibility], world.post[visibility]
    paths = [f"/conferences/{visibility}", f"/conferences/{visibility}/threads",
             f"/threads/{thread_id}", f"/threads/{thread_id}/posts", f"/posts/{post_id}",
             f"/posts/{post_id}/revisions"]
    expected = 200 if who in READERS[visibility] else 404
    for path in paths:
        assert caller.get(path).status_code == expected, path
    listed = {c["slug"] for c in caller.get("/conferences").get_json()["items"]}
    assert (visibility in listed) == (who in READERS[visibility])


@pytest.mark.parametrize("visibility", ["public", "internal", "private"])
@pytest.mark.parametrize("who", CALLERS)
def test_who_may_post(as_: Any, world: World, backend: Backend, visibility: str,
                      who: str | None) -> None:
    caller = as_(who)
    if who is None:
        expected = 401
    elif who not in READERS[visibility]:
        expected = 404  # never 403 where one may not read: that would say it exists
    else:
        expected = 201 if who in POSTERS[visibility] else 403
    head = backend.store.head()
    started = caller("POST", f"/conferences/{visibility}/threads",
                     json={"subject": "A question", "body": "Anyone?"})
    replied = caller("POST", f"/threads/{world.thread[visibility]}/posts",
                     json={"body": "An answer"})
    assert (started.status_code, replied.status_code) == (expected, expected)
    assert (backend.store.head() > head) == (expected == 201)


# --- conferences and threads --------------------------------------------------


def test_conferences_list_counts_and_unread(as_: Any, world: World, backend: Backend,
                                            people: People) -> None:
    reply(backend, people.admin, world.thread["internal"], world.post["internal"], "more")
    items = {c["slug"]: c for c in as_("oli").get("/conferences").get_json()["items"]}
    assert set(items) == {"public", "internal", "private"}
    internal = items["internal"]
    assert (internal["threads"], internal["posts"], internal["unread"]) == (1, 2, 2)
    assert internal["may_post"] and not internal["may_moderate"]
    assert items["private"]["may_moderate"]
    assert internal["visibility"] == "internal" and internal["last_post_at"].endswith("+00:00")


def test_one_conference(as_: Any, world: World) -> None:
    conference = as_("gus").get("/conferences/public").get_json()
    assert conference["name"] == "Public" and conference["threads"] == 1
    assert conference["may_post"] is False
    assert problem(as_("gus").get("/conferences/nowhere"))[:2] == (404, "not_found")


def test_start_a_thread(as_: Any, world: World) -> None:
    response = as_("pat")("POST", "/conferences/internal/threads",
                          json={"subject": "  Lunch?  ", "body": "**Noon** at the café"})
    assert response.status_code == 201
    thread = response.get_json()
    assert response.headers["Location"] == f"{API}/threads/{thread['id']}"
    assert thread["subject"] == "Lunch?" and thread["author"]["handle"] == "pat"
    assert (thread["conference_slug"], thread["post_count"], thread["unread"]) == (
        "internal", 1, 0)
    assert thread["may_reply"] and not thread["may_moderate"]
    post = as_("oli").get(f"/threads/{thread['id']}/posts").get_json()["items"][0]
    assert post["body"] == "**Noon** at the café"
    assert "<strong>Noon</strong>" in post["html"]
    assert as_("oli").get(f"/threads/{thread['id']}").get_json()["unread"] == 1


def walk(caller: Caller, path: str, key: str = "id",
         between_pages: Any = lambda: None) -> list[list[Any]]:
    """Every page of a listing, two items at a time, following next_cursor."""
    pages: list[list[Any]] = []
    cursor = None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = caller.get(path, query_string=query).get_json()
        pages.append([item[key] for item in page["items"]])
        cursor = page["next_cursor"]
        if cursor is None:
            return pages
        between_pages()


def busy_conference(backend: Backend, people: People, conference_id: str) -> list[str]:
    """Six more threads, one pinned and one bumped by a reply; their listing order."""
    started = [threads.start_thread(backend.services, people.staff, StartThread(
        conference_id, f"Thread {n}", "body")) for n in range(6)]
    threads.pin_thread(backend.services, people.admin, PinThread(started[4][0]))
    reply(backend, people.admin, started[1][0], started[1][1], "bump")
    with backend.engine.connect() as conn:
        order = [t.id for t in list_threads(conn, conference_id)]
    assert order[:2] == [started[4][0], started[1][0]]
    return order


def test_thread_pages_walk_every_thread_once_pinned_first(
    as_: Any, world: World, backend: Backend, people: People
) -> None:
    expected = busy_conference(backend, people, world.conference["public"])
    pages = walk(as_("gus"), "/conferences/public/threads")
    assert [len(p) for p in pages] == [2, 2, 2, 1]
    assert sum(pages, []) == expected


def test_a_thread_bumped_during_a_walk_is_not_seen_twice(
    as_: Any, world: World, backend: Backend, people: People
) -> None:
    expected = busy_conference(backend, people, world.conference["public"])
    last = expected[-1]
    bumped: list[str] = []

    def bump_the_last_thread() -> None:
        if not bumped:  # it jumps ahead of the cursor: newer than anything still to come
            first = as_(None).get(f"/threads/{last}/posts").get_json()["items"][0]["id"]
            bumped.append(reply(backend, people.staff, last, first, "late news"))

    seen = sum(walk(as_("gus"), "/conferences/public/threads",
                    between_pages=bump_the_last_thread), [])
    assert seen == expected[:-1]


def test_thread_pages_on_postgresql(tmp_path: Path, pg_schema_url: str) -> None:
    """The cursor's key (a boolean and a time zone-aware time) on the other database."""
    app = create_app(make_config(tmp_path, pg_schema_url))
    backend: Backend = app.extensions["commonroom"]
    try:
        people = People(backend)
        world = World(backend, people)
        expected = busy_conference(backend, people, world.conference["public"])
        caller = Caller(app.test_client(), issue_token(backend, people.guest))
        assert sum(walk(caller, "/conferences/public/threads"), []) == expected
        listed = caller.get("/conferences/public/threads").get_json()["items"]
        assert listed[0]["last_post_at"].endswith("+00:00")
        for path in NUL_PATHS:
            assert caller.get(path).status_code == 404, path
        forged = paging.encode("threads", False, "2024-01-01T00:00:00+00:00", "a\x00b")
        assert caller.get("/conferences/public/threads",
                          query_string={"cursor": forged}).status_code == 422
    finally:
        backend.dispose()


def test_post_pages_walk_every_post_once_in_order(as_: Any, world: World,
                                                  backend: Backend, people: People) -> None:
    tid, first = world.thread["public"], world.post["public"]
    for n in range(6):
        reply(backend, people.staff, tid, first, f"reply {n}")
    pages = walk(as_(None), f"/threads/{tid}/posts", key="seq")
    assert pages == [[1, 2], [3, 4], [5, 6], [7]]


def test_a_thread_and_its_marker_are_not_moved_by_reading(
    as_: Any, world: World, backend: Backend, people: People
) -> None:
    tid = world.thread["internal"]
    thread = as_("pat").get(f"/threads/{tid}").get_json()
    assert (thread["subject"], thread["read_up_to"], thread["unread"]) == (
        "internal subject", 0, 1)
    as_("pat").get(f"/threads/{tid}/posts")
    pat_id = as_("pat").get("/me").get_json()["id"]
    with backend.engine.connect() as conn:
        assert get_read_marker(conn, pat_id, tid) == 0


# --- posts ---------------------------------------------------------------------


def test_reply_defaults_to_the_first_post_and_can_name_a_parent(as_: Any, world: World) -> None:
    tid, first = world.thread["public"], world.post["public"]
    response = as_("pat")("POST", f"/threads/{tid}/posts", json={"body": "First!"})
    assert response.status_code == 201
    post = response.get_json()
    assert response.headers["Location"] == f"{API}/posts/{post['id']}"
    assert (post["seq"], post["parent_id"], post["revision"]) == (2, first, 1)
    nested = as_("oli")("POST", f"/threads/{tid}/posts",
                        json={"parent_post_id": post["id"], "body": "Second"}).get_json()
    assert (nested["seq"], nested["parent_id"]) == (3, post["id"])


def test_edit_with_the_revision_you_saw(as_: Any, world: World, backend: Backend) -> None:
    post_id = world.post["public"]
    edited = as_("ada")("PATCH", f"/posts/{post_id}",
                        json={"body": "Edited", "expected_revision": 1})
    assert edited.status_code == 200
    assert (edited.get_json()["revision"], edited.get_json()["body"]) == (2, "Edited")
    head = backend.store.head()
    stale = as_("ada")("PATCH", f"/posts/{post_id}",
                       json={"body": "Again", "expected_revision": 1})
    assert problem(stale)[:2] == (409, "conflict")
    assert stale.get_json()["details"]["current_revision"] == 2
    assert backend.store.head() == head
    revisions = as_(None).get(f"/posts/{post_id}/revisions").get_json()["items"]
    assert [(r["revision"], r["body"]) for r in revisions] == [
        (1, "secret-public-words"), (2, "Edited")]
    assert revisions[1]["editor_name"] == "Ada"


def test_only_authors_and_moderators_edit_or_remove(as_: Any, world: World,
                                                    backend: Backend) -> None:
    post_id = world.post["internal"]
    head = backend.store.head()
    assert problem(as_("pat")("PATCH", f"/posts/{post_id}", json={
        "body": "mine now", "expected_revision": 1}))[:2] == (403, "forbidden")
    assert problem(as_("pat")("DELETE", f"/posts/{post_id}"))[:2] == (403, "forbidden")
    assert problem(as_(None)("DELETE", f"/posts/{post_id}"))[0] == 401
    assert backend.store.head() == head


def test_a_removed_post_is_a_tombstone(as_: Any, world: World, backend: Backend,
                                       people: People) -> None:
    tid, first = world.thread["public"], world.post["public"]
    post_id = reply(backend, people.staff, tid, first, "oops")
    response = as_("sam")("DELETE", f"/posts/{post_id}")
    assert response.status_code == 204 and response.data == b""
    for who in (None, "ada"):
        post = as_(who).get(f"/posts/{post_id}").get_json()
        assert post["deleted"] is True
        assert post["body"] is None and post["html"] is None
    assert as_("sam").get(f"/posts/{post_id}/revisions").status_code == 404
    assert as_("ada").get(f"/posts/{post_id}/revisions").status_code == 200
    assert problem(as_("sam")("DELETE", f"/posts/{post_id}"))[0] == 409


def test_a_hidden_post_keeps_its_text_for_moderators_only(
    as_: Any, world: World, backend: Backend, people: People
) -> None:
    tid, first = world.thread["private"], world.post["private"]
    post_id = reply(backend, people.staff, tid, first, "something rude")
    threads.hide_post(backend.services, people.other,
                      HidePost(tid, post_id, "off topic"))
    for who, sees in (("sam", False), ("oli", True), ("ada", True)):
        post = as_(who).get(f"/posts/{post_id}").get_json()
        assert (post["hidden"], post["hidden_reason"]) == (True, "off topic")
        assert (post["body"] == "something rude") == sees
        listed = as_(who).get(f"/threads/{tid}/posts").get_json()["items"][-1]
        assert (listed["html"] is not None) == sees


# --- reading -------------------------------------------------------------------


def test_read_markers_advance_and_move_back(as_: Any, world: World, backend: Backend,
                                           people: People) -> None:
    tid, first = world.thread["internal"], world.post["internal"]
    for n in range(3):
        reply(backend, people.admin, tid, first, f"reply {n}")
    pat = as_("pat")
    assert pat.get(f"/threads/{tid}/read-marker").get_json() == {
        "thread_id": tid, "up_to_seq": 0, "last_seq": 4, "unread": 4}
    moved = pat("PUT", f"/threads/{tid}/read-marker", json={"up_to_seq": 3}).get_json()
    assert (moved["up_to_seq"], moved["unread"]) == (3, 1)
    # The marker only moves forward, and never past the end.
    assert pat("PUT", f"/threads/{tid}/read-marker",
               json={"up_to_seq": 1}).get_json()["up_to_seq"] == 3
    assert pat("PUT", f"/threads/{tid}/read-marker",
               json={"up_to_seq": 99}).get_json()["up_to_seq"] == 4
    back = pat("POST", f"/threads/{tid}/mark-unread", json={"seq": 2}).get_json()
    assert (back["up_to_seq"], back["unread"]) == (1, 3)
    assert problem(as_(None).get(f"/threads/{tid}/read-marker"))[0] == 401


def test_unread_summary_next_and_mark_conference_read(as_: Any, world: World) -> None:
    oli = as_("oli")
    unread = oli.get("/unread").get_json()
    assert unread["total"] == 3
    assert {c["slug"]: c["unread"] for c in unread["conferences"]} == {
        "public": 1, "internal": 1, "private": 1}
    assert unread["next"] == {"thread_id": world.thread["public"], "seq": 1,
                              "post_id": world.post["public"]}
    marked = oli("POST", "/conferences/public/mark-read")
    assert marked.get_json() == {"slug": "public", "threads_marked": 1}
    assert oli.get("/unread").get_json()["total"] == 2
    for slug in ("internal", "private"):
        oli("POST", f"/conferences/{slug}/mark-read")
    assert oli.get("/unread").get_json() == {"total": 0, "conferences": [], "next": None}
    assert problem(as_(None).get("/unread"))[0] == 401


# --- members -------------------------------------------------------------------


def test_profiles_with_resume(as_: Any, world: World, backend: Backend,
                              people: People) -> None:
    members.update_profile(backend.services, people.admin, UpdateProfile(
        "Ada", bio="Runs the place", skills=("python",), can_teach=("chess",)))
    ada = as_("gus").get("/members/ada").get_json()
    assert (ada["handle"], ada["bio"], ada["skills"], ada["can_teach"]) == (
        "ada", "Runs the place", ["python"], ["chess"])
    assert "email" not in ada
    assert [p["subject"] for p in ada["recent_posts"]] == ["public subject"]
    # Anonymous callers see only people who write in public conferences.
    assert as_(None).get("/members/ada").status_code == 200
    assert as_(None).get("/members/gus").status_code == 404
    assert as_("sam").get("/members/gus").status_code == 200
    assert problem(as_("sam").get("/members/nobody"))[:2] == (404, "not_found")


# --- bad input -----------------------------------------------------------------


def raw(caller: Caller, method: str, path: str, data: bytes | str,
        content_type: str | None) -> Any:
    headers = {"Content-Type": content_type} if content_type else {}
    return caller(method, path, data=data, headers=headers)


BAD_BODIES = [
    # (content type, data, status, code, message fragment)
    ("application/json", b'{"subject": "x", "body": ', 400, "invalid_json", "not valid JSON"),
    ("application/json", b"\xff\xfe", 400, "invalid_json", "not valid JSON"),
    ("application/json", b"[" * 100_000, 400, "invalid_json", "nested too deeply"),
    ("text/plain", b'{"subject": "x", "body": "y"}', 415, "unsupported_media_type",
     "application/json"),
    ("application/x-www-form-urlencoded", b"subject=x&body=y", 415,
     "unsupported_media_type", "application/json"),
    (None, b"", 415, "unsupported_media_type", "application/json"),
    ("application/json", b"{}", 422, "invalid_input",
     "subject: Missing data for required field."),
    ("application/json", b'{"subject": 5, "body": "y"}', 422, "invalid_input",
     "subject: Not a valid string."),
    ("application/json", b'{"subject": null, "body": "y"}', 422, "invalid_input",
     "subject: Field may not be null."),
    ("application/json", b'{"subject": "x", "body": "y", "extra": 1}', 422,
     "invalid_input", "extra: Unknown field."),
    ("application/json", b'["x", "y"]', 422, "invalid_input", "json: Invalid input type."),
    ("application/json", b'{"subject": "   ", "body": "y"}', 400, "invalid_input",
     "subject must not be empty"),
    ("application/json", b'{"subject": "x", "body": ""}', 400, "invalid_input",
     "body must not be empty"),
    ("application/json", ('{"subject": "%s", "body": "y"}' % ("s" * 201)).encode(), 400,
     "invalid_input", "the limit is 200"),
    ("application/json", ('{"subject": "x", "body": "%s"}' % ("b" * 50_001)).encode(), 400,
     "invalid_input", "the limit is 50,000"),
    ("application/json", b'{"subject": "x\\u0007", "body": "y"}', 400, "invalid_input",
     "control characters"),
    ("application/json", b'{"subject": "x", "body": "%s"}' % (b"b" * 1024 * 1024), 413,
     "request_entity_too_large", "the limit is 1 MiB"),
]


@pytest.mark.parametrize(("content_type", "data", "status", "code", "message"), BAD_BODIES)
def test_bad_bodies_are_refused_and_change_nothing(
    as_: Any, world: World, backend: Backend, content_type: str | None, data: bytes,
    status: int, code: str, message: str,
) -> None:
    head = backend.store.head()
    response = raw(as_("pat"), "POST", "/conferences/public/threads", data, content_type)
    got_status, got_code, got_message = problem(response)
    assert (got_status, got_code) == (status, code), got_message
    assert message in got_message
    assert backend.store.head() == head


def test_schema_errors_carry_the_fields(as_: Any, world: World) -> None:
    body = as_("pat")("POST", "/conferences/public/threads", json={"body": 1}).get_json()
    assert body["details"]["location"] == "json"
    assert set(body["details"]["fields"]) == {"subject", "body"}


@pytest.mark.parametrize(("method", "path", "json", "status", "message"), [
    ("PATCH", "/posts/{post}", {"body": "x"}, 422, "expected_revision: Missing data"),
    ("PATCH", "/posts/{post}", {"body": "x", "expected_revision": "1"}, 422,
     "expected_revision: Not a valid integer."),
    ("PATCH", "/posts/{post}", {"body": " ", "expected_revision": 1}, 400,
     "body must not be empty"),
    ("PUT", "/threads/{thread}/read-marker", {"up_to_seq": -1}, 422, "up_to_seq: "),
    ("PUT", "/threads/{thread}/read-marker", {"up_to_seq": 1.5}, 422, "up_to_seq: "),
    ("POST", "/threads/{thread}/mark-unread", {"seq": 9}, 400, "post number 9 is not"),
    ("POST", "/threads/{thread}/posts", {"parent_post_id": "nope", "body": "x"}, 404,
     "no such post"),
    ("POST", "/threads/nope/posts", {"body": "x"}, 404, "nothing at this address"),
    ("PATCH", "/posts/nope", {"body": "x", "expected_revision": 1}, 404, "nothing at"),
    ("DELETE", "/posts/nope", None, 404, "nothing at this address"),
    ("POST", "/conferences/nope/threads", {"subject": "x", "body": "y"}, 404, "nothing at"),
    ("POST", "/conferences/nope/mark-read", None, 404, "nothing at this address"),
    ("PUT", "/threads/nope/read-marker", {"up_to_seq": 1}, 404, "nothing at this address"),
    ("POST", "/threads/{thread}/mark-unread", "", 415, "application/json"),
    ("POST", "/conferences/public/mark-read", "", 200, ""),
])
def test_bad_requests_elsewhere_change_nothing(
    as_: Any, world: World, backend: Backend, method: str, path: str, json: Any,
    status: int, message: str,
) -> None:
    path = path.format(post=world.post["public"], thread=world.thread["public"])
    head = backend.store.head()
    caller = as_("ada")
    if json == "":  # no body at all, and no content type
        response = caller(method, path)
    else:
        response = caller(method, path, json=json)
    assert response.status_code == status, response.get_json()
    if status >= 400:
        assert message in response.get_json()["message"]
        assert backend.store.head() == head


def test_a_post_cursor_past_any_database_integer_is_refused(as_: Any, world: World) -> None:
    cursor = paging.encode("posts", 2**63)
    response = as_(None).get(f"/threads/{world.thread['public']}/posts",
                             query_string={"cursor": cursor})
    assert problem(response)[:2] == (422, "invalid_input")


@pytest.mark.parametrize("query", [
    {"limit": "0"}, {"limit": "101"}, {"limit": "ten"}, {"cursor": "%%%"},
    {"cursor": "bm90IGpzb24"}, {"cursor": "WyJwb3N0cyIsM10"},  # "not json"; a posts cursor
    {"cursor": paging.encode("threads", False, "yesterday", "x")},
])
def test_bad_paging_is_refused(as_: Any, world: World, query: dict[str, str]) -> None:
    status, code, message = problem(as_(None).get("/conferences/public/threads",
                                                  query_string=query))
    assert (status, code) == (422, "invalid_input")
    assert message.startswith(next(iter(query)) + ": ")


# PostgreSQL refuses to compare text with a NUL in it; these must still be plain 404s.
NUL_PATHS = ("/threads/a%00b", "/members/a%00", "/conferences/%00/threads", "/posts/%00")


def test_unknown_ids_are_404(as_: Any, world: World) -> None:
    for path in ("/threads/nope", "/threads/nope/posts", "/posts/nope",
                 "/posts/nope/revisions", "/conferences/nope", "/conferences/nope/threads",
                 "/threads/nope/read-marker", "/members/nope", "/nothing-here",
                 *NUL_PATHS):
        assert problem(as_("ada").get(path))[:2] == (404, "not_found"), path


def test_wrong_method_is_json_405(as_: Any, world: World) -> None:
    assert problem(as_("ada")("DELETE", "/conferences"))[:2] == (405, "method_not_allowed")


def test_html_pages_keep_html_errors(client: FlaskClient, world: World) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "<html" in response.get_data(as_text=True).lower()
    hidden = client.get(f"/t/{world.thread['private']}")
    assert (hidden.status_code, hidden.mimetype) == (404, "text/html")
