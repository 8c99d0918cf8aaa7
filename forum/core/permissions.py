"""The one visibility rule: who may read, post and moderate where.

Pure: standard library only. Every surface asks these functions (or
:func:`readable_conference_ids`, their query form) and nothing else.

A conference's access list is ordered and the first matching entry wins,
as in FirstClass. Principals are ``member:<id>``, ``role:<admin|staff|guest>``
and ``members`` (anyone signed in). Where no entry matches, the conference's
visibility decides: public and internal conferences let staff contribute,
public ones let everybody read, private ones nobody. An admin moderates
everywhere but in direct conversations. A public conference can never be made
unreadable by its list.

Chat rooms go through the same rule (:func:`room_access`): a room attached to
a conference is that conference; a standalone room is an ``internal`` or
``private`` space whose members are on its list; a ``direct`` room is its
participants' alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum

VISIBILITIES = ("public", "internal", "private")
ROOM_VISIBILITIES = ("internal", "private", "conference")
MEMBER_ROLES = ("admin", "staff", "guest")


class Access(IntEnum):
    NONE = 0
    READER = 1
    CONTRIBUTOR = 2
    MODERATOR = 3

    @classmethod
    def parse(cls, name: str) -> Access:
        try:
            return cls[name.upper()]
        except KeyError:
            raise ValueError(f"unknown access level {name!r}") from None


ACCESS_NAMES = tuple(a.name.lower() for a in Access)


@dataclass(frozen=True)
class Viewer:
    """Who is looking. ``member_id`` is None for an anonymous visitor."""

    member_id: str | None = None
    role: str = "guest"
    active: bool = True

    @property
    def signed_in(self) -> bool:
        return self.member_id is not None and self.active


ANONYMOUS = Viewer()


@dataclass(frozen=True)
class ConferenceAccess:
    conference_id: str
    visibility: str
    acl: tuple[tuple[str, str], ...] = ()


def principal_matches(principal: str, viewer: Viewer) -> bool:
    if not viewer.signed_in:
        return False
    if principal == "members":
        return True
    kind, _, value = principal.partition(":")
    if kind == "member":
        return value == viewer.member_id
    if kind == "role":
        return value == viewer.role
    return False


def _default_access(visibility: str, viewer: Viewer) -> Access:
    if not viewer.signed_in:
        return Access.NONE
    if visibility in ("public", "internal") and viewer.role == "staff":
        return Access.CONTRIBUTOR
    return Access.NONE


def access_for(viewer: Viewer, conference: ConferenceAccess) -> Access:
    """The viewer's effective access level in one conference."""
    if viewer.signed_in and viewer.role == "admin" and conference.visibility != "direct":
        return Access.MODERATOR
    level = _default_access(conference.visibility, viewer)
    for principal, name in conference.acl:
        if principal_matches(principal, viewer):
            level = Access.parse(name)
            break
    if conference.visibility == "public":
        level = max(level, Access.READER)
    return level


def can_read(viewer: Viewer, conference: ConferenceAccess) -> bool:
    return access_for(viewer, conference) >= Access.READER


def can_post(viewer: Viewer, conference: ConferenceAccess, *, locked: bool = False) -> bool:
    level = access_for(viewer, conference)
    if locked:
        return level >= Access.MODERATOR
    return viewer.signed_in and level >= Access.CONTRIBUTOR


def can_moderate(viewer: Viewer, conference: ConferenceAccess) -> bool:
    return viewer.signed_in and access_for(viewer, conference) >= Access.MODERATOR


def can_edit_post(
    viewer: Viewer, conference: ConferenceAccess, author_id: str, *, locked: bool = False
) -> bool:
    """Authors edit their own posts while they may still post; moderators any."""
    if can_moderate(viewer, conference):
        return True
    return viewer.member_id == author_id and can_post(viewer, conference, locked=locked)


def can_see_read_history(viewer: Viewer, conference: ConferenceAccess, author_id: str) -> bool:
    return viewer.signed_in and (
        viewer.member_id == author_id or can_moderate(viewer, conference)
    )


def can_see_presence(viewer: Viewer) -> bool:
    """Who is online, and who is away, is for members: anyone signed in sees it for
    every active member (as they may open any member's profile and write to them);
    an anonymous visitor sees nobody's."""
    return viewer.signed_in


def can_administer(viewer: Viewer) -> bool:
    return viewer.signed_in and viewer.role == "admin"


def can_propose_article(viewer: Viewer, source: ConferenceAccess) -> bool:
    """Any member who may read a thread or post may propose it for the blog."""
    return viewer.signed_in and can_read(viewer, source)


def can_review_article(viewer: Viewer, source: ConferenceAccess) -> bool:
    """Reviewers edit, approve, send back and unpublish articles.

    They are the moderators of the source's conference (as it is now: a moved
    thread is reviewed where it lives), which includes administrators, who
    moderate every conference. A moderator can read the source by definition,
    so nobody approves words they may not read. For an internal or private
    source this is the only way out to the public: until a reviewer approves
    it, a draft is seen by its proposer (while they may still read the
    source) and its reviewers alone.
    """
    return can_moderate(viewer, source)


def can_see_article_draft(viewer: Viewer, source: ConferenceAccess, proposed_by: str) -> bool:
    """An unpublished draft: its reviewers, and its proposer while they may read the source."""
    if can_review_article(viewer, source):
        return True
    return viewer.signed_in and viewer.member_id == proposed_by and can_read(viewer, source)


def room_access(
    room_id: str, visibility: str, created_by: str, members: Iterable[str],
    conference: ConferenceAccess | None,
) -> ConferenceAccess:
    """A room as a space under the one rule.

    Attached to a conference, it is that conference (same list, same levels).
    Otherwise its members contribute, and in an ``internal`` or ``private``
    room its creator moderates while still a member.
    """
    if visibility == "conference":
        return conference if conference is not None else ConferenceAccess(room_id, "private")
    members = tuple(members)
    entries: list[tuple[str, str]] = []
    if visibility != "direct" and created_by in members:
        entries.append((f"member:{created_by}", "moderator"))
    entries += [(f"member:{m}", "contributor") for m in members]
    return ConferenceAccess(room_id, visibility, tuple(entries))


def readable_conference_ids(viewer: Viewer, conferences: Iterable[ConferenceAccess]) -> set[str]:
    """The query form of the rule: the ids of every conference the viewer may read."""
    return {c.conference_id for c in conferences if can_read(viewer, c)}


def can_organise(viewer: Viewer, conference: ConferenceAccess) -> bool:
    """Organisers of a talk rota (who schedule, assign, move and review write-ups)
    are the moderators of its conference; its readers see it, its contributors speak."""
    return can_moderate(viewer, conference)


def can_start_circle(viewer: Viewer) -> bool:
    """Staff (and administrators) start study circles; a guest is added to one.
    A circle's organisers are then the moderators of its own conference."""
    return viewer.signed_in and viewer.role in ("staff", "admin")
