"""Searching in Chromium: the box on every page, the results page, a refused query."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from forum.backend import Backend
from tests.e2e.conftest import Axe, login
from tests.web.conftest import World


@pytest.fixture
def indexing(backend: Backend, world: World) -> Iterator[None]:
    """The log's subscribers running beside the server, as `commonroom run` starts them."""
    runner = backend.runner(poll_interval=0.1)
    runner.start()
    yield
    runner.stop()


def test_search_from_the_box_and_open_a_result(page: Page, world: World, axe: Axe,
                                                indexing: None) -> None:
    # Given sam, who may read the private conference
    login(page, "sam")
    page.wait_for_load_state("load")  # the keyboard handler is a deferred script
    # When sam presses / and searches for its words from the box in the banner
    page.keyboard.press("/")
    box = page.get_by_role("search", name="Site").get_by_role("combobox", name="Search")
    expect(box).to_be_focused()
    expect(page.locator("#search-operators option[value='is:unread']")).to_have_count(1)
    # (a new post is searchable within about a second: retry until the indexer caught up)
    for _ in range(30):
        box.fill("secret-private-words")
        box.press("Enter")
        if page.locator(".search-hit").count():
            break
        page.wait_for_timeout(200)
    # Then the results page shows the post with the words marked, and it opens
    expect(page).to_have_url(re.compile(r"/search\?q=secret-private-words"))
    hit = page.locator(".search-hit").first
    expect(hit.locator("mark")).to_have_text(["secret", "private", "words"])
    axe.check(page)
    hit.get_by_role("link", name="private subject").click()
    expect(page).to_have_url(re.compile(r"/t/[^/#]+.*#p1$"))


def test_an_anonymous_visitor_finds_nothing_private(page: Page, world: World,
                                                     indexing: None) -> None:
    page.goto("/search?q=secret-public-words")
    for _ in range(30):
        if page.locator(".search-hit").count():
            break
        page.wait_for_timeout(200)
        page.reload()
    expect(page.locator(".search-hit")).to_have_count(1)
    page.goto("/search?q=secret-private-words")
    expect(page.get_by_role("heading", name=re.compile("^0 results"))).to_be_visible()
    assert "private subject" not in page.content()


def test_a_malformed_query_says_why_and_offers_a_fix(page: Page, world: World,
                                                       indexing: None) -> None:
    page.goto("/search")
    page.get_by_label("Search for").fill('"secret public')
    page.get_by_role("button", name="Search", exact=True).last.click()
    expect(page.get_by_role("alert")).to_contain_text("quotation mark is not closed")
    page.get_by_role("link", name='"secret public"').click()
    expect(page.get_by_role("heading", level=2).first).to_contain_text("result")
