"""Reading as two people at once: unread counts, mark unread, and next unread across conferences."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from forum.backend import Backend
from forum.core.permissions import Viewer
from forum.features.reading import handlers as reading
from forum.features.reading.commands import MarkThreadRead
from forum.features.threads import handlers as threads
from forum.features.threads.commands import PostReply, StartThread
from tests.conftest import People
from tests.e2e.conftest import flash, login
from tests.web.conftest import World


def unread_on_home(page: Page, conference: str) -> int:
    """The Unread column of ``conference``'s row on the home page (loaded afresh)."""
    page.goto("/")
    headers = page.locator("table.conferences thead th").all_inner_texts()
    column = [h.strip() for h in headers].index("Unread")
    row = page.locator("table.conferences tbody tr").filter(
        has=page.get_by_role("link", name=conference, exact=True))
    expect(row).to_have_count(1)
    return int(row.locator("th, td").nth(column).inner_text())


def read_everything(backend: Backend, who: Viewer, world: World) -> None:
    """Start from a clean slate: the World's first posts are read."""
    for visibility in ("public", "internal", "private"):
        reading.mark_thread_read(backend.services, who,
                                 MarkThreadRead(world.thread[visibility]))


def test_unread_counts_follow_reading(new_page: Callable[[], Page], backend: Backend,
                                      people: People, world: World) -> None:
    read_everything(backend, people.staff, world)
    read_everything(backend, people.other, world)
    sam, oli = new_page(), new_page()
    login(sam, "sam")
    login(oli, "oli")
    assert unread_on_home(oli, "Internal") == 0
    expect(oli.locator(".summary")).to_have_text("All read")

    # Sam starts a thread and adds to it, in his own browser.
    sam.goto("/c/internal/new")
    sam.get_by_label("Subject").fill("Projector in room 2 is broken")
    sam.get_by_label("First post").fill("It shows everything in green.")
    sam.get_by_role("button", name="Start thread").click()
    sam.get_by_label("Your reply (Markdown)").fill("Facilities say Thursday.")
    sam.get_by_role("button", name="Post reply").click()
    expect(sam.locator("article#p2")).to_be_visible()
    # Sam's own posts are never unread for Sam.
    assert unread_on_home(sam, "Internal") == 0

    # Oli sees both posts as unread.
    assert unread_on_home(oli, "Internal") == 2
    assert unread_on_home(oli, "Public") == 0
    expect(oli.locator(".summary strong")).to_have_text("2")
    oli.get_by_role("link", name="Internal", exact=True).click()
    row = oli.locator("table.threads tbody tr").filter(has_text="Projector")
    expect(row).to_have_class(re.compile("has-unread"))
    row.get_by_role("link", name="Projector in room 2 is broken").click()
    expect(oli.locator("article.post.new")).to_have_count(2)  # shown as new this once
    thread_url = oli.url

    assert unread_on_home(oli, "Internal") == 0
    expect(oli.locator(".summary")).to_have_text("All read")

    # Mark unread from #2: one unread again; from #1: both.
    oli.goto(thread_url)
    expect(oli.locator("article.post.new")).to_have_count(0)
    oli.locator("article#p2").get_by_role("button", name="Mark unread from here").click()
    expect(oli).to_have_url(re.compile(r"/c/internal$"))
    assert flash(oli) == "Marked unread from there on."
    assert unread_on_home(oli, "Internal") == 1

    oli.get_by_role("link", name="Internal", exact=True).click()
    oli.get_by_role("link", name="Projector in room 2 is broken").click()
    expect(oli.locator("article#p2.new")).to_be_visible()
    expect(oli.locator("article#p1.new")).to_have_count(0)
    oli.locator("article#p1").get_by_role("button", name="Mark unread from here").click()
    assert unread_on_home(oli, "Internal") == 2


def test_next_unread_walks_across_conferences(page: Page, backend: Backend, people: People,
                                              world: World) -> None:
    read_everything(backend, people.other, world)
    svc = backend.services
    # In log order: the Public thread's first post, the Internal thread, a reply in Public.
    public_thread, public_first = threads.start_thread(svc, people.staff, StartThread(
        world.conference["public"], "Open day schedule", "Doors open at ten."))
    internal_thread, _ = threads.start_thread(svc, people.admin, StartThread(
        world.conference["internal"], "Budget for next year", "Drafts due in March."))
    threads.post_reply(svc, people.admin, PostReply(
        public_thread, public_first, "And close at four."))

    login(page, "oli")
    assert unread_on_home(page, "Public") == 2
    assert unread_on_home(page, "Internal") == 1

    # `n` anywhere outside a text field: the oldest unread post, in Public.
    page.locator("body").press("n")
    expect(page).to_have_url(re.compile(rf"/t/{public_thread}\?page=1#p1$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Open day schedule")
    expect(page.locator("article.post.new")).to_have_count(2)

    # Opening the page read both of its posts; the link goes on to Internal.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Next unread").click()
    expect(page).to_have_url(re.compile(rf"/t/{internal_thread}\?page=1#p1$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Budget for next year")

    page.keyboard.press("n")
    expect(page).to_have_url(re.compile(r"/$"))
    assert flash(page) == "Nothing unread anywhere. Well read!"
    expect(page.locator(".summary")).to_have_text("All read")

    # Typing an "n" into a text field is just typing.
    page.goto(f"/t/{internal_thread}")
    box = page.get_by_label("Your reply (Markdown)")
    box.press_sequentially("no")
    expect(box).to_have_value("no")
    expect(page).to_have_url(re.compile(rf"/t/{internal_thread}$"))
