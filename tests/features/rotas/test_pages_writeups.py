"""A write-up approved before approval published (kept in the log as it was) is proposed
for the blog from its page, and its article follows the usual review."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient

from forum.backend import Backend
from forum.features.rotas import handlers as rotas
from forum.features.rotas.commands import SaveWriteUp, SignUpForSlot, SubmitWriteUp
from forum.features.rotas.events import WriteUpApproved
from tests.conftest import People
from tests.features.rotas.test_pages import Rota
from tests.web.conftest import Auth, alert, html


def test_an_earlier_approved_write_up_is_proposed_from_its_page(
        client: FlaskClient, auth: Auth, people: People, backend: Backend) -> None:
    rota = Rota(backend, people, "internal")
    svc = backend.services
    talk = rotas.sign_up_for_slot(svc, people.staff, SignUpForSlot(
        rota.id, rota.slots[0].slot.id, "SQL"))
    rotas.save_writeup(svc, people.staff, SaveWriteUp(rota.id, talk, "Joins", "*Inner*"))
    clock = backend.store.clock
    backend.store.clock = lambda: clock() + timedelta(days=11)
    rotas.submit_writeup(svc, people.staff, SubmitWriteUp(rota.id, talk))
    # As the log holds write-ups approved before approval published them.
    history = backend.store.read_stream(rotas.stream(rota.id))
    backend.store.append(rotas.stream(rota.id), [WriteUpApproved(
        rota.id, talk, people.admin.member_id or "")], expected_version=len(history))
    base = f"{rota.url}/talks/{talk}/write-up"
    auth.login("oli")
    page = html(client.get(base))
    assert "not on the public blog yet" in page and "Propose for the blog" in page
    proposed = client.post(f"{base}/propose")
    assert proposed.status_code == 302 and "/articles/" in proposed.headers["Location"]
    page = html(client.get(base))
    assert "proposed for the public blog" in page and "Propose for the blog" not in page
    head = backend.store.head()
    again = client.post(f"{base}/propose")
    assert again.status_code == 409 and "on its way to the blog" in alert(again)
    assert backend.store.head() == head
    auth.logout()
    auth.login("ada")
    article = proposed.headers["Location"].rsplit("/", 1)[1]
    published = client.post(f"/articles/{article}/approve")
    assert published.headers["Location"].endswith("/blog/joins")
    assert "On the blog: Joins" in html(client.get(rota.url))
