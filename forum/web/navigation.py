"""Moving about the site: which page of a list was asked for, and where a form sends a
person afterwards (return addresses on this site only)."""

from __future__ import annotations

from flask import request, url_for

MAX_PAGE = 1_000_000  # far past any thread's end, and small enough for a database offset


def safe_next(target: str | None, default: str | None = None) -> str:
    """A return address on this site only (no "//host" or "/\\host"); else ``default``."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return default or url_for("pages.home")


def page_number() -> int:
    """The ``page`` asked for, from 1, and 1 when it is not a number."""
    try:
        return min(max(1, int(request.args.get("page", "1"))), MAX_PAGE)
    except ValueError:
        return 1
