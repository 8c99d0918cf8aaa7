"""Administration: accounts, invitations, conferences and their ordered access lists."""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from forum.core.errors import InvalidInput
from forum.core.permissions import can_administer, can_moderate
from forum.features.conferences import handlers as conferences
from forum.features.conferences.access import readable_conference
from forum.features.conferences.commands import CreateConference, SetConferenceAcl, UpdateConference
from forum.features.conferences.queries import get_conference
from forum.features.members import handlers as members
from forum.features.members.commands import (
    ChangeMemberRole,
    DeactivateMember,
    IssueInvitation,
    ReactivateMember,
    RegisterMember,
)
from forum.features.members.queries import (
    get_member,
    get_member_by_handle,
    list_invitations,
    list_members,
)
from forum.features.reading.queries import list_conferences
from forum.web import context

bp = Blueprint("admin", __name__)


bp.before_request(context.require_member)


def _admin_only() -> None:
    if not can_administer(context.viewer()):
        abort(404)


@bp.get("/admin")
def index() -> ResponseReturnValue:
    _admin_only()
    conn = context.db()
    return render_template(
        "admin/index.html", members=list_members(conn),
        invitations=list_invitations(conn),
        conferences=list_conferences(conn, context.viewer()),
        new_invitation=request.args.get("invited"),
    )


@bp.post("/admin/members")
def create_member() -> ResponseReturnValue:
    form = request.form
    context.send(members.register_member, RegisterMember(
        form.get("handle", ""), form.get("display_name", ""), form.get("email", ""),
        form.get("password", ""), form.get("role", "staff")))
    flash(f"Account @{form.get('handle', '').strip().lower()} created.")
    return redirect(url_for("admin.index"))


@bp.post("/admin/members/<member_id>/<any(role, deactivate, reactivate):action>")
def change_member(member_id: str, action: str) -> ResponseReturnValue:
    if action == "role":
        context.send(members.change_member_role,
                     ChangeMemberRole(member_id, request.form.get("role", "")))
    elif action == "deactivate":
        context.send(members.deactivate_member, DeactivateMember(member_id))
    else:
        context.send(members.reactivate_member, ReactivateMember(member_id))
    flash("Member updated.")
    return redirect(url_for("admin.index"))


@bp.post("/admin/invitations")
def invite() -> ResponseReturnValue:
    token = context.send(members.issue_invitation, IssueInvitation(
        request.form.get("role", "staff"), request.form.get("note", "")))
    link = url_for("auth.accept_invitation", token=token, _external=True)
    flash(f"Invitation link (shown once): {link}")
    return redirect(url_for("admin.index"))


@bp.post("/admin/conferences")
def create_conference() -> ResponseReturnValue:
    form = request.form
    conference_id = context.send(conferences.create_conference, CreateConference(
        form.get("slug", ""), form.get("name", ""), form.get("visibility", "internal"),
        form.get("resume", ""), form.get("parent_id") or None))
    row = get_conference(context.db(), conference_id)
    return redirect(url_for("admin.conference_settings", slug=row.slug if row else ""))


def acl_to_text(acl_json: str) -> str:
    """The access list as people edit it: one ``principal access`` per line."""
    conn = context.db()
    lines = []
    for principal, access in json.loads(acl_json):
        if principal.startswith("member:"):
            row = get_member(conn, principal.split(":", 1)[1])
            principal = f"@{row.handle}" if row else principal
        lines.append(f"{principal} {access}")
    return "\n".join(lines)


def acl_from_text(text: str) -> tuple[tuple[str, str], ...]:
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 2:
            raise InvalidInput(f"line {number}: write a principal and an access level, "
                               "e.g. '@sam moderator' or 'role:guest reader'", field="acl")
        principal, access = parts
        if principal.startswith("@"):
            row = get_member_by_handle(context.db(), principal[1:])
            if row is None:
                raise InvalidInput(f"line {number}: nobody is called {principal}", field="acl")
            principal = f"member:{row.id}"
        entries.append((principal, access.lower()))
    return tuple(entries)


@bp.route("/c/<slug>/settings", methods=["GET", "POST"])
def conference_settings(slug: str) -> ResponseReturnValue:
    row, access = readable_conference(context.db(), context.viewer(), slug)
    if not can_moderate(context.viewer(), access):
        abort(404)
    if request.method == "GET":
        return render_template("admin/conference.html", conference=row,
                               acl_text=acl_to_text(row.acl))
    form = request.form
    try:
        version = int(form.get("version", "0") or 0)
    except ValueError:
        raise InvalidInput("version must be a whole number", field="version") from None
    if form.get("section") == "acl":
        entries = acl_from_text(form.get("acl", ""))
        context.send(conferences.set_conference_acl,
                     SetConferenceAcl(row.id, entries, expected_version=version))
    else:
        context.send(conferences.update_conference, UpdateConference(
            row.id, form.get("name", ""), form.get("resume", ""),
            form.get("visibility", row.visibility), expected_version=version))
    flash("Conference saved.")
    return redirect(url_for("admin.conference_settings", slug=row.slug))
