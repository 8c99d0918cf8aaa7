"""What an anonymous visitor's browser can and cannot reach."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.web.conftest import World


def test_anonymous_visitor_sees_public_only(page: Page, world: World) -> None:
    response = page.goto("/")
    assert response is not None and response.status == 200
    table = page.locator("table.conferences")
    expect(table.get_by_role("link", name="Public", exact=True)).to_be_visible()
    expect(table.get_by_role("link")).to_have_count(1)
    home = page.content()
    for secret in ("Private", "private subject", "secret-private-words",
                   "Internal", "internal subject", "secret-internal-words"):
        assert secret not in home, f"{secret!r} leaked onto the anonymous home page"
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.get_by_role("link", name="Next unread")).to_have_count(0)

    # The public conference and its thread are readable.
    table.get_by_role("link", name="Public", exact=True).click()
    page.get_by_role("link", name="public subject").click()
    expect(page.locator("article#p1 .body")).to_have_text("secret-public-words")
    expect(page.get_by_role("link", name="Sign in").last).to_be_visible()  # "Sign in to reply"
    expect(page.get_by_label("Your reply (Markdown)")).to_have_count(0)

    # The private thread, conference and post are "not found", never "forbidden".
    for path in (f"/t/{world.thread['private']}", "/c/private",
                 f"/p/{world.post['private']}/history"):
        response = page.goto(path)
        assert response is not None and response.status == 404, path
        expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
        assert "secret-private-words" not in page.content()
        assert "private subject" not in page.content()

    # Internal threads are for staff: the visitor is not told they exist either.
    response = page.goto(f"/t/{world.thread['internal']}")
    assert response is not None and response.status == 404
