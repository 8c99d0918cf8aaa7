"""Members, invitations and API tokens as the sign-in and profile pages need them."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, update

from forum.core.eventstore import Recorded
from forum.core.projections.registry import Projection
from forum.core.projections.sql import Statement
from forum.features.members.events import (
    ApiTokenIssued,
    ApiTokenRevoked,
    FediverseProfileSet,
    InvitationAccepted,
    InvitationIssued,
    MemberDeactivated,
    MemberReactivated,
    MemberRegistered,
    MemberRoleChanged,
    PasswordChanged,
    ProfileUpdated,
)
from forum.features.members.tables import api_tokens, invitations, members

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


@projection.on(MemberRegistered)
def _registered(conn: Connection, rec: Recorded, e: MemberRegistered) -> None:
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


@projection.on(FediverseProfileSet)
def _fediverse(conn: Connection, rec: Recorded, e: FediverseProfileSet) -> None:
    _member(conn, rec, e.member_id, fediverse=e.enabled)


@projection.on(MemberRoleChanged)
def _role(conn: Connection, rec: Recorded, e: MemberRoleChanged) -> None:
    _member(conn, rec, e.member_id, role=e.role)


@projection.on(MemberDeactivated, MemberReactivated)
def _active(conn: Connection, rec: Recorded, e: MemberDeactivated) -> None:
    _member(conn, rec, e.member_id, active=isinstance(e, MemberReactivated))


@projection.on(ProfileUpdated)
def _profile(conn: Connection, rec: Recorded, e: ProfileUpdated) -> None:
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


@projection.on(PasswordChanged)
def _password(conn: Connection, rec: Recorded, e: PasswordChanged) -> None:
    _member(conn, rec, e.member_id, password_hash=e.password_hash)


@projection.on(ApiTokenIssued)
def _token(conn: Connection, rec: Recorded, e: ApiTokenIssued) -> None:
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


@projection.on(ApiTokenRevoked)
def _revoked(conn: Connection, rec: Recorded, e: ApiTokenRevoked) -> None:
    _member(conn, rec, e.member_id)
    conn.execute(
        update(api_tokens).where(api_tokens.c.id == e.token_id).values(revoked_at=rec.occurred_at)
    )


@projection.on(InvitationIssued)
def _invited(conn: Connection, rec: Recorded, e: InvitationIssued) -> None:
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


@projection.on(InvitationAccepted)
def _accepted(conn: Connection, rec: Recorded, e: InvitationAccepted) -> None:
    conn.execute(
        update(invitations)
        .where(invitations.c.id == e.invitation_id)
        .values(accepted_by=e.member_id, accepted_at=rec.occurred_at)
    )
