"""Accounts: signing in and out, invitations, administration of members, one's own settings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from forum import create_app
from forum.backend import Backend
from forum.core.passwords import token_hash
from forum.features.conferences.queries import tags
from forum.features.members.queries import (
    get_invitation_by_hash,
    get_member_by_handle,
    get_member_by_token_hash,
)
from tests.conftest import PASSWORD, People, make_config, sqlite_backend
from tests.web.conftest import Auth, World, alert, html

NEW_PASSWORD = "a much better passphrase"



def member(backend: Backend, handle: str) -> Any:
    with backend.engine.connect() as conn:
        return get_member_by_handle(conn, handle)


def login(client: FlaskClient, handle: str, password: str = PASSWORD) -> Any:
    return client.post("/login", data={"login": handle, "password": password})


class FormFields(HTMLParser):
    """What a browser would send from the form posting to ``action``, left as it is shown."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.textarea = action, False, None
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") == self.action
        elif self.inside and tag == "input" and a.get("name"):
            if a.get("type") != "checkbox" or "checked" in a:
                self.fields[str(a["name"])] = a.get("value") or "on"
        elif self.inside and tag == "textarea":
            self.textarea = a.get("name")
            self.fields[str(self.textarea)] = ""

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.inside = False


def form_fields(page: str, action: str) -> dict[str, str]:
    parser = FormFields(action)
    parser.feed(page)
    return parser.fields


@pytest.fixture
def ada(client: FlaskClient, auth: Auth, world: World) -> FlaskClient:
    auth.login("ada")
    return client


# --- signing in and out ----------------------------------------------------


def test_sign_in_page_and_sign_in(client: FlaskClient, people: People) -> None:
    page = client.get("/login?next=/members")
    assert page.status_code == 200
    assert 'name="next" value="/members"' in html(page)
    response = client.post("/login", data={"login": "sam", "password": PASSWORD,
                                           "next": "/members"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/members"
    page = html(client.get("/"))
    assert ">Sam</a>" in page and "Sign out" in page


def test_sign_in_by_email_address(client: FlaskClient, people: People) -> None:
    assert login(client, "Sam@Example.org").status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/",
                                    "/\\evil.example/"])
def test_sign_in_does_not_send_people_off_site(client: FlaskClient, people: People,
                                               target: str) -> None:
    response = client.post("/login", data={"login": "sam", "password": PASSWORD,
                                           "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(("handle", "password"), [("sam", "wrong password"),
                                                  ("nobody", PASSWORD), ("", "")])
def test_failed_sign_in(client: FlaskClient, people: People, handle: str,
                        password: str) -> None:
    response = login(client, handle, password)
    assert response.status_code == 401
    assert alert(response) == "That sign-in did not work."
    assert "Sign out" not in html(response)


def test_sign_out(client: FlaskClient, auth: Auth, people: People) -> None:
    auth.login("sam")
    response = auth.logout()
    assert response.status_code == 302
    page = html(client.get("/"))
    assert "You have signed out." in page
    assert "Sign out" not in page
    assert client.get("/account").status_code == 302


def test_pages_that_need_a_sign_in_send_you_there_and_back(client: FlaskClient,
                                                           people: People) -> None:
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Faccount"
    page = html(client.get(response.headers["Location"]))
    assert "Please sign in to see that page." in page
    response = client.post("/login", data={"login": "sam", "password": PASSWORD,
                                           "next": "/account"})
    assert response.headers["Location"] == "/account"


