"""Markdown to safe HTML, rendered once when a post is projected.

The only importer of bleach. markdown-it renders CommonMark with raw HTML
switched off; bleach then keeps only the tags and attributes we allow, so a
bug in one layer is caught by the other.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from functools import partial

import bleach
from bleach.linkifier import LinkifyFilter
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3",
        "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong",
        "table", "tbody", "td", "th", "thead", "tr", "ul",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "rel", "class"],
    "img": ["src", "alt", "title"],
    "code": ["class"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"
MENTION = re.compile(r"@([A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)")


def _mention_rule(state: StateInline, silent: bool) -> bool:
    """Turn ``@handle`` into a link to the member's profile."""
    pos = state.pos
    if state.src[pos] != "@":
        return False
    if pos > 0 and (state.src[pos - 1].isalnum() or state.src[pos - 1] in "_./"):
        return False  # an e-mail address or a path, not a mention
    match = MENTION.match(state.src, pos)
    if match is None:
        return False
    if not silent:
        handle = match.group(1)
        token = state.push("link_open", "a", 1)
        token.attrs = {"href": f"/members/{handle}", "class": "mention"}
        text = state.push("text", "", 0)
        text.content = "@" + handle
        state.push("link_close", "a", -1)
    state.pos = match.end()
    return True


def _build() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.inline.ruler.before("emphasis", "mention", _mention_rule)
    return md


_MD = _build()


def _set_rel(
    attrs: MutableMapping[tuple[str | None, str], str], new: bool = False
) -> MutableMapping[tuple[str | None, str], str]:
    href = attrs.get((None, "href"), "")
    if href.startswith(("http://", "https://", "mailto:")):
        attrs[(None, "rel")] = LINK_REL
    return attrs


# Sanitising and linkifying in one pass: a second parse would escape code twice.
_CLEANER = bleach.sanitizer.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    filters=[partial(LinkifyFilter, callbacks=[_set_rel], skip_tags={"pre", "code"})],
)


def render(source: str) -> str:
    """Render a post's Markdown to HTML that is safe to show as is."""
    return _CLEANER.clean(_MD.render(source))


def clean_html(html: str) -> str:
    """HTML from elsewhere (a reply from the fediverse) made as safe as our own posts:
    the same allowed tags, attributes and protocols, links marked ``nofollow``."""
    return _CLEANER.clean(html)


_TEXT = bleach.sanitizer.Cleaner(tags=set(), attributes={}, strip=True)


def text_of(html: str) -> str:
    """The words of safe HTML, for quoting and searching (entities left escaped)."""
    return _TEXT.clean(re.sub(r"<(br|/p|/li|/blockquote)\b[^>]*>", "\n", html)).strip()


_MENTION_LINK = re.compile(r'<a href="/members/([^"/]+)" class="mention">')


def mentions_in(html: str) -> list[str]:
    """The handles mentioned in HTML that :func:`render` made, in order, without repeats
    (much cheaper than parsing the source again when the HTML is at hand)."""
    return list(dict.fromkeys(_MENTION_LINK.findall(html)))


def mentions(source: str) -> list[str]:
    """The handles a post mentions, in order, without repeats."""
    seen: dict[str, None] = {}
    for token in _MD.parseInline(source):
        for child in token.children or []:
            if child.type == "link_open" and child.attrGet("class") == "mention":
                href = str(child.attrGet("href"))
                seen.setdefault(href.rsplit("/", 1)[-1], None)
    return list(seen)
