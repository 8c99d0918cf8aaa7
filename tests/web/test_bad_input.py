"""Bad input: a 4xx with a human message in role="alert", the typed text kept, and no new event."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html import unescape
from typing import Any

import pytest
from flask.testing import FlaskClient

from forum.backend import Backend
from forum.core.text import BODY_MAX, SUBJECT_MAX
from forum.features.conferences.commands import UpdateConference
from forum.features.conferences.queries import get_conference_by_slug
from forum.features.members import handlers as members
from forum.features.members.commands import IssueInvitation
from forum.features.threads import handlers as threads
from forum.features.threads.commands import DeletePost, EditPost, LockThread, PostReply
from forum.features.threads.queries import get_post, list_posts
from tests.conftest import People
from tests.web.conftest import Auth, World, alert, html


def kept(response: Any, name: str) -> str:
    """What the error page's form offers to send again in field ``name``."""
    page = html(response)
    match = (re.search(rf'<textarea id="kept-{name}" name="{name}"[^>]*>(.*?)</textarea>',
                       page, re.S)
             or re.search(rf'<input id="kept-{name}" name="{name}" value="([^"]*)"', page)
             or re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', page))
    assert match, f"{name} was not kept"
    return unescape(match.group(1))


@pytest.fixture
def unchanged(backend: Backend) -> Callable[[], Any]:
    """A context manager asserting the log does not grow inside it."""

    @contextmanager
    def check() -> Iterator[None]:
        before = backend.store.head()
        yield
        assert backend.store.head() == before, "a refused request wrote to the log"

    return check


@pytest.fixture
def sam(client: FlaskClient, auth: Auth, world: World) -> FlaskClient:
    auth.login("sam")
    return client


# --- subjects and bodies ---------------------------------------------------


@pytest.mark.parametrize(("subject", "body", "message"), [
    ("", "a body", "Subject must not be empty."),
    ("   ", "a body", "Subject must not be empty."),
    ("A subject", "", "Body must not be empty."),
    ("s" * (SUBJECT_MAX + 1), "a body", "Subject is 201 characters; the limit is 200."),
    ("A subject", "b" * (BODY_MAX + 1), "Body is 50,001 characters; the limit is 50,000."),
    ("A subject", "bell \x07 in here", "Body contains control characters."),
])
def test_new_thread_with_bad_text(sam: FlaskClient, unchanged: Any, subject: str, body: str,
                                  message: str) -> None:
    with unchanged():
        response = sam.post("/c/internal/new", data={"subject": subject, "body": body})
    assert response.status_code == 400
    assert alert(response) == message
    assert "Nothing was saved" in html(response)
    if subject.strip():
        assert kept(response, "subject") == subject
    if body:
        assert kept(response, "body") == body
    assert 'action="/c/internal/new"' in html(response)


@pytest.mark.parametrize(("body", "message"), [
    ("", None),
    ("\n\t ", "Body must not be empty."),
    ("r" * (BODY_MAX + 1), "Body is 50,001 characters; the limit is 50,000."),
])
def test_reply_with_bad_text(sam: FlaskClient, world: World, unchanged: Any, body: str,
                             message: str | None) -> None:
    tid, pid = world.thread["internal"], world.post["internal"]
    with unchanged():
        response = sam.post(f"/t/{tid}/reply", data={"parent_post_id": pid, "body": body})
    assert response.status_code == 400
    assert alert(response) == (message or "Body must not be empty.")
    if body.strip():
        assert kept(response, "body") == body
        assert kept(response, "parent_post_id") == pid


def test_the_kept_form_can_be_sent_again(sam: FlaskClient, world: World,
                                         backend: Backend) -> None:
    tid, pid = world.thread["internal"], world.post["internal"]
    too_long = "w" * (BODY_MAX + 1)
    response = sam.post(f"/t/{tid}/reply", data={"parent_post_id": pid, "body": too_long})
    # The person shortens their text in the kept form and sends it again.
    response = sam.post(f"/t/{tid}/reply", data={"parent_post_id": kept(response,
                                                                          "parent_post_id"),
                                                 "body": kept(response, "body")[:100]})
    assert response.status_code == 302
    assert read_posts(backend, tid)[-1].body == "w" * 100


def read_posts(backend: Backend, thread_id: str) -> Any:
    with backend.engine.connect() as conn:
        return list_posts(conn, thread_id)


# --- unknown things --------------------------------------------------------


@pytest.mark.parametrize("method,url", [
    ("get", "/c/nope"),
    ("get", "/c/nope/about"),
    ("get", "/c/nope/new"),
    ("post", "/c/nope/new"),
    ("post", "/c/nope/read"),
    ("get", "/t/nope"),
    ("get", "/t/nope/reply"),
    ("post", "/t/nope/reply"),
    ("post", "/t/nope/read"),
    ("post", "/t/nope/unread"),
    ("post", "/t/nope/lock"),
    ("get", "/t/nope/move"),
    ("get", "/p/nope"),
    ("get", "/p/nope/history"),
    ("get", "/p/nope/readers"),
    ("get", "/p/nope/edit"),
    ("post", "/p/nope/edit"),
    ("post", "/p/nope/delete"),
    ("post", "/p/nope/hide"),
    ("get", "/c/nope/settings"),
    ("get", "/members/nope"),
])
def test_unknown_ids_are_404(client: FlaskClient, auth: Auth, world: World, unchanged: Any,
                             method: str, url: str) -> None:
    auth.login("ada")  # an administrator: nothing is hidden, it just is not there
    with unchanged():
        response = getattr(client, method)(url, data={"subject": "s", "body": "kept words",
                                                      "seq": "1", "revision": "1"})
    assert response.status_code == 404
    assert alert(response) == "There is nothing at this address."
    assert 'href="/">Back to the conferences</a>' in html(response)


def test_reply_to_a_post_of_another_thread(sam: FlaskClient, world: World,
                                           unchanged: Any) -> None:
    with unchanged():
        response = sam.post(f"/t/{world.thread['internal']}/reply",
                            data={"parent_post_id": world.post["public"], "body": "lost"})
    assert response.status_code == 404
    assert alert(response) == "No such post in this thread."
    assert kept(response, "body") == "lost"


def test_reply_to_a_removed_post(sam: FlaskClient, world: World, backend: Backend,
                                 people: People, unchanged: Any) -> None:
    tid, first = world.thread["internal"], world.post["internal"]
    pid, _ = threads.post_reply(backend.services, people.other,
                                PostReply(tid, first, "soon gone"))
    threads.delete_post(backend.services, people.other, DeletePost(tid, pid))
    with unchanged():
        response = sam.post(f"/t/{tid}/reply", data={"parent_post_id": pid,
                                                     "body": "my careful answer"})
    assert response.status_code == 409
    assert alert(response) == "That post was removed; reply to another post."
    assert kept(response, "body") == "my careful answer"


def test_edit_by_someone_else(sam: FlaskClient, world: World, unchanged: Any) -> None:
    pid = world.post["internal"]  # Ada's
    with unchanged():
        response = sam.post(f"/p/{pid}/edit", data={"body": "rewritten", "revision": "1"})
    assert response.status_code == 403
    assert alert(response) == "Only the author or a moderator may edit this post."
    assert kept(response, "body") == "rewritten"
    with unchanged():
        response = sam.post(f"/p/{pid}/delete")
    assert response.status_code == 403
    assert alert(response) == "Only the author or a moderator may remove this post."


def test_posting_in_a_locked_thread(sam: FlaskClient, world: World, backend: Backend,
                                    people: People, unchanged: Any) -> None:
    tid = world.thread["internal"]
    threads.lock_thread(backend.services, people.admin, LockThread(tid, "enough"))
    page = html(sam.get(f"/t/{tid}"))
    assert "This thread is locked: only moderators can reply." in page
    assert 'id="reply-form"' not in page
    with unchanged():
        response = sam.post(f"/t/{tid}/reply", data={"parent_post_id": world.post["internal"],
                                                     "body": "but wait"})
    assert response.status_code == 403
    assert alert(response) == "This thread is locked; only moderators may reply."
    assert kept(response, "body") == "but wait"


def test_stale_revision_on_edit(sam: FlaskClient, world: World, backend: Backend,
                                people: People, unchanged: Any) -> None:
    tid = world.thread["internal"]
    pid, _ = threads.post_reply(backend.services, people.staff,
                                PostReply(tid, world.post["internal"], "version one"))
    form = html(sam.get(f"/p/{pid}/edit"))
    assert 'name="revision" value="1"' in form
    # Meanwhile a moderator edits it (an admin moderates everywhere).
    threads.edit_post(backend.services, people.admin, EditPost(tid, pid, "version two"))
    with unchanged():
        response = sam.post(f"/p/{pid}/edit", data={"body": "my version", "revision": "1"})
    assert response.status_code == 409
    assert alert(response) == ("The post was edited meanwhile (you edited revision 1, it is now "
                               "at 2); reload and try again.")
    assert kept(response, "body") == "my version"
    # Sending the kept text again, having seen the conflict, saves it over revision 2.
    assert kept(response, "revision") == "2"
    again = sam.post(f"/p/{pid}/edit", data={"body": kept(response, "body"),
                                             "revision": kept(response, "revision")})
    assert again.status_code == 302
    with backend.engine.connect() as conn:
        assert get_post(conn, pid).body == "my version"


def test_revision_that_is_not_a_number(sam: FlaskClient, world: World, backend: Backend,
                                       people: People, unchanged: Any) -> None:
    tid = world.thread["internal"]
    pid, _ = threads.post_reply(backend.services, people.staff,
                                PostReply(tid, world.post["internal"], "hello"))
    with unchanged():
        response = sam.post(f"/p/{pid}/edit", data={"body": "hello!", "revision": "one"})
    assert response.status_code == 400
    assert alert(response) == "Revision must be a whole number."
    assert kept(response, "body") == "hello!"


@pytest.mark.parametrize("seq", ["0", "99", "x"])
def test_mark_unread_from_a_post_that_is_not_there(sam: FlaskClient, world: World,
                                                   unchanged: Any, seq: str) -> None:
    with unchanged():
        response = sam.post(f"/t/{world.thread['internal']}/unread", data={"seq": seq})
    assert response.status_code == 400
    assert alert(response) in (f"Post number {seq} is not in this thread.",
                               "Seq must be a whole number.")


# --- conference settings ---------------------------------------------------


def conference_row(backend: Backend, slug: str) -> Any:
    with backend.engine.connect() as conn:
        return get_conference_by_slug(conn, slug)


def test_stale_conference_version_in_settings(client: FlaskClient, auth: Auth, world: World,
                                              backend: Backend, people: People,
                                              unchanged: Any) -> None:
    auth.login("oli")
    form = html(client.get("/c/private/settings"))
    seen = int(re.search(r'name="version" value="(\d+)"', form).group(1))  # type: ignore[union-attr]
    assert seen == conference_row(backend, "private").version
    # Someone else saves first.
    from forum.features.conferences import handlers as conferences
    conferences.update_conference(backend.services, people.admin, UpdateConference(
        world.conference["private"], "Private", "Changed by Ada", "private"))
    current = conference_row(backend, "private").version
    assert current == seen + 1
    with unchanged():
        response = client.post("/c/private/settings", data={
            "section": "settings", "version": str(seen), "name": "Private",
            "resume": "My résumé", "visibility": "private"})
    assert response.status_code == 409
    message = alert(response)
    assert f"expected version {seen}, now {current}" in message
    assert "reload and try again" in message
    assert kept(response, "resume") == "My résumé"
    assert kept(response, "version") == str(current)
    with unchanged():
        response = client.post("/c/private/settings", data={
            "section": "acl", "version": str(seen), "acl": "@oli moderator"})
    assert response.status_code == 409
    assert kept(response, "acl") == "@oli moderator"


@pytest.mark.parametrize(("acl", "message"), [
    ("@oli", "Line 1: write a principal and an access level, e.g. '@sam moderator' or "
             "'role:guest reader'."),
    ("@oli moderator\n@sam can write please", "Line 2: write a principal and an access level, "
                                              "e.g. '@sam moderator' or 'role:guest reader'."),
    ("@oli moderator\n@nobody reader", "Line 2: nobody is called @nobody."),
    ("@oli moderator\nrole:wizard reader",
     "Unknown principal 'role:wizard': use member:<id>, role:<role> or members."),
    ("@oli moderator\n@sam superuser",
     "Access must be one of none, reader, contributor, moderator."),
    ("@oli moderator\n@oli reader", None),
    ("@oli reader", "That list would take away your own moderator access."),
])
def test_malformed_access_list(client: FlaskClient, auth: Auth, world: World,
                               backend: Backend, unchanged: Any, acl: str,
                               message: str | None) -> None:
    auth.login("oli")
    version = conference_row(backend, "private").version
    with unchanged():
        response = client.post("/c/private/settings", data={
            "section": "acl", "version": str(version), "acl": acl})
    assert response.status_code in (400, 409)
    if message is None:
        assert alert(response).endswith("is listed twice.")
    else:
        assert alert(response) == message
    assert kept(response, "acl") == acl


def test_empty_conference_name(client: FlaskClient, auth: Auth, world: World,
                               backend: Backend, unchanged: Any) -> None:
    auth.login("ada")
    version = conference_row(backend, "internal").version
    with unchanged():
        response = client.post("/c/internal/settings", data={
            "section": "settings", "version": str(version), "name": " ",
            "resume": "kept résumé", "visibility": "internal"})
    assert response.status_code == 400
    assert alert(response) == "Name must not be empty."
    assert kept(response, "resume") == "kept résumé"


def test_moderator_may_not_change_visibility(client: FlaskClient, auth: Auth, world: World,
                                             backend: Backend, unchanged: Any) -> None:
    auth.login("oli")
    version = conference_row(backend, "private").version
    with unchanged():
        response = client.post("/c/private/settings", data={
            "section": "settings", "version": str(version), "name": "Private",
            "resume": "", "visibility": "public"})
    assert response.status_code == 403
    assert alert(response) == "Only an administrator may change a conference's visibility."


# --- accounts and administration -------------------------------------------


@pytest.fixture
def ada(client: FlaskClient, auth: Auth, world: World) -> FlaskClient:
    auth.login("ada")
    return client


def test_taken_handle_when_an_admin_creates_an_account(ada: FlaskClient,
                                                       unchanged: Any) -> None:
    with unchanged():
        response = ada.post("/admin/members", data={
            "handle": "Sam", "display_name": "Another Sam", "email": "sam2@example.org",
            "password": "long enough password", "role": "staff"})
    assert response.status_code == 409
    assert alert(response) == "The handle @sam is taken."
    assert kept(response, "handle") == "Sam"
    assert kept(response, "display_name") == "Another Sam"
    assert kept(response, "email") == "sam2@example.org"
    assert "long enough password" not in html(response)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("handle", "no spaces", "A handle is 1–30 lowercase letters, digits, '.', '-' or '_', "
                            "starting and ending with a letter or digit."),
    ("email", "not-an-address", "That does not look like an e-mail address."),
    ("password", "short", "A password has at least 10 characters."),
    ("role", "emperor", "Role must be one of admin, staff, guest."),
])
def test_bad_new_account(ada: FlaskClient, unchanged: Any, field: str, value: str,
                         message: str) -> None:
    data = {"handle": "newbie", "display_name": "New Bie", "email": "new@example.org",
            "password": "long enough password", "role": "staff", field: value}
    with unchanged():
        response = ada.post("/admin/members", data=data)
    assert response.status_code == 400
    assert alert(response) == message


