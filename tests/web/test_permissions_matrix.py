"""The one visibility rule, seen through the web: every page and action for every kind of reader.

Readable gives 200; unreadable gives 404 (never 403, and never the subject);
readable but not allowed gives 403 with a clear message. A private conference's
words appear on no surface for anyone outside its access list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient

from forum.backend import Backend
from forum.core.permissions import Viewer
from forum.features.articles import handlers as articles
from forum.features.articles.commands import ProposeArticle, SendBackArticle
from forum.features.circles import handlers as circles
from forum.features.circles.commands import AddCircleMember, RecordCircleSession, StartCircle
from forum.features.conferences import handlers as conferences
from forum.features.conferences.commands import SetConferenceAcl, UpdateConference
from forum.features.kudos import handlers as kudos
from forum.features.kudos.commands import GiveKudos
from forum.features.members import handlers as members
from forum.features.members.commands import DeactivateMember, RegisterMember
from forum.features.threads import handlers as threads
from forum.features.threads.commands import HidePost, LockThread, PinThread, PostReply
from tests.conftest import PASSWORD, People
from tests.web.conftest import Auth, World, alert, html

VISIBILITIES = ("public", "internal", "private")
# Who is asking, and the handle they sign in with (None: an anonymous visitor).
ROLES = {
    "anonymous": None,
    "guest": "gus",
    "outsider": "zed",  # staff, on no access list
    "contributor": "sam",
    "moderator": "oli",
    "admin": "ada",
}
NONE, READ, POST, MODERATE = 0, 1, 2, 3
LEVEL = {
    "public": {"anonymous": READ, "guest": READ, "outsider": POST, "contributor": POST,
               "moderator": MODERATE, "admin": MODERATE},
    "internal": {"anonymous": NONE, "guest": NONE, "outsider": POST, "contributor": POST,
                 "moderator": MODERATE, "admin": MODERATE},
    "private": {"anonymous": NONE, "guest": NONE, "outsider": NONE, "contributor": POST,
                "moderator": MODERATE, "admin": MODERATE},
}
OUTSIDERS = ("anonymous", "guest", "outsider")
SECRETS = ("secret-private-words", "private subject")



@dataclass
class Matrix:
    world: World
    outsider: Viewer
    article: str = "none"  # a draft proposed from the private thread


@pytest.fixture
def matrix(backend: Backend, people: People, world: World) -> Matrix:
    """The world, plus a staff member on no list, and the same roles in every conference."""
    svc = backend.services
    zed = members.register_member(svc, people.admin, RegisterMember(
        "zed", "Zed", "zed@example.org", PASSWORD, "staff"))
    for visibility in ("public", "internal"):
        conferences.set_conference_acl(svc, people.admin, SetConferenceAcl(
            world.conference[visibility],
            ((f"member:{people.other.member_id}", "moderator"),
             (f"member:{people.staff.member_id}", "contributor"))))
    return Matrix(world, Viewer(zed, "staff"))


def sign_in(auth: Auth, role: str) -> None:
    handle = ROLES[role]
    if handle is not None:
        auth.login(handle)


# --- pages -----------------------------------------------------------------

PAGES = {
    "conference": lambda w, v: f"/c/{v}",
    "about": lambda w, v: f"/c/{v}/about",
    "thread": lambda w, v: f"/t/{w.thread[v]}",
    "tree": lambda w, v: f"/t/{w.thread[v]}?view=tree",
    "permalink": lambda w, v: f"/p/{w.post[v]}",
    "history": lambda w, v: f"/p/{w.post[v]}/history",
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_reading_pages(client: FlaskClient, auth: Auth, matrix: Matrix, visibility: str,
                       role: str) -> None:
    """Conference, about, thread (both views), permalink and post history."""
    sign_in(auth, role)
    readable = LEVEL[visibility][role] >= READ
    for page, url in PAGES.items():
        response = client.get(url(matrix.world, visibility))
        if readable:
            assert response.status_code == (302 if page == "permalink" else 200), page
            if page in ("thread", "tree"):
                assert f"secret-{visibility}-words" in html(response)
        else:
            assert response.status_code == 404, page
            assert alert(response) == "There is nothing at this address."
            for word in (f"secret-{visibility}-words", f"{visibility} subject"):
                assert word not in html(response), page


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_conference_settings_page(client: FlaskClient, auth: Auth, matrix: Matrix,
                                  visibility: str, role: str) -> None:
    sign_in(auth, role)
    response = client.get(f"/c/{visibility}/settings")
    if role == "anonymous":
        assert response.status_code == 302
        assert "/login?next=" in response.headers["Location"]
    elif LEVEL[visibility][role] == MODERATE:
        assert response.status_code == 200
        assert "Access list" in html(response)
    else:
        # Settings exist only for moderators; for everyone else there is nothing here.
        assert response.status_code == 404
        assert "Settings of" not in html(response)


# --- actions ---------------------------------------------------------------


def _reply(w: World, v: str) -> tuple[str, dict[str, str]]:
    return f"/t/{w.thread[v]}/reply", {"parent_post_id": w.post[v], "body": "a reply"}


def _new_thread(w: World, v: str) -> tuple[str, dict[str, str]]:
    return f"/c/{v}/new", {"subject": "New here", "body": "hello"}


def _lock(w: World, v: str) -> tuple[str, dict[str, str]]:
    return f"/t/{w.thread[v]}/lock", {"reason": "cool down"}


def _hide(w: World, v: str) -> tuple[str, dict[str, str]]:
    return f"/p/{w.post[v]}/hide", {"reason": "off topic"}


ACTIONS = {
    "reply": (_reply, POST, "You may read this conference but not post in it."),
    "new_thread": (_new_thread, POST,
                   "You may read this conference but not start threads in it."),
    "lock": (_lock, MODERATE, "Only moderators of this conference may do that."),
    "hide": (_hide, MODERATE, "Only moderators of this conference may do that."),
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_actions(client: FlaskClient, auth: Auth, backend: Backend, matrix: Matrix,
                 visibility: str, role: str, action: str) -> None:
    build, needed, refusal = ACTIONS[action]
    url, data = build(matrix.world, visibility)
    sign_in(auth, role)
    before = backend.store.head()
    response = client.post(url, data=data)
    level = LEVEL[visibility][role]
    if role == "anonymous":
        # Asked to sign in first, whatever the address (so nothing is revealed).
        assert response.status_code == 302
        assert "/login?next=" in response.headers["Location"]
    elif level >= needed:
        assert response.status_code == 302, html(response)
        assert backend.store.head() > before
        return
    elif level >= READ:
        assert response.status_code == 403
        assert alert(response) == refusal
    else:
        assert response.status_code == 404
        for word in (f"secret-{visibility}-words", f"{visibility} subject"):
            assert word not in html(response)
    assert backend.store.head() == before


# --- the private conference's words, on every surface ----------------------


@pytest.fixture
def busy(backend: Backend, people: People, matrix: Matrix) -> Matrix:
    """Activity in Private that would leak if any surface forgot the rule."""
    svc, w = backend.services, matrix.world
    tid, pid = w.thread["private"], w.post["private"]
    reply, _ = threads.post_reply(svc, people.staff, PostReply(
        tid, pid, "more secret-private-words"))
    threads.lock_thread(svc, people.other, LockThread(tid, "secret-private-words reason"))
    threads.pin_thread(svc, people.other, PinThread(tid))
    threads.hide_post(svc, people.admin, HidePost(tid, pid, "secret-private-words hidden"))
    conferences.update_conference(svc, people.admin, UpdateConference(
        w.conference["private"], "Private", "About secret-private-words", "private"))
    matrix.article = articles.propose_article(svc, people.staff, ProposeArticle(
        "thread", tid, summary="secret-private-words summary", tags=("private-subject",)))
    articles.send_back_article(svc, people.other, SendBackArticle(
        matrix.article, "secret-private-words comment"))
    # Learning together: kudos on the private post, a private study circle with notes.
    kudos.give_kudos(svc, people.other, GiveKudos("post", reply, "secret-private-words"))
    circle = circles.start_circle(svc, people.admin, StartCircle(
        "hidden", "secret-private-words circle", visibility="private", join="invitation"))
    circles.add_circle_member(svc, people.admin, AddCircleMember(
        circle, people.staff.member_id or ""))
    circles.record_circle_session(svc, people.staff, RecordCircleSession(
        circle, backend.store.clock().date().isoformat(), "private subject", "Notes"))
    return matrix


def surfaces(w: World, article: str = "none") -> list[str]:
    tid, pid = w.thread["private"], w.post["private"]
    return [
        "/", "/c/public", "/c/internal", "/members", "/members/ada", "/members/sam",
        "/members/oli", "/audit", "/account", "/admin", "/next",
        "/c/private", "/c/private/about", "/c/private/settings", "/c/private/new",
        f"/t/{tid}", f"/t/{tid}?view=tree", f"/t/{tid}/reply", f"/t/{tid}/move",
        f"/p/{pid}", f"/p/{pid}/history", f"/p/{pid}/readers", f"/p/{pid}/edit",
        f"/t/{w.thread['public']}", f"/p/{w.post['public']}/history",
        # Publishing: a draft from the private thread stays with its proposer and reviewers.
        "/blog", "/blog/feed.atom", "/blog/tags/private-subject", "/articles",
        f"/articles/{article}", f"/t/{tid}/propose", f"/p/{pid}/propose",
        "/api/v1/articles", f"/api/v1/articles/{article}",
        # Study circles and the month's digest (kudos, circles that met).
        "/circles", "/circles/hidden", "/c/circle-hidden", "/learning/digest",
        "/api/v1/circles", "/api/v1/circles/hidden",
        f"/api/v1/digest/{datetime.now(UTC):%Y-%m}",
    ]


@pytest.mark.parametrize("role", OUTSIDERS)
def test_private_words_appear_nowhere_outside_the_list(
    client: FlaskClient, auth: Auth, busy: Matrix, role: str
) -> None:
    sign_in(auth, role)
    for url in surfaces(busy.world, busy.article):
        response = client.get(url, follow_redirects=True)
        assert response.status_code in (200, 404), url
        page = html(response)
        for word in SECRETS:
            assert word not in page, f"{word!r} leaked on {url} to {role}"
        assert ">Private</a>" not in page, url
    # /next never points into the private thread.
    response = client.get("/next")
    if role != "anonymous":
        assert busy.world.thread["private"] not in response.headers["Location"]


@pytest.mark.parametrize("role", ("contributor", "moderator", "admin"))
def test_people_on_the_list_do_see_them(client: FlaskClient, auth: Auth, busy: Matrix,
                                        role: str) -> None:
    """The check above is not vacuous: the words are there for those allowed."""
    sign_in(auth, role)
    assert ">Private</a>" in html(client.get("/"))
    assert "more secret-private-words" in html(client.get(f"/t/{busy.world.thread['private']}"))
    assert "private subject" in html(client.get("/members/sam"))
    assert "secret-private-words comment" in html(client.get(f"/articles/{busy.article}"))
    digest = html(client.get("/learning/digest", follow_redirects=True))
    assert "private subject" in digest  # the kudos, where it was given
    if role != "moderator":  # oli is not in the circle (sam is; ada moderates everything)
        assert "secret-private-words circle" in html(client.get("/circles"))
    audit = client.get("/audit")
    if role == "contributor":
        assert audit.status_code == 404
    else:
        assert "secret-private-words reason" in html(audit)


def test_the_hidden_post_is_hidden_from_a_contributor(
    client: FlaskClient, auth: Auth, busy: Matrix
) -> None:
    auth.login("sam")
    page = html(client.get(f"/t/{busy.world.thread['private']}"))
    assert "Hidden by a moderator: secret-private-words hidden" in page
    assert "<p>secret-private-words</p>" not in page
    assert client.get(f"/p/{busy.world.post['private']}/history").status_code == 404


# --- a deactivated member --------------------------------------------------


def test_a_deactivated_members_session_stops_working(
    client: FlaskClient, auth: Auth, backend: Backend, people: People, matrix: Matrix
) -> None:
    w = matrix.world
    auth.login("sam")
    assert client.get(f"/t/{w.thread['private']}").status_code == 200
    members.deactivate_member(backend.services, people.admin,
                              DeactivateMember(people.staff.member_id))
    before = backend.store.head()
    # The same session cookie no longer signs anyone in.
    response = client.get(f"/t/{w.thread['private']}")
    assert response.status_code == 404
    assert "secret-private-words" not in html(response)
    assert client.get("/c/internal").status_code == 404
    assert client.get("/account").status_code == 302
    assert ">Private</a>" not in html(client.get("/"))
    response = client.post(f"/t/{w.thread['public']}/reply",
                           data={"parent_post_id": w.post["public"], "body": "still here?"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert backend.store.head() == before
    # Nor can they sign in again.
    response = client.post("/login", data={"login": "sam", "password": PASSWORD})
    assert response.status_code == 401
    assert alert(response) == "That sign-in did not work."