@pytest.fixture
def limited_app(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    sqlite_backend(tmp_path, tmp_path_factory).dispose()
    application = create_app(make_config(tmp_path, login_rate_limit="3 per minute"))
    application.config["WTF_CSRF_ENABLED"] = False
    yield application
    application.extensions["commonroom"].dispose()


def test_sign_in_attempts_are_rate_limited(limited_app: Flask) -> None:
    People(limited_app.extensions["commonroom"])
    client = limited_app.test_client()
    codes = [login(client, "sam", "wrong password").status_code for _ in range(3)]
    assert codes == [401, 401, 401]
    response = login(client, "sam", "wrong password")
    assert response.status_code == 429
    assert alert(response) == "Too many attempts; wait a minute and try again."
    # Even the right password waits; reading the form does not count.
    assert login(client, "sam").status_code == 429
    assert client.get("/login").status_code == 200


# --- invitations -----------------------------------------------------------


def invite(ada: FlaskClient, role: str = "guest", note: str = "Welcome, visitor") -> str:
    response = ada.post("/admin/invitations", data={"role": role, "note": note})
    assert response.status_code == 302
    page = html(ada.get(response.headers["Location"]))
    match = re.search(r"Invitation link \(shown once\): http://localhost/invite/([\w-]+)", page)
    assert match, "the invitation link was not shown"
    return match.group(1)


def test_invitation_accept_flow(ada: FlaskClient, auth: Auth, backend: Backend) -> None:
    token = invite(ada)
    admin_page = html(ada.get("/admin"))
    assert "Welcome, visitor" in admin_page and "not yet" in admin_page
    assert token not in admin_page  # shown once, in the message only
    auth.logout()

    form = ada.get(f"/invite/{token}")
    assert form.status_code == 200
    assert "Welcome, visitor" in html(form)
    response = ada.post(f"/invite/{token}", data={
        "handle": "Vera", "display_name": "Vera Visitor", "email": "vera@example.org",
        "password": "vera's long password"})
    assert response.status_code == 302
    page = html(ada.get(response.headers["Location"]))
    assert "Welcome to Commonroom." in page
    assert ">Vera Visitor</a>" in page  # signed in as Vera
    vera = member(backend, "vera")
    assert (vera.role, vera.active) == ("guest", True)
    with backend.engine.connect() as conn:
        invitation = get_invitation_by_hash(conn, token_hash(token))
    assert invitation.accepted_by == vera.id
    # A guest reads Public only.
    assert ">Internal</a>" not in page and ">Public</a>" in page

    # The link works once.
    auth.logout()
    head = backend.store.head()
    response = ada.get(f"/invite/{token}")
    assert response.status_code == 404
    assert "already been used" in alert(response)
    response = ada.post(f"/invite/{token}", data={
        "handle": "vera2", "display_name": "Vera Again", "email": "v2@example.org",
        "password": "another long password"})
    assert response.status_code == 404
    assert backend.store.head() == head
    assert member(backend, "vera2") is None
    # Vera signs in with her own password.
    assert login(ada, "vera", "vera's long password").status_code == 302


def test_only_an_admin_invites(client: FlaskClient, auth: Auth, world: World,
                               backend: Backend) -> None:
    auth.login("sam")
    head = backend.store.head()
    response = client.post("/admin/invitations", data={"role": "admin"})
    assert response.status_code == 403
    assert alert(response) == "Only an administrator may invite people."
    assert client.get("/admin").status_code == 404
    assert backend.store.head() == head


# --- administration of members ---------------------------------------------


def test_admin_page(ada: FlaskClient) -> None:
    response = ada.get("/admin")
    assert response.status_code == 200
    page = html(response)
    for handle in ("ada", "sam", "oli", "gus"):
        assert f"@{handle}" in page
    for name in ("Public", "Internal", "Private"):
        assert f">{name}</a>" in page


def test_admin_creates_an_account(ada: FlaskClient, backend: Backend) -> None:
    response = ada.post("/admin/members", data={
        "handle": " NewBie ", "display_name": "New Bie", "email": "newbie@example.org",
        "password": "newbie's password", "role": "guest"})
    assert response.status_code == 302
    page = html(ada.get(response.headers["Location"]))
    assert "Account @newbie created." in page
    assert "@newbie" in page
    row = member(backend, "newbie")
    assert (row.display_name, row.email, row.role) == ("New Bie", "newbie@example.org", "guest")
    fresh = ada.application.test_client()
    assert login(fresh, "newbie", "newbie's password").status_code == 302


def test_staff_cannot_create_accounts(client: FlaskClient, auth: Auth, world: World,
                                      backend: Backend) -> None:
    auth.login("sam")
    head = backend.store.head()
    response = client.post("/admin/members", data={
        "handle": "sneaky", "display_name": "Sneaky", "email": "s@example.org",
        "password": "long enough password", "role": "admin"})
    assert response.status_code == 403
    assert alert(response) == "Only an administrator may create accounts."
    assert backend.store.head() == head


def test_role_change_takes_effect_at_once(ada: FlaskClient, app: Flask, backend: Backend,
                                          people: People) -> None:
    sam = app.test_client()
    assert login(sam, "sam").status_code == 302
    assert sam.get("/c/internal").status_code == 200
    response = ada.post(f"/admin/members/{people.staff.member_id}/role", data={"role": "guest"})
    assert response.status_code == 302
    assert "Member updated." in html(ada.get("/admin"))
    assert member(backend, "sam").role == "guest"
    # A guest does not read Internal; Sam's open session follows the change.
    assert sam.get("/c/internal").status_code == 404
    assert ">Internal</a>" not in html(sam.get("/"))
    # Sam is still on Private's list by name.
    assert sam.get("/c/private").status_code == 200
    ada.post(f"/admin/members/{people.staff.member_id}/role", data={"role": "admin"})
    assert 'href="/admin"' in html(sam.get("/"))
    assert sam.get("/admin").status_code == 200


def test_bad_role(ada: FlaskClient, backend: Backend, people: People) -> None:
    head = backend.store.head()
    response = ada.post(f"/admin/members/{people.staff.member_id}/role", data={"role": "king"})
    assert response.status_code == 400
    assert alert(response) == "Role must be one of admin, staff, guest."
    assert backend.store.head() == head


def test_deactivate_and_reactivate(ada: FlaskClient, app: Flask, backend: Backend,
                                   people: People) -> None:
    sam = app.test_client()
    assert login(sam, "sam").status_code == 302
    oli_id = people.staff.member_id
    response = ada.post(f"/admin/members/{oli_id}/deactivate")
    assert response.status_code == 302
    assert member(backend, "sam").active is False
    page = html(ada.get("/admin"))
    assert f'/admin/members/{oli_id}/reactivate' in page
    assert "This account is deactivated." in html(ada.get("/members/sam"))
    assert "@sam" not in html(ada.get("/members"))
    # Sam's session no longer works, and Sam cannot sign in again.
    assert sam.get("/account").status_code == 302
    assert login(sam, "sam").status_code == 401

    response = ada.post(f"/admin/members/{oli_id}/reactivate")
    assert response.status_code == 302
    assert member(backend, "sam").active is True
    assert f'/admin/members/{oli_id}/deactivate' in html(ada.get("/admin"))
    assert login(sam, "sam").status_code == 302
    assert sam.get("/account").status_code == 200


def test_staff_cannot_change_members(client: FlaskClient, auth: Auth, world: World,
                                     backend: Backend, people: People) -> None:
    auth.login("sam")
    head = backend.store.head()
    for action, data in (("role", {"role": "admin"}), ("deactivate", {})):
        response = client.post(f"/admin/members/{people.other.member_id}/{action}", data=data)
        assert response.status_code == 403
        assert alert(response) == "Only an administrator may do that."
    assert backend.store.head() == head


# --- one's own settings ----------------------------------------------------


@pytest.fixture
def sam(client: FlaskClient, auth: Auth, world: World) -> FlaskClient:
    auth.login("sam")
    return client


def test_settings_page(sam: FlaskClient) -> None:
    response = sam.get("/account")
    assert response.status_code == 200
    page = html(response)
    assert "Your settings" in page
    assert 'name="display_name" value="Sam"' in page
    assert 'name="share_read_history" checked' in page


def test_profile_update_shows_on_the_profile_page(sam: FlaskClient, backend: Backend) -> None:
    response = sam.post("/account/profile", data={
        "display_name": "Samira", "bio": "I teach pottery & glazes.",
        "skills": "pottery, glazing, , Pottery", "interests": "kilns",
        "can_teach": "wheel throwing", "share_read_history": "on"})
    assert response.status_code == 302
    assert "Profile saved." in html(sam.get(response.headers["Location"]))
    row = member(backend, "sam")
    assert tags(row.skills) == ["pottery", "glazing"]
    assert row.share_read_history is True
    page = html(sam.get("/members/sam"))
    assert "Samira" in page
    assert "I teach pottery &amp; glazes." in page
    for tag in ("pottery", "glazing", "kilns", "wheel throwing"):
        assert f'<span class="tag">{tag}</span>' in page
    assert "wheel throwing" in html(sam.get("/members"))
    settings = html(sam.get("/account"))
    assert 'value="pottery, glazing"' in settings
    assert ">Samira</a>" in settings  # the name in the top bar


def test_saving_the_settings_form_as_shown_changes_nothing(sam: FlaskClient,
                                                            backend: Backend) -> None:
    sam.post("/account/profile", data={
        "display_name": "Samira", "bio": "Potter.", "skills": "pottery",
        "interests": "kilns", "can_teach": "glazing", "share_read_history": "on"})
    before = member(backend, "sam")
    shown = form_fields(html(sam.get("/account")), "/account/profile")
    assert shown["display_name"] == "Samira" and shown["share_read_history"] == "on"
    assert sam.post("/account/profile", data=shown).status_code == 302
    after = member(backend, "sam")
    for column in ("display_name", "bio", "skills", "interests", "can_teach",
                   "share_read_history"):
        assert getattr(after, column) == getattr(before, column), column


def test_password_change_then_sign_in_with_the_new_one(sam: FlaskClient, auth: Auth,
                                                       app: Flask) -> None:
    response = sam.post("/account/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert "Password changed." in html(sam.get(response.headers["Location"]))
    auth.logout()
    assert login(sam, "sam").status_code == 401
    assert login(sam, "sam", NEW_PASSWORD).status_code == 302


def test_api_token_is_shown_once_and_can_be_revoked(sam: FlaskClient, backend: Backend
                                                    ) -> None:
    response = sam.post("/account/tokens", data={"name": "my script"})
    assert response.status_code == 200
    page = html(response)
    match = re.search(r'<code class="token">([^<]+)</code>', page)
    assert match and "shown only now" in page
    token = match.group(1)
    with backend.engine.connect() as conn:
        owner = get_member_by_token_hash(conn, token_hash(token))
    assert owner is not None and owner.handle == "sam"
    # Shown once: the settings page lists it by name only.
    page = html(sam.get("/account"))
    assert token not in page
    assert "<td>my script</td>" in page
    revoke = re.search(r'action="(/account/tokens/[^/"]+/revoke)"', page)
    assert revoke
    response = sam.post(revoke.group(1))
    assert response.status_code == 302
    page = html(sam.get("/account"))
    assert "Token revoked." in page and "revoked 20" in page
    with backend.engine.connect() as conn:
        assert get_member_by_token_hash(conn, token_hash(token)) is None
    # A revoked token cannot be revoked twice.
    again = sam.post(revoke.group(1))
    assert again.status_code == 404
    assert alert(again) == "No such active token."
