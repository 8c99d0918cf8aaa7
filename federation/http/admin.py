"""Pages for the fediverse's gatekeepers: the domain block list (admins), each public
conference's reply policy and style (Article or Note), and the replies from outside
waiting for a moderator."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from federation.inbound import handlers as inbound
from federation.inbound import queries as inbound_queries
from federation.inbound.commands import (
    BlockDomain,
    SetFederationPolicy,
    SetFederationStyle,
    UnblockDomain,
)
from federation.inbound.model import POLICIES, STYLES
from forum.core.permissions import can_administer
from forum.features.conferences.queries import moderated_ids
from forum.features.reading.queries import list_conferences
from forum.web import context


def _moderated_public() -> list[Any]:
    conn = context.db()
    ids = moderated_ids(conn, context.viewer())
    return [c.row for c in list_conferences(conn, context.viewer())
            if c.row.id in ids and c.row.visibility == "public"]


def fediverse_settings() -> Any:
    """The block list (admins); the reply policy and the style of each public conference
    one moderates."""
    viewer = context.viewer()
    if not viewer.signed_in:
        return context.require_member()
    conferences = _moderated_public()
    if not can_administer(viewer) and not conferences:
        abort(404)
    conn = context.db()
    return render_template(
        "activitypub/settings.html", admin=can_administer(viewer),
        blocks=inbound_queries.list_blocks(conn) if can_administer(viewer) else [],
        conferences=[(c, inbound_queries.get_policy(conn, c.id),
                      inbound_queries.get_style(conn, c.id)) for c in conferences],
        policies=POLICIES, styles=STYLES, held=inbound_queries.list_held_replies(
            conn, [c.id for c in conferences]))


def block() -> Any:
    domain = request.form.get("domain", "")
    context.send(inbound.block_domain, BlockDomain(domain, request.form.get("reason", "")))
    flash(f"{domain.strip().lower()} is blocked: nothing from it is taken, its replies are "
          "hidden.")
    return redirect(url_for("activitypub.fediverse_settings"))


def unblock(domain: str) -> Any:
    context.send(inbound.unblock_domain, UnblockDomain(domain))
    flash(f"{domain} is no longer blocked.")
    return redirect(url_for("activitypub.fediverse_settings"))


def set_policy(conference_id: str) -> Any:
    policy = request.form.get("policy", "")
    context.send(inbound.set_federation_policy, SetFederationPolicy(conference_id, policy))
    flash("Replies from the fediverse: policy saved.")
    return redirect(url_for("activitypub.fediverse_settings"))


def set_style(conference_id: str) -> Any:
    style = request.form.get("style", "")
    context.send(inbound.set_federation_style, SetFederationStyle(conference_id, style))
    kind = "a Note" if style == "note" else "an Article"
    flash(f"Threads on the fediverse: each starts as {kind}.")
    return redirect(url_for("activitypub.fediverse_settings"))


def add_routes(bp: Blueprint) -> None:
    post = ["POST"]
    bp.add_url_rule("/admin/fediverse", view_func=fediverse_settings)
    bp.add_url_rule("/admin/fediverse/blocks", view_func=block, methods=post)
    bp.add_url_rule("/admin/fediverse/blocks/<domain>/unblock", view_func=unblock, methods=post)
    bp.add_url_rule("/admin/fediverse/policy/<conference_id>", view_func=set_policy,
                    methods=post)
    bp.add_url_rule("/admin/fediverse/style/<conference_id>", view_func=set_style, methods=post)
