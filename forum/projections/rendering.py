"""Markdown rendered once per distinct source, remembered across rebuilds.

Rendering and sanitising a post costs about 2 ms (bleach is most of it), far
more than projecting it. The memo makes a rebuild re-render only sources it
has never seen; bump ``RENDERER`` when the rules in forum.markup change, and
every source renders afresh.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Connection

from forum import markup
from forum.projections.sql import Statement

RENDERER = "1"
_LOOKUP = Statement("SELECT html FROM rendered_markup WHERE digest = :d")
_REMEMBER = Statement("INSERT INTO rendered_markup (digest, html) VALUES (:d, :html)")


def render(conn: Connection, source: str) -> str:
    """The safe HTML of ``source``, from the memo or rendered and remembered now."""
    digest = hashlib.sha256(f"{RENDERER}\n{source}".encode()).hexdigest()
    found = _LOOKUP.run(conn, {"d": digest}).fetchone()
    if found is not None:
        return str(found[0])
    html = markup.render(source)
    _REMEMBER.run(conn, {"d": digest, "html": html})
    return html
