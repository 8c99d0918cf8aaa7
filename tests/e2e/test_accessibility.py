"""axe-core on the main pages: no serious or critical violations."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from forum.backend import Backend
from forum.features.articles import handlers as articles
from forum.features.articles.commands import (
    ApproveArticle,
    ProposeArticle,
    SendBackArticle,
    UnpublishArticle,
)
from forum.features.rooms import handlers as rooms
from forum.features.rooms.commands import CreateRoom, EditMessage, PostMessage, React
from forum.features.threads import handlers as threads
from forum.features.threads.commands import EditPost, LockThread, PostReply, StartThread
from tests.conftest import People
from tests.e2e.conftest import Axe, format_violations, login
from tests.web.conftest import World


def test_main_pages_have_no_serious_violations(
        new_page: Callable[[], Page], axe: Axe, backend: Backend, people: People,
        world: World) -> None:
    svc = backend.services
    thread_id, first = threads.start_thread(svc, people.staff, StartThread(
        world.conference["internal"], "Style guide for reports",
        "Use **plain words**.\n\n- one idea per sentence\n- short paragraphs"))
    reply_id, _ = threads.post_reply(svc, people.other, PostReply(
        thread_id, first, "> Use plain words.\n\nAgreed. Also: `code` in monospace."))
    threads.post_reply(svc, people.staff, PostReply(thread_id, reply_id, "Nested answer."))
    threads.edit_post(svc, people.staff, EditPost(
        thread_id, first, "Use **plain words**.\n\n- one idea per sentence\n- short lines"))
    threads.lock_thread(svc, people.admin, LockThread(world.thread["public"], "done"))
    room_id = rooms.create_room(svc, people.admin, CreateRoom(
        "Lounge", "lounge", "Coffee and code", visibility="private",
        members=(people.staff.member_id or "",)))
    said, _ = rooms.post_message(svc, people.staff, PostMessage(room_id, "Hello **all**"))
    rooms.post_message(svc, people.admin, PostMessage(room_id, "Hi!", reply_to=said))
    rooms.react(svc, people.admin, React(room_id, said, "👍"))
    rooms.edit_message(svc, people.staff, EditMessage(room_id, said, "Hello *everyone*"))
    published = articles.propose_article(svc, people.staff, ProposeArticle(
        "thread", thread_id, summary="Plain words, short lines.", tags=("writing",)))
    articles.approve_article(svc, people.admin, ApproveArticle(published))
    gone = articles.propose_article(svc, people.staff, ProposeArticle(
        "post", reply_id, title="Agreed"))
    articles.approve_article(svc, people.admin, ApproveArticle(gone))
    articles.unpublish_article(svc, people.admin, UnpublishArticle(gone, "Too short"))
    draft = articles.propose_article(svc, people.staff, ProposeArticle(
        "thread", world.thread["public"]))
    articles.send_back_article(svc, people.admin, SendBackArticle(draft, "A summary?"))

    found: list[str] = []

    def check(page: Page, path: str) -> None:
        response = page.goto(path)
        assert response is not None and response.status < 500, path
        violations = axe.violations(page)
        if violations:
            found.append(format_violations(path, violations))

    visitor = new_page()
    for path in ("/", "/login", f"/t/{world.thread['public']}", "/c/public",
                 "/nowhere", "/blog", "/blog/style-guide-for-reports", "/blog/agreed",
                 "/blog/tags/writing", "/blog/authors/sam"):
        check(visitor, path)

    admin = new_page()
    login(admin, "ada")
    expect(admin.locator(".summary strong")).to_be_visible()  # the home page with unread
    for path in (
        "/",
        "/c/internal",
        "/c/internal/about",
        f"/t/{thread_id}",
        f"/t/{thread_id}?view=tree",
        f"/p/{first}/history",
        f"/p/{first}/readers",
        f"/t/{thread_id}/reply?to={reply_id}&quote=1",
        "/c/internal/new",
        "/account",
        "/rooms",
        "/rooms/new",
        "/rooms/lounge",
        f"/rooms/lounge/m/{said}/history",
        "/messages/new",
        "/admin",
        "/c/internal/settings",
        "/audit",
        "/members",
        "/members/sam",
        "/articles",
        f"/articles/{published}",
        f"/articles/{draft}",
        f"/t/{thread_id}/propose",
        f"/p/{reply_id}/propose",
    ):
        check(admin, path)

    # The thread page with its in-place reply form open, and the edit form.
    admin.goto(f"/t/{thread_id}")
    admin.locator("article#p2").get_by_role("link", name="Reply", exact=True).click()
    expect(admin.locator("article#p2 form.inline-reply")).to_be_visible()
    if violations := axe.violations(admin):
        found.append(format_violations("thread with inline reply", violations))
    check(admin, f"/p/{first}/edit")

    # A refused form: the error page that keeps the words.
    admin.goto("/c/internal/new")
    admin.get_by_label("Subject").fill(" ")
    admin.get_by_label("First post").fill("Kept words")
    admin.get_by_role("button", name="Start thread").click()
    expect(admin.get_by_label("Body")).to_have_value("Kept words")
    if violations := axe.violations(admin):
        found.append(format_violations("refused form", violations))

    assert not found, "axe-core found serious or critical violations:\n" + "\n".join(found)