def test_taken_slug(ada: FlaskClient, unchanged: Any) -> None:
    with unchanged():
        response = ada.post("/admin/conferences", data={
            "slug": "public", "name": "Another Public", "visibility": "public",
            "resume": "Its résumé"})
    assert response.status_code == 409
    assert alert(response) == "A conference called 'public' already exists."
    assert kept(response, "name") == "Another Public"
    assert kept(response, "resume") == "Its résumé"
    assert kept(response, "slug") == "public"


def test_bad_slug(ada: FlaskClient, unchanged: Any) -> None:
    with unchanged():
        response = ada.post("/admin/conferences", data={
            "slug": "Not A Slug!", "name": "Garden", "visibility": "internal"})
    assert response.status_code == 400
    assert "a slug is lowercase letters" in alert(response).lower()


def test_bad_invitation_token(client: FlaskClient, world: World, unchanged: Any) -> None:
    with unchanged():
        response = client.get("/invite/not-a-real-token")
        assert response.status_code == 404
        assert "not valid" in alert(response)
        response = client.post("/invite/not-a-real-token", data={
            "handle": "newbie", "display_name": "New", "email": "n@example.org",
            "password": "long enough password"})
    assert response.status_code == 404
    assert "not valid" in alert(response)


def test_taken_handle_when_accepting_an_invitation(
    client: FlaskClient, backend: Backend, people: People, unchanged: Any
) -> None:
    token = members.issue_invitation(backend.services, people.admin, IssueInvitation())
    with unchanged():
        response = client.post(f"/invite/{token}", data={
            "handle": "gus", "display_name": "Gus Two", "email": "gus2@example.org",
            "password": "long enough password"})
    assert response.status_code == 409
    assert alert(response) == "The handle @gus is taken."
    assert kept(response, "handle") == "gus"
    assert kept(response, "display_name") == "Gus Two"
    # The kept form asks for the password again, and then works.
    assert 'type="password"' in html(response)
    response = client.post(f"/invite/{token}", data={
        "handle": "gus2", "display_name": kept(response, "display_name"),
        "email": kept(response, "email"), "password": "long enough password"})
    assert response.status_code == 302


