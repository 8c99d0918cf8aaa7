"""Every page a signed-in member uses, through the test client, with its effect in the read models.

Also: error pages (404, a forced 500), reading (markers, mark unread, mark all read,
next unread, who read it) and a 5,000-post thread in both views.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from forum.backend import Backend
from forum.core.permissions import Viewer
from forum.core.rows import PAGE_SIZE
from forum.features.conferences.queries import access_from_row, get_conference_by_slug
from forum.features.members.queries import get_member_by_handle
from forum.features.reading import handlers as reading
from forum.features.reading.commands import MarkThreadRead
from forum.features.reading.queries import get_read_marker, unread_by_conference, unread_by_thread
from forum.features.threads import handlers as threads
from forum.features.threads.commands import EditPost, PostReply, StartThread
from forum.features.threads.events import ReplyPosted
from forum.features.threads.queries import get_post, get_thread, list_posts
from tests.conftest import People
from tests.web.conftest import Auth, World, alert, html

# --- helpers ---------------------------------------------------------------



def location(response: Any) -> str:
    return str(response.headers["Location"])


def read(backend: Backend, fn: Any, *args: Any, **kwargs: Any) -> Any:
    with backend.engine.connect() as conn:
        return fn(conn, *args, **kwargs)


def marker(backend: Backend, who: Viewer, thread_id: str) -> int:
    return int(read(backend, get_read_marker, who.member_id, thread_id))


def reply(backend: Backend, who: Viewer, thread_id: str, parent_id: str, body: str
          ) -> tuple[str, int]:
    result: tuple[str, int] = threads.post_reply(
        backend.services, who, PostReply(thread_id, parent_id, body))
    return result


@pytest.fixture
def sam(client: FlaskClient, auth: Auth, world: World) -> FlaskClient:
    """The test client, signed in as Sam (staff; contributor in the private conference)."""
    auth.login("sam")
    return client


# --- home, conferences, threads -------------------------------------------


def test_home_lists_readable_conferences_with_unread_counts(
    sam: FlaskClient, world: World
) -> None:
    response = sam.get("/")
    assert response.status_code == 200
    page = html(response)
    for name in ("Public", "Internal", "Private"):
        assert f">{name}</a>" in page
    # Ada started one thread in each; Sam has read none of them.
    assert '<strong>3</strong> unread' in page
    rows = re.findall(r'<tr class="depth-0 has-unread"[^>]*>(.*?)</tr>', page, re.S)
    assert len(rows) == 3
    assert all(re.search(r'<span class="unread"[^>]*>1</span>', row) for row in rows)


def test_home_for_an_anonymous_visitor_shows_public_only(
    client: FlaskClient, world: World
) -> None:
    page = html(client.get("/"))
    assert ">Public</a>" in page
    assert ">Internal</a>" not in page and ">Private</a>" not in page
    assert "Sign in" in page


def test_conference_page_lists_threads_and_actions(sam: FlaskClient, world: World) -> None:
    response = sam.get("/c/internal")
    assert response.status_code == 200
    page = html(response)
    assert "internal subject" in page
    assert "New thread" in page
    assert "Mark all read" in page
    assert "/c/internal/settings" not in page  # Sam does not moderate it


def test_conference_about_page(sam: FlaskClient, world: World) -> None:
    response = sam.get("/c/private/about")
    assert response.status_code == 200
    page = html(response)
    assert "About Private" in page
    assert "Only the people on its access list can read it." in page
    assert "Access list" not in page  # only moderators see the list


def test_conference_about_shows_the_list_to_its_moderator(
    client: FlaskClient, auth: Auth, world: World, people: People
) -> None:
    auth.login("oli")
    page = html(client.get("/c/private/about"))
    assert "Access list" in page
    assert f"member:{people.staff.member_id}" in page


def test_thread_page_shows_posts_and_marks_them_read(
    sam: FlaskClient, world: World, backend: Backend, people: People
) -> None:
    tid = world.thread["internal"]
    assert marker(backend, people.staff, tid) == 0
    response = sam.get(f"/t/{tid}")
    assert response.status_code == 200
    page = html(response)
    assert "internal subject" in page
    assert "secret-internal-words" in page
    assert 'class="new-label">new</span>' in page  # new on this first visit
    assert 'id="reply-form"' in page
    assert marker(backend, people.staff, tid) == 1
    # The second visit shows nothing new.
    assert 'class="new-label"' not in html(sam.get(f"/t/{tid}"))


def test_thread_tree_view(sam: FlaskClient, world: World, backend: Backend,
                          people: People) -> None:
    tid, first = world.thread["internal"], world.post["internal"]
    a, _ = reply(backend, people.other, tid, first, "first answer")
    reply(backend, people.other, tid, first, "second answer")
    reply(backend, people.staff, tid, a, "answer to the first answer")
    flat = html(sam.get(f"/t/{tid}"))
    tree = html(sam.get(f"/t/{tid}?view=tree"))
    order = ["first answer", "second answer", "answer to the first answer"]
    assert [flat.index(w) for w in order] == sorted(flat.index(w) for w in order)
    # In the tree, #4 (a reply to #2) comes right after #2 and is indented one more.
    assert tree.index("answer to the first answer") < tree.index("second answer")
    assert re.search(r'id="p4" class="post[^"]*" style="--depth: 2"', tree)
    assert "Show by time" in tree


def test_post_permalink_redirects_to_its_page_and_anchor(
    sam: FlaskClient, world: World
) -> None:
    response = sam.get(f"/p/{world.post['public']}")
    assert response.status_code == 302
    assert location(response).endswith(f"/t/{world.thread['public']}?page=1#p1")


def test_post_history_shows_revisions_and_diff(
    sam: FlaskClient, world: World, backend: Backend, people: People
) -> None:
    tid = world.thread["internal"]
    pid, _ = reply(backend, people.staff, tid, world.post["internal"], "first draft")
    threads.edit_post(backend.services, people.staff,
                      EditPost(tid, pid, "second draft", expected_revision=1))
    page = html(sam.get(f"/p/{pid}/history"))
    assert "Revision 1" in page and "Revision 2" in page
    assert "-first draft" in page and "+second draft" in page
    assert "edited 1×" in html(sam.get(f"/t/{tid}"))


def test_members_and_profile_pages(sam: FlaskClient, world: World) -> None:
    page = html(sam.get("/members"))
    for handle in ("ada", "sam", "oli", "gus"):
        assert f"@{handle}" in page
    profile = sam.get("/members/ada")
    assert profile.status_code == 200
    # Ada's recent posts, as far as Sam may read them (Sam is in the private ACL).
    for visibility in ("public", "internal", "private"):
        assert f"{visibility} subject #1" in html(profile)
    assert sam.get("/members/nobody").status_code == 404


def test_profile_of_someone_without_public_posts_is_hidden_from_visitors(
    client: FlaskClient, world: World
) -> None:
    assert client.get("/members/ada").status_code == 200  # writes in Public
    assert client.get("/members/sam").status_code == 404
    assert client.get("/members").status_code == 302  # the list needs a sign-in


# --- posting ---------------------------------------------------------------


def test_start_a_thread(sam: FlaskClient, world: World, backend: Backend) -> None:
    form = sam.get("/c/internal/new")
    assert form.status_code == 200
    assert "New thread in Internal" in html(form)
    response = sam.post("/c/internal/new", data={"subject": "Lunch plans",
                                                 "body": "Who is in for *soup*?"})
    assert response.status_code == 302
    thread_id = location(response).rsplit("/t/", 1)[1]
    row = read(backend, get_thread, thread_id)
    assert row.subject == "Lunch plans" and row.conference_id == world.conference["internal"]
    page = html(sam.get(location(response)))
    assert "Lunch plans" in page and "<em>soup</em>" in page
    assert "Lunch plans" in html(sam.get("/c/internal"))


def test_reply_form_quotes_the_parent(sam: FlaskClient, world: World) -> None:
    tid, pid = world.thread["internal"], world.post["internal"]
    plain = html(sam.get(f"/t/{tid}/reply?to={pid}"))
    assert "Reply to #1 by Ada" in plain
    assert "**Ada** wrote" not in plain
    quoted = html(sam.get(f"/t/{tid}/reply?to={pid}&quote=1"))
    assert "> **Ada** wrote in #1:\n> secret-internal-words\n" in quoted
    # An unknown or foreign parent falls back to the first post.
    assert "Reply to #1" in html(sam.get(f"/t/{tid}/reply?to={world.post['public']}"))


def test_reply(sam: FlaskClient, world: World, backend: Backend, people: People) -> None:
    tid, pid = world.thread["internal"], world.post["internal"]
    response = sam.post(f"/t/{tid}/reply", data={"parent_post_id": pid, "body": "Me too"})
    assert response.status_code == 302
    assert location(response).endswith(f"/t/{tid}?page=1#p2")
    posts = read(backend, list_posts, tid)
    assert [(p.seq, p.body, p.author_id, p.parent_id) for p in posts][-1] == (
        2, "Me too", people.staff.member_id, pid)
    page = html(sam.get(f"/t/{tid}"))
    assert "Me too" in page and "in reply to" in page


def test_edit_own_post(sam: FlaskClient, world: World, backend: Backend,
                       people: People) -> None:
    tid = world.thread["internal"]
    pid, _ = reply(backend, people.staff, tid, world.post["internal"], "typo hree")
    form = sam.get(f"/p/{pid}/edit")
    assert form.status_code == 200
    assert 'name="revision" value="1"' in html(form)
    assert "typo hree" in html(form)
    response = sam.post(f"/p/{pid}/edit", data={"body": "typo here", "revision": "1"})
    assert response.status_code == 302
    post = read(backend, get_post, pid)
    assert (post.body, post.revision) == ("typo here", 2)
    page = html(sam.get(location(response)))
    assert "Your edit is saved" in page and "typo here" in page


def test_remove_own_post(sam: FlaskClient, world: World, backend: Backend,
                         people: People) -> None:
    tid = world.thread["internal"]
    pid, _ = reply(backend, people.staff, tid, world.post["internal"], "regrettable words")
    response = sam.post(f"/p/{pid}/delete")
    assert response.status_code == 302
    assert read(backend, get_post, pid).deleted_by == people.staff.member_id
    page = html(sam.get(location(response)))
    assert "The post was removed." in page and "Post removed." in page
    assert "regrettable words" not in page


# --- administration pages a signed-in member reaches -----------------------


def test_conference_settings_page_and_save(
    client: FlaskClient, auth: Auth, world: World, backend: Backend
) -> None:
    auth.login("oli")  # moderator of Private
    form = client.get("/c/private/settings")
    assert form.status_code == 200
    page = html(form)
    assert "Settings of Private" in page
    assert "@oli moderator" in page and "@sam contributor" in page
    version = read(backend, get_conference_by_slug, "private").version
    response = client.post("/c/private/settings", data={
        "section": "settings", "version": str(version), "name": "Private Room",
        "resume": "Where *we* plan.", "visibility": "private"})
    assert response.status_code == 302
    row = read(backend, get_conference_by_slug, "private")
    assert (row.name, row.resume) == ("Private Room", "Where *we* plan.")
    assert "<em>we</em>" in html(client.get("/c/private"))
    # The access list, edited as text.
    response = client.post("/c/private/settings", data={
        "section": "acl", "version": str(row.version),
        "acl": "@oli moderator\n\n@gus reader\nrole:staff none"})
    assert response.status_code == 302
    acl = access_from_row(read(backend, get_conference_by_slug, "private")).acl
    assert [a for _, a in acl] == ["moderator", "reader", "none"]
    assert acl[2] == ("role:staff", "none")


def test_admin_creates_a_conference(client: FlaskClient, auth: Auth, world: World,
                                    backend: Backend) -> None:
    auth.login("ada")
    response = client.post("/admin/conferences", data={
        "slug": "garden", "name": "Garden", "visibility": "internal", "resume": "Plants.",
        "parent_id": world.conference["internal"]})
    assert response.status_code == 302
    assert location(response).endswith("/c/garden/settings")
    row = read(backend, get_conference_by_slug, "garden")
    assert row.parent_id == world.conference["internal"]
    assert "Sub-conferences" in html(client.get("/c/internal"))
    assert ">Garden</a>" in html(client.get("/"))


# --- errors ----------------------------------------------------------------


def test_unknown_address_is_a_404_page_with_a_link_home(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Not found" in html(response)
    assert alert(response) == "There is nothing at this address."
    assert 'href="/">Back to the conferences</a>' in html(response)


def test_wrong_method_is_a_405_page(sam: FlaskClient, world: World) -> None:
    response = sam.post(f"/p/{world.post['public']}/history")
    assert response.status_code == 405
    assert "does not accept that method" in alert(response)


def test_unexpected_error_shows_a_page_without_a_traceback(app: Flask) -> None:
    def explode() -> str:
        raise RuntimeError("kaboom: internal detail /srv/app/forum")

    app.add_url_rule("/explode", "explode", explode)
    response = app.test_client().get("/explode")
    assert response.status_code == 500
    page = html(response)
    assert "Something went wrong" in page
    assert "it has been logged" in alert(response)
    for leak in ("Traceback", "kaboom", "RuntimeError", "/srv/app"):
        assert leak not in page


def test_too_large_request_is_refused(sam: FlaskClient, world: World, backend: Backend
                                      ) -> None:
    before = backend.store.head()
    response = sam.post(f"/t/{world.thread['public']}/reply",
                        data={"parent_post_id": world.post["public"],
                              "body": "x" * (1024 * 1024 + 10)})
    assert response.status_code == 413
    assert "too large" in alert(response)
    assert backend.store.head() == before


# --- reading ---------------------------------------------------------------


@pytest.fixture
def long_thread(backend: Backend, people: People, world: World) -> str:
    """A 120-post thread in Internal, written by Oli (so every post is unread for Sam)."""
    tid, first = threads.start_thread(backend.services, people.other, StartThread(
        world.conference["internal"], "A long one", "post number 1"))
    for n in range(2, 121):
        reply(backend, people.other, tid, first, f"post number {n}")
    return tid


def test_page_one_of_a_long_thread_marks_fifty_read(
    sam: FlaskClient, backend: Backend, people: People, long_thread: str
) -> None:
    page = html(sam.get(f"/t/{long_thread}"))
    assert "Page 1 of 3" in page
    assert 'id="p50"' in page and 'id="p51"' not in page
    assert marker(backend, people.staff, long_thread) == 50
    assert read(backend, unread_by_thread, people.staff, [long_thread]) == {
        long_thread: 70}
    page = html(sam.get(f"/t/{long_thread}?page=3"))
    assert 'id="p101"' in page and 'id="p120"' in page
    assert marker(backend, people.staff, long_thread) == 120
    # Going back to page 2 does not move the marker back.
    sam.get(f"/t/{long_thread}?page=2")
    assert marker(backend, people.staff, long_thread) == 120


def test_mark_unread_from_here(sam: FlaskClient, backend: Backend, people: People,
                               long_thread: str, world: World) -> None:
    sam.get(f"/t/{long_thread}")
    response = sam.post(f"/t/{long_thread}/unread", data={"seq": "20"})
    assert response.status_code == 302
    assert location(response).endswith("/c/internal")
    assert marker(backend, people.staff, long_thread) == 19
    page = html(sam.get("/c/internal"))
    assert "Marked unread from there on." in page
    assert '<span class="unread">101</span>' in page


def test_mark_thread_read_and_its_return_address(
    sam: FlaskClient, backend: Backend, people: People, long_thread: str
) -> None:
    response = sam.post(f"/t/{long_thread}/read", data={"next": "/c/internal"})
    assert response.status_code == 302
    assert location(response) == "/c/internal"
    assert marker(backend, people.staff, long_thread) == 120


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/",
                                    "/\\evil.example/"])
def test_mark_read_does_not_redirect_off_site(
    sam: FlaskClient, long_thread: str, target: str
) -> None:
    response = sam.post(f"/t/{long_thread}/read", data={"next": target})
    assert response.status_code == 302
    assert "evil.example" not in location(response)


def test_mark_conference_read(sam: FlaskClient, backend: Backend, people: People,
                              long_thread: str, world: World) -> None:
    response = sam.post("/c/internal/read")
    assert response.status_code == 302
    page = html(sam.get(location(response)))
    assert "Marked 2 threads read." in page
    assert marker(backend, people.staff, long_thread) == 120
    assert marker(backend, people.staff, world.thread["internal"]) == 1
    assert read(backend, unread_by_conference, people.staff,
                [world.conference["internal"]]) == {}
    # Other conferences are untouched.
    assert marker(backend, people.staff, world.thread["public"]) == 0


def test_next_unread_goes_to_the_oldest_unread_post(
    sam: FlaskClient, backend: Backend, people: People, world: World
) -> None:
    # Read everything but a long thread's tail; /next must land on its page and anchor.
    for visibility in ("public", "internal", "private"):
        reading.mark_thread_read(backend.services, people.staff,
                                 MarkThreadRead(world.thread[visibility]))
    tid, first = threads.start_thread(backend.services, people.other, StartThread(
        world.conference["internal"], "Paged", "one"))
    for n in range(2, 61):
        reply(backend, people.other, tid, first, f"reply {n}")
    reading.mark_thread_read(backend.services, people.staff,
                             MarkThreadRead(tid, up_to_seq=52))
    # A newer unread post elsewhere comes after it in the log.
    reply(backend, people.other, world.thread["public"], world.post["public"], "newer")
    response = sam.get("/next")
    assert response.status_code == 302
    assert location(response).endswith(f"/t/{tid}?page=2#p53")
    page = html(sam.get(location(response)))
    assert 'id="p53" class="post new"' in page
    # That page marked the rest of the thread read; the public reply is next.
    response = sam.get("/next")
    assert location(response).endswith(f"/t/{world.thread['public']}?page=1#p2")
    sam.get(location(response))
    response = sam.get("/next", follow_redirects=True)
    assert "Nothing unread anywhere" in html(response)


def test_next_unread_needs_a_sign_in(client: FlaskClient) -> None:
    response = client.get("/next")
    assert response.status_code == 302
    assert "/login?next=" in location(response)


def test_readers_page_lists_readers_and_respects_privacy(
    client: FlaskClient, auth: Auth, backend: Backend, people: People, world: World
) -> None:
    tid, pid = world.thread["internal"], world.post["internal"]  # Ada's post
    for name in ("sam", "oli"):
        auth.login(name)
        client.get(f"/t/{tid}")
        auth.logout()
    auth.login("oli")
    # Oli turns off sharing what he reads.
    client.post("/account/profile", data={"display_name": "Oli"})
    assert read(backend, get_member_by_handle, "oli").share_read_history is False
    # Oli is neither the author nor a moderator of Internal.
    assert client.get(f"/p/{pid}/readers").status_code == 404
    assert "Who read it" not in html(client.get(f"/t/{tid}"))
    auth.logout()
    auth.login("ada")  # the author
    response = client.get(f"/p/{pid}/readers")
    assert response.status_code == 200
    page = html(response)
    assert ">Sam</a>" in page
    assert ">Oli</a>" not in page
    assert f"/p/{pid}/readers" in html(client.get(f"/t/{tid}"))


def test_readers_page_for_a_moderator(client: FlaskClient, auth: Auth, world: World,
                                      backend: Backend, people: People) -> None:
    tid, pid = world.thread["private"], world.post["private"]
    auth.login("sam")
    client.get(f"/t/{tid}")
    auth.logout()
    auth.login("oli")  # moderator of Private, not the author
    page = html(client.get(f"/p/{pid}/readers"))
    assert ">Sam</a>" in page
    auth.logout()
    auth.login("sam")  # a contributor, not the author
    assert client.get(f"/p/{pid}/readers").status_code == 404


def test_nobody_read_it_yet(client: FlaskClient, auth: Auth, world: World) -> None:
    auth.login("ada")
    page = html(client.get(f"/p/{world.post['private']}/readers"))
    assert "Nobody has read it yet." in page


# --- a very long thread ----------------------------------------------------

BIG = 5000


@pytest.fixture
def big_thread(backend: Backend, people: People, world: World) -> Iterator[str]:
    """A 5,000-post thread: replies appended straight to the log, in chunks."""
    tid, first = threads.start_thread(backend.services, people.other, StartThread(
        world.conference["public"], "The big one", "post 1"))
    ids = {1: first}
    version = 1
    chunk: list[ReplyPosted] = []
    for seq in range(2, BIG + 1):
        ids[seq] = f"big{seq:05d}"
        # A reply tree: each post answers the post half its number.
        chunk.append(ReplyPosted(tid, ids[seq], seq, ids[seq // 2], people.other.member_id,
                                 f"post {seq}"))
        if len(chunk) == 500 or seq == BIG:
            backend.store.append(f"thread-{tid}", chunk, expected_version=version,
                                 meta={"actor": people.other.member_id})
            version += len(chunk)
            chunk = []
    yield tid


def tree_order(size: int) -> list[int]:
    """Depth-first order of the big thread's reply tree (children of n: 2n and 2n+1)."""
    order: list[int] = []
    stack = [1]
    while stack:
        seq = stack.pop()
        order.append(seq)
        stack.extend(c for c in (2 * seq + 1, 2 * seq) if c <= size)
    return order


