"""From what a reader typed to a :class:`SearchRequest`: operators resolved, access applied.

Every space a query may touch comes from the one visibility rule
(:mod:`forum.permissions`, through :mod:`forum.queries`), asked afresh for
each query, so a member taken off an access list stops finding its words at
once. ``in:`` names only places the reader may read, and an unknown place is
answered exactly like an unreadable one.
"""

from __future__ import annotations

import difflib

from sqlalchemy import Connection

from forum.core.permissions import Viewer
from forum.features.conferences.queries import list_place_slugs, readable_ids
from forum.features.members.queries import get_members_by_handles, list_members
from forum.features.reading.queries import list_read_marks
from forum.features.rooms.queries import readable_room_ids
from search.documents import MEMBERS_SPACE, PUBLISHED_SPACE, room_space
from search.querylang import ParsedQuery, QueryError, parse
from search.results import PER_PAGE, SORTS, SearchRequest

MAX_PAGE = 50  # 1,000 results at 20 a page: the counting limit


def readable_spaces(conn: Connection, viewer: Viewer) -> frozenset[str]:
    """Every space whose documents the viewer may see now."""
    spaces = set(readable_ids(conn, viewer)) | {PUBLISHED_SPACE}
    if viewer.signed_in:
        spaces |= {room_space(r) for r in readable_room_ids(conn, viewer)}
        spaces.add(MEMBERS_SPACE)  # résumés are for signed-in members, as /members is
    return frozenset(spaces)


def _places(conn: Connection, parsed: ParsedQuery, spaces: frozenset[str], text: str
            ) -> frozenset[str]:
    if not parsed.places:
        return spaces
    known = {slug: (conference_id if kind == "conference" else room_space(conference_id))
             for kind, conference_id, slug in list_place_slugs(conn)}
    readable = {slug: space for slug, space in known.items() if space in spaces}
    chosen: set[str] = set()
    for place in parsed.places:
        if place not in readable:
            close = difflib.get_close_matches(place, list(readable), n=3, cutoff=0.6)
            raise QueryError(f"in:{place} — there is no conference or room called "
                             f"{place!r} that you can read",
                             [text.replace(f"in:{place}", f"in:{c}", 1) for c in close])
        chosen.add(readable[place])
    return frozenset(chosen)


def _authors(conn: Connection, viewer: Viewer, parsed: ParsedQuery, text: str
             ) -> tuple[str, ...]:
    if not parsed.authors:
        return ()
    found = get_members_by_handles(conn, parsed.authors)
    for handle in parsed.authors:
        if handle not in found:
            close: list[str] = []
            if viewer.signed_in:  # the list of members is for members only
                handles = [m.handle for m in list_members(conn)]
                close = difflib.get_close_matches(handle, handles, n=3, cutoff=0.6)
            raise QueryError(f"by:{handle} — nobody has the handle @{handle}",
                             [text.replace(f"by:{handle}", f"by:{c}", 1) for c in close])
    return tuple(str(found[h].id) for h in parsed.authors)


def _number(value: str | int | None, default: int, low: int, high: int, name: str) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise QueryError(f"{name} must be a whole number") from None
    if not low <= number <= high:
        raise QueryError(f"{name} must be between {low} and {high}")
    return number


def plan(conn: Connection, viewer: Viewer, text: str, *, sort: str | None = None,
         page: str | int | None = None, per_page: str | int | None = None) -> SearchRequest:
    """Read the query and settle everything the index cannot know; raise QueryError."""
    parsed = parse(text)
    if parsed.empty:
        raise QueryError('nothing to search for: type a word, a "phrase" or an operator '
                         "such as by:handle")
    sort = sort or "relevance"
    if sort not in SORTS:
        raise QueryError(f"sort is one of {', '.join(SORTS)}, not {sort!r}")
    if (parsed.mine or parsed.unread) and not viewer.signed_in:
        raise QueryError("is:mine and is:unread need you to be signed in",
                         [text.replace("is:mine", "").replace("is:unread", "").strip()])
    spaces = _places(conn, parsed, readable_spaces(conn, viewer), text)
    return SearchRequest(
        query=parsed, spaces=spaces, authors=_authors(conn, viewer, parsed, text),
        viewer_id=viewer.member_id if viewer.signed_in else None,
        read_marks=tuple(list_read_marks(conn, viewer.member_id or ""))
        if parsed.unread else (),
        sort=sort, page=_number(page, 1, 1, MAX_PAGE, "page"),
        per_page=_number(per_page, PER_PAGE, 1, 100, "per_page"), text=text)
