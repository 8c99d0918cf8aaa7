"""Signing in and out, and joining by invitation."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_user, logout_user

from forum.core.passwords import token_hash
from forum.features.members import handlers as members
from forum.features.members.commands import AcceptInvitation
from forum.features.members.queries import get_invitation_by_hash, get_member, get_member_by_login
from forum.web import context
from forum.web.navigation import safe_next

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if request.method == "GET":
        return render_template("auth/login.html", next=request.args.get("next", ""))
    row = get_member_by_login(context.db(), request.form.get("login", ""))
    password = request.form.get("password", "")
    if row is None or not row.active or not context.services().passwords.verify(
        row.password_hash, password
    ):
        return render_template("auth/login.html", error="That sign-in did not work.",
                               next=request.form.get("next", "")), 401
    login_user(context.Account(row), remember=bool(request.form.get("remember")))
    return redirect(safe_next(request.form.get("next")))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    logout_user()
    flash("You have signed out.")
    return redirect(url_for("pages.home"))


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> ResponseReturnValue:
    invitation = get_invitation_by_hash(context.db(), token_hash(token))
    if invitation is None or invitation.accepted_by is not None:
        return render_template("auth/invite.html", invalid=True), 404
    if request.method == "GET":
        return render_template("auth/invite.html", invitation=invitation, token=token)
    form = request.form
    context.close_db()
    member_id = members.accept_invitation(context.services(), AcceptInvitation(
        token, form.get("handle", ""), form.get("display_name", ""), form.get("email", ""),
        form.get("password", ""),
    ))
    login_user(context.Account(get_member(context.db(), member_id)))
    flash("Welcome to Commonroom.")
    return redirect(url_for("pages.home"))
