"""Recognising learning in Chromium: a TIL shared, then kudos for it from a colleague."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from forum.backend import Backend
from forum.features.kudos import handlers as kudos
from forum.features.kudos.commands import ChooseTilConference
from tests.conftest import People
from tests.e2e.conftest import Axe, flash, login
from tests.web.conftest import World


def test_share_a_til_and_get_kudos(new_page: Callable[[], Page], backend: Backend,
                                   people: People, world: World, axe: Axe) -> None:
    kudos.choose_til_conference(backend.services, people.admin, ChooseTilConference(
        world.conference["internal"]))
    sam = new_page()
    login(sam, "sam")
    sam.get_by_role("link", name="TIL", exact=True).click()
    sam.get_by_label("Today I learned…").fill("`ss -tlnp` shows who holds a port")
    sam.get_by_role("button", name="Share").click()
    assert "Thanks for sharing" in flash(sam)
    newest = sam.locator("article.til h2").first
    expect(newest).to_have_text("TIL: `ss -tlnp` shows who holds a port")
    axe.check(sam)

    oli = new_page()
    login(oli, "oli")
    oli.goto("/til")
    oli.get_by_role("link", name="TIL: `ss -tlnp` shows who holds a port").click()
    oli.get_by_role("button", name="Kudos for #1").click()
    assert "Kudos given" in flash(oli)
    expect(oli.get_by_role("button", name="Kudos for #1 (1 so far)")).to_have_attribute(
        "aria-pressed", "true")

    sam.goto("/notifications")
    expect(sam.locator("#notifications")).to_contain_text("Oli gave you kudos for TIL:")
