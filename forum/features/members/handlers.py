"""Handlers for accounts: registration, invitations, roles, profiles, API tokens."""

from __future__ import annotations

from forum.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from forum.core.events import Event
from forum.core.eventstore import StreamWrite
from forum.core.handlers import Services, run
from forum.core.passwords import new_token, token_hash
from forum.core.permissions import MEMBER_ROLES, Viewer, can_administer
from forum.core.text import clean_text
from forum.features.members import model as member
from forum.features.members.commands import (
    AcceptInvitation,
    ChangeMemberRole,
    ChangePassword,
    DeactivateMember,
    IssueApiToken,
    IssueInvitation,
    ReactivateMember,
    RegisterMember,
    RevokeApiToken,
    SetFediverseProfile,
    UpdateProfile,
)
from forum.features.members.events import InvitationAccepted, InvitationIssued, PasswordChanged
from forum.features.members.queries import get_invitation_by_hash, get_member, get_member_by_handle

SYSTEM = Viewer(member_id=None, role="admin")


def _stream(member_id: str) -> str:
    return f"member-{member_id}"


def _new_member_events(
    svc: Services, command: RegisterMember | AcceptInvitation, role: str,
    invited_by: str | None,
) -> tuple[str, list[Event]]:
    handle = member.check_handle(command.handle)
    member.check_password(command.password)
    with svc.engine.connect() as conn:
        if get_member_by_handle(conn, handle) is not None:
            raise Conflict(f"the handle @{handle} is taken", field="handle")
    member_id = svc.new_id()
    return member_id, member.register(
        member_id, handle, command.display_name, command.email, role,
        svc.passwords.hash(command.password), invited_by,
    )


def register_member(svc: Services, actor: Viewer, command: RegisterMember) -> str:
    """An administrator (or the command line, as SYSTEM) creates an account."""
    if actor is not SYSTEM and not can_administer(actor):
        raise Forbidden("only an administrator may create accounts")
    member_id, new_events = _new_member_events(
        svc, command, member.check_role(command.role), actor.member_id)
    svc.store.append(_stream(member_id), new_events, expected_version=0,
                     meta=svc.meta(actor))
    return member_id


def issue_invitation(svc: Services, actor: Viewer, command: IssueInvitation) -> str:
    """Returns the secret token for the invitation link; only its hash is stored."""
    if not can_administer(actor) or actor.member_id is None:
        raise Forbidden("only an administrator may invite people")
    if command.role not in MEMBER_ROLES:
        raise InvalidInput(f"role must be one of {', '.join(MEMBER_ROLES)}", field="role")
    note = clean_text(command.note, "note", maximum=500, required=False)
    token = new_token()
    invitation_id = svc.new_id()
    svc.store.append(
        f"invitation-{invitation_id}",
        [InvitationIssued(invitation_id, token_hash(token), command.role, actor.member_id, note)],
        expected_version=0, meta=svc.meta(actor),
    )
    return token


def accept_invitation(svc: Services, command: AcceptInvitation) -> str:
    with svc.engine.connect() as conn:
        invitation = get_invitation_by_hash(conn, token_hash(command.token))
    if invitation is None:
        raise NotFound("that invitation link is not valid")
    if invitation.accepted_by is not None:
        raise Conflict("that invitation has already been used")
    member_id, new_events = _new_member_events(svc, command, invitation.role,
                                               invitation.invited_by)
    svc.store.append_streams(
        [
            StreamWrite(_stream(member_id), new_events, 0),
            # Version 1 means "issued, not yet accepted": a second use conflicts.
            StreamWrite(f"invitation-{invitation.id}",
                        [InvitationAccepted(invitation.id, member_id)], 1),
        ],
        {"actor": member_id},
    )
    return member_id


def _member_run(svc: Services, actor: Viewer, member_id: str, decide: object) -> None:
    run(svc, actor, _stream(member_id), lambda h: member.load(member_id, h),
        decide)  # type: ignore[arg-type]


def change_member_role(svc: Services, actor: Viewer, command: ChangeMemberRole) -> None:
    _member_run(svc, actor, command.member_id,
                lambda s: member.change_role(s, command, actor))


def deactivate_member(svc: Services, actor: Viewer, command: DeactivateMember) -> None:
    _member_run(svc, actor, command.member_id, lambda s: member.set_active(s, False, actor))


def reactivate_member(svc: Services, actor: Viewer, command: ReactivateMember) -> None:
    _member_run(svc, actor, command.member_id, lambda s: member.set_active(s, True, actor))


def _self(actor: Viewer) -> str:
    if not actor.signed_in or actor.member_id is None:
        raise Forbidden("sign in first")
    return actor.member_id


def update_profile(svc: Services, actor: Viewer, command: UpdateProfile) -> None:
    _member_run(svc, actor, _self(actor), lambda s: member.update_profile(s, command))


def set_fediverse_profile(svc: Services, actor: Viewer, command: SetFediverseProfile
                          ) -> None:
    _member_run(svc, actor, _self(actor), lambda s: member.set_fediverse_profile(s, command))


def change_password(svc: Services, actor: Viewer, command: ChangePassword) -> None:
    member_id = _self(actor)
    with svc.engine.connect() as conn:
        row = get_member(conn, member_id)
    if row is None or not svc.passwords.verify(row.password_hash, command.current_password):
        raise Forbidden("the current password is not right", field="current_password")
    new_hash = svc.passwords.hash(member.check_password(command.new_password))
    _member_run(svc, actor, member_id, lambda s: [PasswordChanged(member_id, new_hash)])


def issue_api_token(svc: Services, actor: Viewer, command: IssueApiToken) -> str:
    """Returns the token once; only its hash is kept."""
    member_id = _self(actor)
    token = new_token()
    token_id = svc.new_id()
    _member_run(svc, actor, member_id,
                lambda s: member.issue_token(s, token_id, command.name, token_hash(token)))
    return token


def revoke_api_token(svc: Services, actor: Viewer, command: RevokeApiToken) -> None:
    _member_run(svc, actor, _self(actor), lambda s: member.revoke_token(s, command.token_id))
