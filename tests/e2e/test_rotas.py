"""The talk rota in Chromium: sign up for a slot, two members racing for one, and a
write-up going through review to the public blog."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect

from forum.backend import Backend
from forum.features.rotas import handlers as rotas
from forum.features.rotas import queries as rota_queries
from forum.features.rotas.commands import CreateRota, ScheduleSlots, SignUpForSlot
from tests.conftest import People
from tests.e2e.conftest import Axe, flash, login
from tests.web.conftest import World


def _fridays(backend: Backend, people: People, world: World) -> tuple[str, list[str]]:
    svc = backend.services
    rota_id = rotas.create_rota(svc, people.admin, CreateRota(
        world.conference["internal"], "fridays", "Friday talks", "Lunch talks, 13:00.",
        "Europe/Stockholm"))
    first = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    rotas.schedule_slots(svc, people.admin, ScheduleSlots(
        rota_id, first, "13:00", "FREQ=WEEKLY;COUNT=4"))
    with backend.engine.connect() as conn:
        return rota_id, [s.slot.id for s in rota_queries.list_slots(conn, rota_id)]


def test_sign_up_for_a_slot(page: Page, backend: Backend, people: People, world: World,
                            axe: Axe) -> None:
    _fridays(backend, people, world)
    login(page, "sam")
    page.get_by_role("link", name="Talks", exact=True).click()
    page.get_by_role("link", name="Friday talks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Friday talks")
    axe.check(page)
    page.get_by_role("link", name=re.compile("^Sign up for")).first.click()

    page.get_by_label("Title").fill("Zope page templates")
    page.get_by_label("Abstract (Markdown)").fill("TAL, METAL and **macros**.")
    page.get_by_role("button", name="Take this slot").click()

    assert "The slot is yours" in flash(page)
    next_up = page.locator("section.next-talk")
    expect(next_up).to_contain_text("Zope page templates")
    expect(next_up).to_contain_text("Sam")
    page.locator("table.slots").get_by_role("link", name="Zope page templates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zope page templates")
    expect(page.locator(".resume strong")).to_have_text("macros")
    page.get_by_role("link", name="Discussion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Talk: Zope page templates")


def test_two_members_racing_for_one_slot(new_page: Callable[[], Page], backend: Backend,
                                         people: People, world: World) -> None:
    _, slots = _fridays(backend, people, world)
    sam, oli = new_page(), new_page()
    login(sam, "sam")
    login(oli, "oli")
    for who in (sam, oli):  # both see the slot free
        who.goto(f"/rotas/fridays/slots/{slots[0]}")
        expect(who.get_by_role("button", name="Take this slot")).to_be_visible()
    oli.get_by_label("Title").fill("Property tests")
    sam.get_by_label("Title").fill("Zope page templates")
    sam.get_by_role("button", name="Take this slot").click()
    assert "The slot is yours" in flash(sam)
    oli.get_by_role("button", name="Take this slot").click()

    expect(oli.get_by_role("alert")).to_contain_text("just taken by someone else")
    expect(oli.get_by_label("Title")).to_have_value("Property tests")  # kept, not lost
    oli.goto("/rotas/fridays")
    row = oli.locator(f"#slot-{slots[0]}")
    expect(row).to_contain_text("Zope page templates")
    expect(row).to_contain_text("Sam")


def test_the_write_up_reaching_the_blog(new_page: Callable[[], Page], backend: Backend,
                                  people: People, world: World) -> None:
    rota_id, slots = _fridays(backend, people, world)
    talk = rotas.sign_up_for_slot(backend.services, people.staff, SignUpForSlot(
        rota_id, slots[0], "SQL joins"))
    clock = backend.store.clock
    backend.store.clock = lambda: clock() + timedelta(days=12)  # after the talk
    try:
        sam = new_page()
        login(sam, "sam")
        sam.goto(f"/rotas/fridays/talks/{talk}")
        sam.get_by_role("link", name="Write it up").click()
        sam.get_by_label("Title").fill("Joins, explained")
        sam.get_by_label("Article (Markdown)").fill("Inner, outer and *lateral*.")
        sam.get_by_role("button", name="Save").click()
        assert "The write-up is saved" in flash(sam)
        sam.get_by_role("button", name="Send for review").click()
        expect(sam.locator("#writeup-status")).to_have_text("in review")

        ada = new_page()
        login(ada, "ada")
        ada.goto(f"/rotas/fridays/talks/{talk}/write-up")
        ada.get_by_label("Send back to Sam with a comment").fill("Add an example, please")
        ada.get_by_role("button", name="Send back").click()
        expect(ada.locator("#writeup-status")).to_have_text("sent back")

        sam.reload()
        expect(sam.get_by_role("note")).to_contain_text("Add an example, please")
        sam.get_by_role("link", name="Edit").click()
        sam.get_by_label("Article (Markdown)").fill("Inner, outer and *lateral*, e.g. …")
        sam.get_by_role("button", name="Save").click()
        sam.get_by_role("button", name="Send for review").click()

        ada.reload()
        ada.get_by_role("button", name="Approve").click()
        assert "published on the blog" in flash(ada)
        expect(ada).to_have_url(re.compile(r"/blog/joins-explained$"))
        expect(ada.get_by_role("heading", level=1)).to_have_text("Joins, explained")

        visitor = new_page()  # nobody signed in: the rota is internal, the blog public
        visitor.goto("/blog")
        visitor.get_by_role("link", name="Joins, explained").click()
        expect(visitor.locator("article .body em")).to_have_text("lateral")

        oli = new_page()
        login(oli, "oli")
        oli.goto("/rotas/fridays")
        past = oli.locator("ul.past-talks")
        past.get_by_role("link", name="On the blog: Joins, explained").click()
        expect(oli).to_have_url(re.compile(r"/blog/joins-explained$"))

        ada.goto(f"/rotas/fridays/talks/{talk}/write-up")
        expect(ada.locator("#writeup-blog")).to_contain_text("Published on the public blog")
    finally:
        backend.store.clock = clock
