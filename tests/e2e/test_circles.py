"""Study circles and the monthly digest in Chromium: start a circle, ask to join and be
approved, keep the reading list and a session's notes; publish the month's digest."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from playwright.sync_api import Page, expect

from forum.backend import Backend
from forum.features.kudos import handlers as kudos
from forum.features.kudos.commands import ChooseTilConference, GiveKudos, PostTil
from tests.conftest import People
from tests.e2e.conftest import Axe, flash, login
from tests.web.conftest import World


def test_a_study_circle_from_start_to_session_notes(new_page: Callable[[], Page],
                                                    people: People, axe: Axe) -> None:
    sam = new_page()
    login(sam, "sam")
    sam.get_by_role("link", name="Circles", exact=True).click()
    sam.get_by_label("Name").fill("Zope & Python templating")
    sam.get_by_label("Address").fill("zope")
    sam.get_by_label("What it is about (Markdown)").fill("TAL and *METAL*")
    sam.get_by_label("Cadence").fill("FREQ=WEEKLY;BYDAY=TH")
    sam.get_by_role("button", name="Start the circle").click()
    assert "The circle is started" in flash(sam)
    expect(sam.get_by_role("heading", level=1)).to_have_text("Zope & Python templating")
    expect(sam.get_by_text(re.compile("^Next: "))).to_be_visible()
    axe.check(sam)

    oli = new_page()
    login(oli, "oli")
    oli.get_by_role("link", name="Circles", exact=True).click()
    oli.get_by_role("link", name="Zope & Python templating").click()
    oli.get_by_label("A word to the organisers (optional)").fill("I use Chameleon")
    oli.get_by_role("button", name="Ask to join").click()
    assert "Asked to join" in flash(oli)
    expect(oli.locator("#join-state")).to_contain_text("You asked to join")

    sam.reload()
    expect(sam.locator("ul.requests")).to_contain_text("I use Chameleon")
    sam.get_by_role("button", name="Approve Oli").click()
    assert "Welcomed" in flash(sam)
    expect(sam.locator("ul.members")).to_contain_text("Oli")

    oli.reload()
    oli.get_by_label(re.compile("^Edit the list")).fill(
        "Zope Page Templates | https://zope.readthedocs.io/\nChameleon")
    oli.get_by_role("button", name="Save the list").click()
    assert "Reading list saved" in flash(oli)
    expect(oli.locator("ol.reading").get_by_role("link")).to_have_text("Zope Page Templates")
    oli.get_by_label("Title", exact=True).fill("Macros")
    oli.get_by_label("Notes (Markdown)").fill("We read *METAL*.")
    oli.get_by_role("button", name="Record the session").click()
    assert "Session notes recorded" in flash(oli)
    oli.locator("ul.sessions").get_by_role("link", name="Macros").click()
    expect(oli.get_by_role("heading", level=1)).to_contain_text("Macros")
    expect(oli.locator(".post .body em").first).to_have_text("METAL")

    sam.reload()
    sam.once("dialog", lambda dialog: dialog.accept())
    sam.get_by_role("button", name="Archive the circle").click()
    assert "Archived" in flash(sam)
    oli.goto("/circles/zope")
    expect(oli.locator("#circle-archived")).to_be_visible()
    expect(oli.get_by_role("button", name="Record the session")).to_have_count(0)


def test_the_month_s_digest_reaches_the_blog(new_page: Callable[[], Page], backend: Backend,
                                             people: People, world: World, axe: Axe) -> None:
    kudos.choose_til_conference(backend.services, people.admin,
                                ChooseTilConference(world.conference["public"]))
    kudos.post_til(backend.services, people.other, PostTil("Tuples are immutable"))
    kudos.give_kudos(backend.services, people.staff, GiveKudos(
        "post", world.post["internal"], "Inside-only thanks"))
    oli = new_page()
    login(oli, "oli")
    oli.get_by_role("link", name="TIL", exact=True).click()
    oli.get_by_role("link", name="what we learned").click()
    month = datetime.now(UTC).strftime("%B %Y")
    expect(oli.get_by_role("heading", level=1)).to_have_text(f"What we learned: {month}")
    expect(oli.locator(".digest-kudos")).to_contain_text("Inside-only thanks")
    axe.check(oli)

    ada = new_page()
    login(ada, "ada")
    ada.goto(oli.url)
    axe.check(ada)  # with the publishing form
    ada.get_by_label("Its discussion thread goes in").select_option(label="Public")
    ada.get_by_role("button", name="Publish the digest").click()
    assert "published on the blog" in flash(ada)
    expect(ada.get_by_role("heading", level=1)).to_have_text(f"What we learned: {month}")

    visitor = new_page()
    visitor.goto("/blog")
    visitor.get_by_role("link", name=f"What we learned: {month}").click()
    expect(visitor.locator("article .body")).to_contain_text("Tuples are immutable")
    expect(visitor.locator("article .body")).not_to_contain_text("Inside-only thanks")
