"""The member's own settings: profile, password, read-history privacy, API tokens."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from forum.features.conferences.queries import tags
from forum.features.members import handlers as members
from forum.features.members.commands import (
    ChangePassword,
    IssueApiToken,
    RevokeApiToken,
    SetFediverseProfile,
    UpdateProfile,
)
from forum.features.members.queries import get_member, list_api_tokens
from forum.web import context

bp = Blueprint("account", __name__, url_prefix="/account")


bp.before_request(context.require_member)


def _list(name: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in request.form.get(name, "").split(",") if part.strip())


def _page(new_token: str | None = None) -> ResponseReturnValue:
    viewer = context.viewer()
    assert viewer.member_id is not None
    me = get_member(context.db(), viewer.member_id)
    return render_template("account/settings.html", me=me, tags=tags,
                           tokens=list_api_tokens(context.db(), viewer.member_id),
                           new_token=new_token)


@bp.get("")
def settings() -> ResponseReturnValue:
    return _page()


@bp.post("/profile")
def profile() -> ResponseReturnValue:
    # "What I can teach" moved to the skills form (forum/web/skills.py): keep the résumé's.
    me = get_member(context.db(), context.viewer().member_id or "")
    can_teach = (_list("can_teach") if "can_teach" in request.form
                 else tuple(tags(me.can_teach)) if me else ())
    context.send(members.update_profile, UpdateProfile(
        request.form.get("display_name", ""), request.form.get("bio", ""),
        _list("skills"), _list("interests"), can_teach,
        request.form.get("share_read_history") == "on",
    ))
    flash("Profile saved.")
    return redirect(url_for("account.settings"))


@bp.post("/fediverse")
def fediverse() -> ResponseReturnValue:
    enabled = request.form.get("enabled") == "on"
    context.send(members.set_fediverse_profile, SetFediverseProfile(enabled))
    flash("You can now be found from the fediverse." if enabled
          else "The fediverse can no longer find you here.")
    return redirect(url_for("account.settings"))


@bp.post("/password")
def password() -> ResponseReturnValue:
    context.send(members.change_password, ChangePassword(
        request.form.get("current_password", ""), request.form.get("new_password", "")))
    flash("Password changed.")
    return redirect(url_for("account.settings"))


@bp.post("/tokens")
def issue_token() -> ResponseReturnValue:
    token = context.send(members.issue_api_token, IssueApiToken(request.form.get("name", "")))
    return _page(new_token=token)


@bp.post("/tokens/<token_id>/revoke")
def revoke_token(token_id: str) -> ResponseReturnValue:
    context.send(members.revoke_api_token, RevokeApiToken(token_id))
    flash("Token revoked.")
    return redirect(url_for("account.settings"))
