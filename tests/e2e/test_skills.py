"""Who knows what in Chromium: skills set on the settings page, found in the directory by
the start of a word, a mentoring offer meeting an ask and leading to a direct message,
and "ask who knows" that never names a private conference's writers to outsiders."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, expect

from forum.backend import Backend
from forum.features.skills import handlers as skills
from forum.features.skills.commands import AskForMentoring
from forum.features.threads import handlers as threads
from forum.features.threads.commands import StartThread
from tests.conftest import People
from tests.e2e.conftest import Axe, flash, login
from tests.web.conftest import World


@pytest.fixture
def indexing(backend: Backend, world: World) -> Iterator[None]:
    """The log's subscribers (the search indexer among them) beside the server."""
    runner = backend.runner(poll_interval=0.1)
    runner.start()
    yield
    runner.stop()


def test_skills_directory_and_a_mentoring_match(new_page: Callable[[], Page],
                                                backend: Backend, people: People,
                                                world: World, axe: Axe) -> None:
    skills.ask_for_mentoring(backend.services, people.other,
                             AskForMentoring("Python", "Just starting"))
    sam = new_page()
    login(sam, "sam")
    sam.goto("/account")
    sam.get_by_label("I can teach").fill("Python, Café-Übung")
    sam.get_by_label("I want to learn").fill("Rust")
    sam.get_by_role("button", name="Save skills").click()
    assert "Your skills are saved" in flash(sam)

    sam.get_by_role("link", name="Who knows", exact=True).click()
    sam.get_by_label("Skill", exact=True).fill("cafe")
    sam.get_by_role("button", name="Find").click()
    row = sam.get_by_role("row", name="Café-Übung")
    expect(row).to_contain_text("Sam")
    expect(sam.get_by_role("row", name="Python")).to_have_count(0)
    axe.check(sam)

    sam.get_by_role("link", name="Mentoring").click()
    axe.check(sam)
    sam.get_by_label("Skill", exact=True).fill("python")
    sam.get_by_label("A short note").fill("An hour on Fridays")
    sam.get_by_role("button", name="List it").click()
    assert "Your offer is listed" in flash(sam)
    expect(sam.get_by_role("heading", level=1)).to_have_text("Python")
    matches = sam.locator("ul.matches")
    expect(matches).to_contain_text("Sam offers, Oli asks")
    axe.check(sam)
    matches.get_by_role("link", name="message Oli").click()
    expect(sam.get_by_label("To")).to_have_value("oli")
    sam.get_by_role("button", name="Open conversation").click()
    expect(sam.get_by_role("heading", level=1)).to_contain_text("Oli")


def test_ask_who_knows_keeps_private_writers_private(new_page: Callable[[], Page],
                                                     backend: Backend, people: People,
                                                     world: World, indexing: None,
                                                     axe: Axe) -> None:
    threads.start_thread(backend.services, people.other, StartThread(
        world.conference["private"], "Cluster", "zqnomad job specs"))
    sam = new_page()  # on the private conference's list
    login(sam, "sam")
    sam.goto("/who-knows")
    sam.get_by_role("textbox", name="Who knows").fill("zqnomad")
    sam.get_by_role("button", name="Ask").click()
    writers = sam.get_by_role("region", name="Wrote most about it")
    for _ in range(20):  # the index follows the log a second or two behind
        if "Oli" in writers.inner_text():
            break
        sam.wait_for_timeout(500)
        sam.reload()
    expect(writers).to_contain_text("Oli")
    axe.check(sam)

    gus = new_page()  # a guest: outside it
    login(gus, "gus")
    gus.goto("/who-knows?q=zqnomad")
    expect(gus.get_by_role("region", name="Wrote most about it")).to_contain_text(
        "Nothing you can read mentions it.")
    expect(gus.locator("main")).not_to_contain_text("Oli")
