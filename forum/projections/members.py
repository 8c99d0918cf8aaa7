"""Members, invitations and API tokens as the sign-in and profile pages need them."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, update

from forum import events as ev
from forum.eventstore import Recorded
from forum.projections.registry import Projection
from forum.projections.sql import Statement
from forum.projections.tables import api_tokens, invitations, members

projection = Projection("members", [members, api_tokens, invitations])


_UPDATES: dict[tuple[str, ...], Statement] = {}


def _member(conn: Connection, rec: Recorded, member_id: str, **values: Any) -> None:
    """Update some of a member's columns and their stream version."""
    columns = tuple(sorted(values))
    statement = _UPDATES.get(columns)
    if statement is None:
        sets = "".join(f", {name} = :{name}" for name in columns)
        statement = _UPDATES[columns] = Statement(
            f"UPDATE members SET version = :version{sets} WHERE id = :member_id")
    statement.run(conn, {**values, "version": rec.stream_version, "member_id": member_id})


@projection.on(ev.MemberRegistered)
def _registered(conn: Connection, rec: Recorded, e: ev.MemberRegistered) -> None:
    conn.execute(
        members.insert().values(
            id=e.member_id,
            handle=e.handle,
            display_name=e.display_name,
            email=e.email,
            role=e.role,
            password_hash=e.password_hash,
            active=True,
            bio="",
            skills="[]",
            interests="[]",
            can_teach="[]",
            share_read_history=True,
            fediverse=False,
            joined_at=rec.occurred_at,
            version=rec.stream_version,
        )
    )


@projection.on(ev.FediverseProfileSet)
def _fediverse(conn: Connection, rec: Recorded, e: ev.FediverseProfileSet) -> None:
    _member(conn, rec, e.member_id, fediverse=e.enabled)


@projection.on(ev.MemberRoleChanged)
def _role(conn: Connection, rec: Recorded, e: ev.MemberRoleChanged) -> None:
    _member(conn, rec, e.member_id, role=e.role)


@projection.on(ev.MemberDeactivated, ev.MemberReactivated)
def _active(conn: Connection, rec: Recorded, e: ev.MemberDeactivated) -> None:
    _member(conn, rec, e.member_id, active=isinstance(e, ev.MemberReactivated))


@projection.on(ev.ProfileUpdated)
def _profile(conn: Connection, rec: Recorded, e: ev.ProfileUpdated) -> None:
    _member(
        conn,
        rec,
        e.member_id,
        display_name=e.display_name,
        bio=e.bio,
        skills=json.dumps(list(e.skills)),
        interests=json.dumps(list(e.interests)),
        can_teach=json.dumps(list(e.can_teach)),
        share_read_history=e.share_read_history,
    )


@projection.on(ev.PasswordChanged)
def _password(conn: Connection, rec: Recorded, e: ev.PasswordChanged) -> None:
    _member(conn, rec, e.member_id, password_hash=e.password_hash)


@projection.on(ev.ApiTokenIssued)
def _token(conn: Connection, rec: Recorded, e: ev.ApiTokenIssued) -> None:
    _member(conn, rec, e.member_id)
    conn.execute(
        api_tokens.insert().values(
            id=e.token_id,
            member_id=e.member_id,
            name=e.name,
            token_hash=e.token_hash,
            created_at=rec.occurred_at,
        )
    )


@projection.on(ev.ApiTokenRevoked)
def _revoked(conn: Connection, rec: Recorded, e: ev.ApiTokenRevoked) -> None:
    _member(conn, rec, e.member_id)
    conn.execute(
        update(api_tokens).where(api_tokens.c.id == e.token_id).values(revoked_at=rec.occurred_at)
    )


@projection.on(ev.InvitationIssued)
def _invited(conn: Connection, rec: Recorded, e: ev.InvitationIssued) -> None:
    conn.execute(
        invitations.insert().values(
            id=e.invitation_id,
            token_hash=e.token_hash,
            role=e.role,
            invited_by=e.invited_by,
            note=e.note,
            created_at=rec.occurred_at,
        )
    )


@projection.on(ev.InvitationAccepted)
def _accepted(conn: Connection, rec: Recorded, e: ev.InvitationAccepted) -> None:
    conn.execute(
        update(invitations)
        .where(invitations.c.id == e.invitation_id)
        .values(accepted_by=e.member_id, accepted_at=rec.occurred_at)
    )