def test_wrong_password_on_change(sam: FlaskClient, unchanged: Any) -> None:
    with unchanged():
        response = sam.post("/account/password", data={
            "current_password": "not my password", "new_password": "a brand new one"})
    assert response.status_code == 403
    assert alert(response) == "The current password is not right."
    assert "not my password" not in html(response)
    assert "a brand new one" not in html(response)


def test_too_short_new_password(sam: FlaskClient, unchanged: Any) -> None:
    from tests.conftest import PASSWORD

    with unchanged():
        response = sam.post("/account/password", data={
            "current_password": PASSWORD, "new_password": "short"})
    assert response.status_code == 400
    assert alert(response) == "A password has at least 10 characters."


def test_empty_display_name_in_profile(sam: FlaskClient, unchanged: Any) -> None:
    with unchanged():
        response = sam.post("/account/profile", data={"display_name": "", "bio": "my bio"})
    assert response.status_code == 400
    assert alert(response) == "Display name must not be empty."


def test_empty_token_name(sam: FlaskClient, unchanged: Any) -> None:
    with unchanged():
        response = sam.post("/account/tokens", data={"name": " "})
    assert response.status_code == 400
    assert alert(response) == "Token name must not be empty."


def test_revoke_unknown_token(sam: FlaskClient, unchanged: Any) -> None:
    with unchanged():
        response = sam.post("/account/tokens/nope/revoke")
    assert response.status_code == 404
    assert alert(response) == "No such active token."


