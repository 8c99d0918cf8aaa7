"""Publishing through the browser: propose a thread, a moderator edits and approves it,
a visitor reads it on the blog; unpublished, its address says it is gone."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.e2e.conftest import flash, login
from tests.web.conftest import World


def test_from_thread_to_blog_and_back_out(new_page: Callable[[], Page], world: World) -> None:
    sam = new_page()
    login(sam, "sam")
    sam.goto(f"/t/{world.thread['internal']}")
    sam.get_by_role("link", name="Propose for the blog").first.click()
    sam.get_by_label("Title").fill("Notes on secrets")
    sam.get_by_label("Tags").fill("security, notes")
    sam.get_by_role("button", name="Propose").click()
    assert "Proposed" in flash(sam)
    expect(sam.get_by_text("Waiting for review")).to_be_visible()

    ada = new_page()
    login(ada, "ada")
    ada.get_by_role("link", name="Blog").click()
    ada.get_by_role("link", name="Drafts and reviews").click()
    ada.get_by_role("link", name="Notes on secrets").click()
    ada.get_by_label("Summary").fill("What we keep, and where.")
    ada.get_by_role("button", name="Save").click()
    assert "Saved" in flash(ada)
    ada.get_by_role("button", name="Approve and publish").click()
    expect(ada).to_have_url(f"{ada.url.split('/blog')[0]}/blog/notes-on-secrets")

    visitor = new_page()
    visitor.goto("/blog")
    visitor.get_by_role("link", name="Notes on secrets").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Notes on secrets")
    expect(visitor.locator("article .body")).to_contain_text("secret-internal-words")
    og = visitor.locator('meta[property="og:description"]')
    expect(og).to_have_attribute("content", "What we keep, and where.")
    visitor.get_by_role("link", name="security").click()
    expect(visitor.get_by_role("link", name="Notes on secrets")).to_be_visible()

    ada.goto(sam.url)  # the article's own page, where sam left it
    ada.get_by_label("Reason (kept in the record)").fill("Superseded")
    ada.once("dialog", lambda dialog: dialog.accept())
    ada.get_by_role("button", name="Unpublish").click()
    response = visitor.goto("/blog/notes-on-secrets")
    assert response is not None and response.status == 410
    expect(visitor.get_by_role("heading", level=1)).to_have_text("This article was withdrawn")
    visitor.goto("/blog")
    expect(visitor.get_by_text("Nothing published yet.")).to_be_visible()