def test_a_five_thousand_post_thread_renders_first_and_last_pages(
    sam: FlaskClient, big_thread: str, backend: Backend, people: People
) -> None:
    """One test for both views: building the thread is the slow part."""
    row = read(backend, get_thread, big_thread)
    assert (row.last_seq, row.post_count) == (BIG, BIG)
    pages = BIG // PAGE_SIZE

    # By time.
    first = html(sam.get(f"/t/{big_thread}"))
    assert f"Page 1 of {pages}" in first
    assert seqs_on(first) == list(range(1, 51))
    last = sam.get(f"/t/{big_thread}?page={pages}")
    assert last.status_code == 200
    assert f"Page {pages} of {pages}" in html(last)
    assert seqs_on(html(last)) == list(range(BIG - 49, BIG + 1))
    assert marker(backend, people.staff, big_thread) == BIG

    # As a reply tree.
    order = tree_order(BIG)
    first = html(sam.get(f"/t/{big_thread}?view=tree"))
    assert f"Page 1 of {pages}" in first
    assert seqs_on(first) == order[:PAGE_SIZE]
    assert seqs_on(first)[:5] == [1, 2, 4, 8, 16]
    assert re.search(r'id="p4096" class="post[^"]*" style="--depth: 12"', first)
    last = html(sam.get(f"/t/{big_thread}?view=tree&page={pages}"))
    assert seqs_on(last) == order[-PAGE_SIZE:]
    prev = re.search(r'<a rel="prev" href="([^"]+)"', last)
    assert prev and f"page={pages - 1}" in prev.group(1) and "view=tree" in prev.group(1)


def seqs_on(page: str) -> list[int]:
    return [int(s) for s in re.findall(r'<article id="p(\d+)"', page)]
