"""The read side of members: ``get_*`` and ``list_*``. Never writes.

Everything a reader may see is filtered through :mod:`forum.core.permissions`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, func, or_, select

from forum.core.permissions import (
    Viewer,
)
from forum.core.rows import DbRow
from forum.features.members.tables import api_tokens, invitations, members


def viewer_from_row(row: DbRow | None) -> Viewer | None:
    if row is None:
        return None
    return Viewer(member_id=row.id, role=row.role, active=row.active)


def get_member(conn: Connection, member_id: str) -> DbRow | None:
    return conn.execute(select(members).where(members.c.id == member_id)).first()


def get_member_by_handle(conn: Connection, handle: str) -> DbRow | None:
    return conn.execute(select(members).where(members.c.handle == handle.lower())).first()


def get_member_by_login(conn: Connection, login: str) -> DbRow | None:
    """A member by handle or e-mail address."""
    login = login.strip()
    return conn.execute(
        select(members).where(
            or_(members.c.handle == login.lower(), func.lower(members.c.email) == login.lower())
        )
    ).first()


def get_member_by_token_hash(conn: Connection, token_hash: str) -> DbRow | None:
    return conn.execute(
        select(members)
        .join(api_tokens, api_tokens.c.member_id == members.c.id)
        .where(api_tokens.c.token_hash == token_hash, api_tokens.c.revoked_at.is_(None),
               members.c.active.is_(True))
    ).first()


def list_members(conn: Connection) -> Sequence[DbRow]:
    return conn.execute(select(members).order_by(members.c.display_name)).all()


def list_api_tokens(conn: Connection, member_id: str) -> Sequence[DbRow]:
    return conn.execute(
        select(api_tokens)
        .where(api_tokens.c.member_id == member_id)
        .order_by(api_tokens.c.created_at.desc())
    ).all()


def get_invitation_by_hash(conn: Connection, token_hash: str) -> DbRow | None:
    return conn.execute(select(invitations).where(invitations.c.token_hash == token_hash)).first()


def list_invitations(conn: Connection) -> Sequence[DbRow]:
    return conn.execute(select(invitations).order_by(invitations.c.created_at.desc())).all()


def get_members(conn: Connection, member_ids: Iterable[str]) -> list[DbRow]:
    """Members by id in one query, in the order given (unknown ids left out)."""
    ids = list(member_ids)
    found = {row.id: row for row in conn.execute(select(members).where(members.c.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def get_members_by_handles(conn: Connection, handles: Iterable[str]) -> dict[str, DbRow]:
    wanted = [h.lower() for h in handles]
    return {row.handle: row for row in conn.execute(
        select(members).where(members.c.handle.in_(wanted)))}
