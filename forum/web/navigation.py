"""Where a form sends a person afterwards: return addresses on this site only."""

from __future__ import annotations

from flask import url_for


def safe_next(target: str | None, default: str | None = None) -> str:
    """A return address on this site only (no "//host" or "/\\host"); else ``default``."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return default or url_for("pages.home")
