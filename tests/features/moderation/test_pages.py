"""Moderators' actions, on the thread page and in the audit log; who may see the audit log."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from flask.testing import FlaskClient

from forum.backend import Backend
from forum.features.members import handlers as members
from forum.features.members.commands import ChangeMemberRole, RegisterMember
from forum.features.threads import handlers as threads
from forum.features.threads.commands import (
    DeletePost,
    HidePost,
    LockThread,
    PinThread,
    PostReply,
    StartThread,
    UnpinThread,
)
from forum.features.threads.queries import get_post, get_thread
from tests.conftest import PASSWORD, People
from tests.web.conftest import Auth, World, alert, html


def audit_rows(page: str) -> list[str]:
    """The audit table's rows as plain text: 'who what (detail) where'."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [unescape(" ".join(re.sub(r"<[^>]+>", " ", r).split())) for r in rows]


def thread_row(backend: Backend, thread_id: str) -> Any:
    with backend.engine.connect() as conn:
        return get_thread(conn, thread_id)


def post_row(backend: Backend, post_id: str) -> Any:
    with backend.engine.connect() as conn:
        return get_post(conn, post_id)


@pytest.fixture
def oli(client: FlaskClient, auth: Auth, world: World) -> FlaskClient:
    """Signed in as Oli, the moderator of Private (and only of Private)."""
    auth.login("oli")
    return client


