"""Markdown to safe HTML: what authors write shows; nothing can run."""

from __future__ import annotations

import re

import pytest

from forum.core import markup


def test_markdown_renders() -> None:
    html = markup.render("# Title\n\n**bold** and *em*\n\n- a\n- b")
    assert "<h1>Title</h1>" in html
    assert "<strong>bold</strong>" in html and "<em>em</em>" in html
    assert "<li>a</li>" in html


@pytest.mark.parametrize("source", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "<a href='javascript:alert(1)'>x</a>",
    "![x](javascript:alert(1))",
])
def test_raw_html_and_scripts_never_survive(source: str) -> None:
    html = markup.render(source)
    assert "<script" not in html
    assert re.search(r"<[^>]*\son\w+\s*=", html) is None  # no tag with an event handler
    assert 'href="javascript' not in html and 'src="javascript' not in html


def test_code_is_escaped_exactly_once() -> None:
    html = markup.render('Inline `<a "x">` and\n\n```\nif a < b:\n```')
    assert "<code>&lt;a &quot;x&quot;&gt;</code>" in html
    assert "if a &lt; b:" in html
    assert "&amp;" not in html


def test_outside_links_get_rel_and_bare_urls_are_linked() -> None:
    html = markup.render("see https://example.com and [docs](http://example.org/x)")
    assert '<a href="https://example.com" rel="nofollow ugc noopener">' in html
    assert '<a href="http://example.org/x" rel="nofollow ugc noopener">docs</a>' in html


def test_urls_inside_code_are_not_linked() -> None:
    assert "<a " not in markup.render("`https://example.com`")


def test_mentions_link_to_profiles_but_not_in_emails_or_code() -> None:
    html = markup.render("thanks @sam.k, mail me at a@example.org, `@not`")
    assert '<a href="/members/sam.k" class="mention">@sam.k</a>' in html
    assert "/members/example.org" not in html
    assert "<code>@not</code>" in html
    assert markup.mentions("@sam and @oli and @sam again") == ["sam", "oli"]