def test_admin_cannot_demote_or_deactivate_themself(ada: FlaskClient, people: People,
                                                    unchanged: Any) -> None:
    me = people.admin.member_id
    with unchanged():
        response = ada.post(f"/admin/members/{me}/role", data={"role": "staff"})
        assert response.status_code == 409
        assert alert(response) == "You cannot take away your own administrator role."
        response = ada.post(f"/admin/members/{me}/deactivate")
        assert response.status_code == 409
        assert alert(response) == "You cannot deactivate yourself."
        response = ada.post("/admin/members/nobody/deactivate")
        assert response.status_code == 404
        assert alert(response) == "No such member."


# --- odd numbers in addresses and forms ------------------------------------

HUGE = "9" * 25


@pytest.mark.parametrize("query", [f"page={HUGE}", "page=-3", "page=x", f"view=tree&page={HUGE}"])
def test_odd_page_numbers(sam: FlaskClient, world: World, query: str) -> None:
    for url in (f"/c/public?{query}", f"/t/{world.thread['public']}?{query}"):
        response = sam.get(url)
        assert response.status_code == 200, url


def test_odd_audit_position(client: FlaskClient, auth: Auth, world: World) -> None:
    auth.login("ada")
    for before in (HUGE, "-1", "x"):
        response = client.get(f"/audit?before={before}")
        assert response.status_code == 200, before
        assert "changed the access list" in html(response)


def test_conference_version_that_is_not_a_number(client: FlaskClient, auth: Auth,
                                                 world: World, unchanged: Any) -> None:
    auth.login("ada")
    with unchanged():
        response = client.post("/c/public/settings", data={
            "section": "settings", "version": "abc", "name": "Public", "resume": "kept",
            "visibility": "public"})
    assert response.status_code == 400
    assert alert(response) == "Version must be a whole number."
    assert kept(response, "resume") == "kept"