def test_lock_and_unlock(oli: FlaskClient, world: World, backend: Backend) -> None:
    tid = world.thread["private"]
    response = oli.post(f"/t/{tid}/lock", data={"reason": "cooling off"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/t/{tid}")
    assert thread_row(backend, tid).locked
    page = html(oli.get(f"/t/{tid}"))
    assert "Thread locked." in page
    assert "This thread is locked: only moderators can reply." in page
    assert '<span title="Locked">🔒</span>' in page
    assert ">Unlock</button>" in page
    assert 'id="reply-form"' in page  # a moderator may still reply
    assert "Locked:" in html(oli.get("/c/private"))

    assert oli.post(f"/t/{tid}/unlock").status_code == 302
    assert not thread_row(backend, tid).locked
    page = html(oli.get(f"/t/{tid}"))
    assert "Thread unlocked." in page
    assert "This thread is locked" not in page and ">Lock</button>" in page

    rows = audit_rows(html(oli.get("/audit")))
    assert rows[0].endswith("@oli unlocked a thread Private")
    assert rows[1].endswith("@oli locked a thread (cooling off) Private")


def test_locking_twice_changes_nothing(oli: FlaskClient, world: World,
                                       backend: Backend) -> None:
    tid = world.thread["private"]
    oli.post(f"/t/{tid}/lock")
    head = backend.store.head()
    assert oli.post(f"/t/{tid}/lock").status_code == 302
    assert backend.store.head() == head


def test_pin_and_unpin(oli: FlaskClient, world: World, backend: Backend,
                       people: People) -> None:
    tid = world.thread["private"]
    # A newer thread would normally come first.
    newer, _ = threads.start_thread(backend.services, people.staff, StartThread(
        world.conference["private"], "a newer thread", "hello"))
    listing = html(oli.get("/c/private"))
    assert listing.index("a newer thread") < listing.index("private subject")

    assert oli.post(f"/t/{tid}/pin").status_code == 302
    assert thread_row(backend, tid).pinned
    assert '<span title="Pinned">📌</span>' in html(oli.get(f"/t/{tid}"))
    listing = html(oli.get("/c/private"))
    assert "Pinned:" in listing
    assert listing.index("private subject") < listing.index("a newer thread")

    assert oli.post(f"/t/{tid}/unpin").status_code == 302
    assert not thread_row(backend, tid).pinned
    assert "Thread unpinned." in html(oli.get(f"/t/{tid}"))
    rows = audit_rows(html(oli.get("/audit")))
    assert [r.split("@", 1)[1] for r in rows[:2]] == [
        "oli unpinned a thread Private", "oli pinned a thread Private"]
    assert newer


def test_hide_and_unhide(client: FlaskClient, auth: Auth, world: World,
                         backend: Backend) -> None:
    tid, pid = world.thread["private"], world.post["private"]
    auth.login("oli")
    response = client.post(f"/p/{pid}/hide", data={"reason": "needs a rewrite"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/p/{pid}")
    assert post_row(backend, pid).hidden_reason == "needs a rewrite"
    page = html(client.get(f"/t/{tid}"))
    assert "Post hidden." in page
    assert "Hidden from members: needs a rewrite" in page
    assert "secret-private-words" in page  # moderators still see it
    assert ">Unhide</button>" in page
    auth.logout()

    auth.login("sam")
    page = html(client.get(f"/t/{tid}"))
    assert "Hidden by a moderator: needs a rewrite" in page
    assert "secret-private-words" not in page
    auth.logout()

    auth.login("oli")
    assert client.post(f"/p/{pid}/unhide").status_code == 302
    assert post_row(backend, pid).hidden_by is None
    page = html(client.get(f"/t/{tid}"))
    assert "Post shown again." in page and "Hidden from members" not in page
    rows = audit_rows(html(client.get("/audit")))
    assert rows[0].endswith("@oli showed a hidden post again Private")
    assert rows[1].endswith("@oli hid a post (reason: needs a rewrite) Private")
    auth.logout()

    auth.login("sam")
    assert "secret-private-words" in html(client.get(f"/t/{tid}"))


def test_hide_needs_a_reason(oli: FlaskClient, world: World, backend: Backend) -> None:
    head = backend.store.head()
    response = oli.post(f"/p/{world.post['private']}/hide", data={"reason": ""})
    assert response.status_code == 400
    assert alert(response) == "Reason must not be empty."
    assert backend.store.head() == head


def test_moderator_removes_a_post(oli: FlaskClient, world: World, backend: Backend,
                                  people: People) -> None:
    tid = world.thread["private"]
    pid, _ = threads.post_reply(backend.services, people.staff,
                                PostReply(tid, world.post["private"], "oops"))
    assert oli.post(f"/p/{pid}/delete").status_code == 302
    assert post_row(backend, pid).deleted_by == people.other.member_id
    assert "Post removed." in html(oli.get(f"/t/{tid}"))
    assert audit_rows(html(oli.get("/audit")))[0].endswith("@oli removed a post Private")


def test_move_a_thread(client: FlaskClient, auth: Auth, world: World, backend: Backend) -> None:
    tid = world.thread["private"]
    auth.login("ada")  # moderates everywhere
    form = client.get(f"/t/{tid}/move")
    assert form.status_code == 200
    page = html(form)
    assert "From Private to" in page
    options = re.findall(r'<option value="([^"]+)">', page)
    assert set(options) == {world.conference["public"], world.conference["internal"]}
    response = client.post(f"/t/{tid}/move",
                           data={"to_conference_id": world.conference["internal"]})
    assert response.status_code == 302
    assert thread_row(backend, tid).conference_id == world.conference["internal"]
    page = html(client.get(f"/t/{tid}"))
    assert "Thread moved." in page
    assert 'href="/c/internal">Internal</a>' in page
    assert "private subject" in html(client.get("/c/internal"))
    assert "private subject" not in html(client.get("/c/private"))
    rows = audit_rows(html(client.get("/audit")))
    assert rows[0].endswith("@ada moved a thread Internal")


def test_move_needs_moderation_of_the_target(oli: FlaskClient, world: World,
                                             backend: Backend) -> None:
    tid = world.thread["private"]
    assert "You moderate no other conference" in html(oli.get(f"/t/{tid}/move"))
    head = backend.store.head()
    response = oli.post(f"/t/{tid}/move", data={"to_conference_id": world.conference["internal"]})
    assert response.status_code == 403
    assert alert(response) == "You must moderate the target conference too."
    response = oli.post(f"/t/{tid}/move", data={"to_conference_id": "nowhere"})
    assert response.status_code == 404
    assert alert(response) == "No such conference."
    assert backend.store.head() == head
    assert thread_row(backend, tid).conference_id == world.conference["private"]


def test_moderation_controls_only_for_moderators(client: FlaskClient, auth: Auth,
                                                 world: World) -> None:
    tid = world.thread["private"]
    auth.login("sam")  # a contributor
    page = html(client.get(f"/t/{tid}"))
    for control in (">Lock</button>", ">Pin</button>", f"/t/{tid}/move", "Hide post"):
        assert control not in page
    auth.logout()
    auth.login("oli")
    page = html(client.get(f"/t/{tid}"))
    for control in (">Lock</button>", ">Pin</button>", f"/t/{tid}/move", "Hide post"):
        assert control in page


# --- the audit log ---------------------------------------------------------


@pytest.fixture
def moderated(backend: Backend, people: People, world: World) -> World:
    """Moderation in Private (by Oli) and in Internal (by Ada), and a member change."""
    svc = backend.services
    threads.lock_thread(svc, people.other, LockThread(world.thread["private"], "private lock"))
    threads.pin_thread(svc, people.admin, PinThread(world.thread["internal"]))
    members.change_member_role(svc, people.admin, ChangeMemberRole(
        people.guest.member_id, "staff"))
    return world


def test_audit_for_a_moderator_shows_their_conferences_only(
    client: FlaskClient, auth: Auth, moderated: World
) -> None:
    auth.login("oli")
    response = client.get("/audit")
    assert response.status_code == 200
    text = " | ".join(audit_rows(html(response)))
    assert "@oli locked a thread (private lock) Private" in text
    # Oli's own conference's access list change, made by Ada when the world was built.
    assert "@ada changed the access list" in text
    assert "pinned a thread" not in text  # Internal is not Oli's
    assert "changed a member's role" not in text  # member changes are for admins


def test_audit_for_an_admin_shows_everything(client: FlaskClient, auth: Auth,
                                             moderated: World) -> None:
    auth.login("ada")
    assert 'href="/audit">Audit log</a>' in html(client.get("/admin"))
    text = " | ".join(audit_rows(html(client.get("/audit"))))
    assert "@oli locked a thread (private lock) Private" in text
    assert "@ada pinned a thread Internal" in text
    assert "@ada changed a member's role (to staff)" in text


@pytest.mark.parametrize("handle", ["sam", "gus", "zed"])
def test_audit_is_not_there_for_people_who_moderate_nothing(
    client: FlaskClient, auth: Auth, backend: Backend, people: People, moderated: World,
    handle: str
) -> None:
    if handle == "zed":
        members.register_member(backend.services, people.admin, RegisterMember(
            "zed", "Zed", "zed@example.org", PASSWORD, "staff"))
    auth.login(handle)
    response = client.get("/audit")
    assert response.status_code == 404
    assert "private lock" not in html(response)
    assert 'href="/audit"' not in html(client.get("/"))


def test_audit_needs_a_sign_in(client: FlaskClient, moderated: World) -> None:
    response = client.get("/audit")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_audit_pages_back_through_older_entries(oli: FlaskClient, world: World,
                                                backend: Backend, people: People) -> None:
    tid = world.thread["private"]
    for _ in range(30):
        threads.pin_thread(backend.services, people.other, PinThread(tid))
        threads.unpin_thread(backend.services, people.other, UnpinThread(tid))
    page = html(oli.get("/audit"))
    rows = audit_rows(page)
    assert len(rows) == 50
    older = re.search(r'<a href="(/audit\?before=\d+)">Older entries', page)
    assert older
    rest = audit_rows(html(oli.get(unescape(older.group(1)))))
    # 60 pins and unpins, and the access list set when the world was built.
    assert len(rows) + len(rest) == 61
    oli, sam = people.other.member_id, people.staff.member_id
    assert rest[-1].endswith(f"changed the access list (member:{oli} → moderator, "
                             f"member:{sam} → contributor) Private")


def test_a_hidden_post_cannot_be_read_by_quoting_it(
    client: FlaskClient, auth: Auth, world: World, backend: Backend, people: People
) -> None:
    tid, pid = world.thread["internal"], world.post["internal"]
    threads.hide_post(backend.services, people.admin, HidePost(tid, pid, "not for now"))
    auth.login("sam")
    for url in (f"/t/{tid}", f"/t/{tid}/reply?to={pid}", f"/t/{tid}/reply?to={pid}&quote=1",
                f"/p/{pid}/history", "/members/ada"):
        assert "secret-internal-words" not in html(client.get(url)), url


def test_the_edit_form_is_only_for_those_who_may_edit(
    client: FlaskClient, auth: Auth, world: World, backend: Backend, people: People
) -> None:
    tid, pid = world.thread["internal"], world.post["internal"]
    threads.hide_post(backend.services, people.admin, HidePost(tid, pid, "not for now"))
    gone, _ = threads.post_reply(backend.services, people.staff,
                                 PostReply(tid, pid, "soon removed"))
    threads.delete_post(backend.services, people.staff, DeletePost(tid, gone))
    auth.login("sam")
    response = client.get(f"/p/{pid}/edit")  # Ada's hidden post
    assert response.status_code == 403
    assert alert(response) == "Only the author or a moderator may edit this post."
    assert "secret-internal-words" not in html(response)
    response = client.get(f"/p/{gone}/edit")  # Sam's own, removed
    assert response.status_code == 409
    assert alert(response) == "That post was removed and cannot be edited."
    auth.logout()
    auth.login("ada")  # a moderator may still edit the hidden post
    response = client.get(f"/p/{pid}/edit")
    assert response.status_code == 200
    assert "secret-internal-words" in html(response)
