"""Writing through the browser: start a thread, reply (on the page and in place), edit, refusals."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from forum.backend import Backend
from forum.features.threads import handlers as threads
from forum.features.threads.commands import LockThread, PostReply, StartThread
from tests.conftest import People
from tests.e2e.conftest import flash, login
from tests.web.conftest import World


def test_start_a_thread_and_reply(page: Page, world: World) -> None:
    login(page, "sam")
    page.get_by_role("link", name="Internal", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Internal")
    page.get_by_role("link", name="New thread").click()

    page.get_by_label("Subject").fill("Reading group: Thinking in Systems")
    page.get_by_label("First post").fill("Who wants to read **chapter 1** by Friday?")
    page.get_by_role("button", name="Start thread").click()

    expect(page).to_have_url(re.compile(r"/t/[^/]+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Reading group: Thinking in Systems")
    first = page.locator("article#p1")
    expect(first.locator(".body strong")).to_have_text("chapter 1")  # Markdown was rendered
    thread_url = page.url

    # The conference lists the new thread.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Internal").click()
    row = page.locator("table.threads tbody tr").filter(has_text="Reading group")
    expect(row.get_by_role("link", name="Reading group: Thinking in Systems")).to_be_visible()
    expect(row).to_contain_text("Sam")

    # Reply with the form at the foot of the thread page.
    row.get_by_role("link", name="Reading group: Thinking in Systems").click()
    expect(page).to_have_url(thread_url)
    page.get_by_label("Your reply (Markdown)").fill("Count me in, I have the book.")
    page.get_by_role("button", name="Post reply").click()

    expect(page).to_have_url(re.compile(r"#p2$"))
    reply = page.locator("article#p2")
    expect(reply.locator(".body")).to_have_text("Count me in, I have the book.")
    expect(reply.get_by_role("heading")).to_contain_text("Sam")
    expect(reply.locator(".meta")).to_contain_text("in reply to #1")


def test_edit_shows_history(page: Page, backend: Backend, people: People, world: World) -> None:
    threads.start_thread(backend.services, people.staff, StartThread(
        world.conference["internal"], "Kitchen rota",
        "Mondays: Sam\nTuesdays: Oli\nWednesdays: nobody yet"))
    login(page, "sam")
    page.goto("/c/internal")
    page.get_by_role("link", name="Kitchen rota").click()
    first = page.locator("article#p1")
    expect(first).not_to_contain_text("edited")
    first.get_by_role("link", name="Edit").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Edit #1")
    body = page.get_by_label("Post (Markdown)")
    expect(body).to_have_value("Mondays: Sam\nTuesdays: Oli\nWednesdays: nobody yet")
    body.fill("Mondays: Sam\nTuesdays: Oli\nWednesdays: Gus")
    page.get_by_role("button", name="Save edit").click()

    expect(page).to_have_url(re.compile(r"/t/[^/?#]+(\?page=1)?#p1$"))
    assert "edit is saved" in flash(page)
    first = page.locator("article#p1")
    expect(first.locator(".body")).to_contain_text("Wednesdays: Gus")
    edited = first.get_by_role("link", name="edited 1×")
    expect(edited).to_be_visible()
    edited.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Edit history of #1 by Sam")
    revisions = page.locator("ol.revisions > li")
    expect(revisions).to_have_count(2)
    expect(revisions.nth(0).get_by_role("heading")).to_have_text("Revision 1")
    expect(revisions.nth(0).locator("pre")).to_contain_text("Wednesdays: nobody yet")
    expect(revisions.nth(1).get_by_role("heading")).to_have_text("Revision 2")
    expect(revisions.nth(1).locator("pre")).to_contain_text("Wednesdays: Gus")
    expect(page.get_by_role("heading", name="Changes")).to_be_visible()
    diff = page.locator("pre.diff")
    expect(diff.locator(".del").filter(has_text="nobody yet")).to_have_text(
        "-Wednesdays: nobody yet")
    expect(diff.locator(".ins").filter(has_text="Gus")).to_have_text("+Wednesdays: Gus")


def test_reply_in_place(page: Page, backend: Backend, people: People, world: World) -> None:
    thread_id = world.thread["internal"]
    first_id = world.post["internal"]
    threads.post_reply(backend.services, people.other, PostReply(
        thread_id, first_id, "A reply from Oli, so #1 is not the last post."))
    login(page, "sam")
    page.goto(f"/t/{thread_id}")
    first = page.locator("article#p1")

    first.get_by_role("link", name="Reply", exact=True).click()
    inline = first.locator("form.inline-reply")
    expect(inline).to_be_visible()  # under #1, on this page: no navigation happened
    expect(page).to_have_url(re.compile(rf"/t/{thread_id}$"))
    area = inline.get_by_role("textbox")
    expect(area).to_be_focused()
    expect(inline.locator("label")).to_have_text("Reply to #1 by Ada")
    expect(inline.get_by_label("Reply to #1 by Ada")).to_be_focused()
    assert page.locator("form.inline-reply").count() == 1
    # Clicking Reply again does not open a second form.
    first.get_by_role("link", name="Reply", exact=True).click()
    expect(page.locator("form.inline-reply")).to_have_count(1)

    area.fill("Answering the first post directly.")
    inline.get_by_role("button", name="Post reply").click()

    expect(page).to_have_url(re.compile(r"#p3$"))
    new = page.locator("article#p3")
    expect(new.locator(".body")).to_have_text("Answering the first post directly.")
    parent_link = new.locator(".meta").get_by_role("link", name="#1")
    expect(parent_link).to_have_attribute("href", f"/p/{first_id}")
    expect(new.locator(".meta")).to_contain_text("in reply to #1")
    # The reply tree agrees: the new post is one level under #1.
    page.get_by_role("link", name="Show as reply tree").click()
    expect(page.locator("article#p3")).to_have_attribute("style", re.compile(r"--depth: 1"))


def test_refused_reply_in_locked_thread_keeps_the_words(
        page: Page, backend: Backend, people: People, world: World) -> None:
    thread_id = world.thread["internal"]
    login(page, "sam")
    page.goto(f"/t/{thread_id}")
    page.get_by_label("Your reply (Markdown)").fill("My long, careful answer.\n\nSecond paragraph.")
    # While Sam types, the administrator locks the thread.
    threads.lock_thread(backend.services, people.admin, LockThread(thread_id, "settled"))
    page.get_by_role("button", name="Post reply").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("That did not work")
    expect(page.get_by_role("alert")).to_contain_text("locked")
    kept = page.get_by_label("Body")
    expect(kept).to_have_value("My long, careful answer.\n\nSecond paragraph.")
    expect(page.get_by_text("Nothing was saved")).to_be_visible()
    # And nothing was: the thread still has one post.
    page.goto(f"/t/{thread_id}")
    expect(page.locator("article.post")).to_have_count(1)
    expect(page.get_by_text("This thread is locked")).to_be_visible()
    expect(page.get_by_label("Your reply (Markdown)")).to_have_count(0)


def test_refused_empty_subject_keeps_the_words_and_sends_again(
        page: Page, world: World) -> None:
    login(page, "sam")
    page.goto("/c/internal/new")
    page.get_by_label("Subject").fill("   ")  # passes the browser's `required`, not ours
    page.get_by_label("First post").fill("Three paragraphs I do not want to type again.")
    page.get_by_role("button", name="Start thread").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("That did not work")
    expect(page.get_by_role("alert")).to_have_text("Subject must not be empty.")
    expect(page.get_by_label("Body")).to_have_value("Three paragraphs I do not want to type again.")

    page.get_by_label("Subject").fill("Now with a subject")
    page.get_by_role("button", name="Send again").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Now with a subject")
    expect(page.locator("article#p1 .body")).to_have_text(
        "Three paragraphs I do not want to type again.")
