"""The fediverse's gatekeeping: the domain block list and each public conference's policy."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from federation.inbound import handlers as inbound
from federation.inbound import queries as inbound_queries
from federation.inbound.commands import (
    BlockDomain,
    SetFederationPolicy,
    SetFederationStyle,
    UnblockDomain,
)
from federation.inbound.model import POLICIES, STYLES
from forum.core.permissions import can_administer, can_read
from forum.features.conferences.queries import conference_access
from forum.web import context
from forum.web.api.blueprint import Blueprint
from forum.web.api.schemas import UtcDateTime

blp = Blueprint("api_inbound", "Replies from the fediverse: blocked domains, policies.")


class BlockSchema(Schema):
    domain = fields.String(required=True)
    reason = fields.String(required=True)
    blocked_at = UtcDateTime(required=True)


class BlockListSchema(Schema):
    items = fields.List(fields.Nested(BlockSchema), required=True)


class NewBlockSchema(Schema):
    domain = fields.String(required=True, metadata={"description": "blocks its subdomains too"})
    reason = fields.String(load_default="")


_POLICY_DOC = ("open; moderated (a remote account's first reply waits for a moderator); "
               "closed")
_STYLE_DOC = ("what a thread's first post is on the fediverse: article (its subject as "
              "name) or note (the subject at the top of its content, for microblog readers)")


class PolicySchema(Schema):
    policy = fields.String(required=True, validate=validate.OneOf(POLICIES),
                           metadata={"description": _POLICY_DOC})
    style = fields.String(required=True, validate=validate.OneOf(STYLES),
                          metadata={"description": _STYLE_DOC})


class PolicyChangeSchema(Schema):
    policy = fields.String(validate=validate.OneOf(POLICIES),
                           metadata={"description": _POLICY_DOC + " (unchanged if left out)"})
    style = fields.String(validate=validate.OneOf(STYLES),
                          metadata={"description": _STYLE_DOC + " (unchanged if left out)"})

    @validates_schema
    def _something(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "policy" not in data and "style" not in data:
            raise ValidationError("give a policy, a style or both")


def _admin_only() -> None:
    if not can_administer(context.viewer()):
        abort(403)


@blp.route("/federation/blocked-domains")
class BlockedDomains(MethodView):
    @blp.errors(403, member_only=True)
    @blp.response(200, BlockListSchema)
    def get(self) -> dict[str, Any]:
        """The blocked fediverse domains (administrators only)."""
        _admin_only()
        rows = inbound_queries.list_blocks(context.db())
        return {"items": [{"domain": r.domain, "reason": r.reason, "blocked_at": r.blocked_at}
                          for r in rows]}

    @blp.errors(400, 403, 413, 415, member_only=True)
    @blp.arguments(NewBlockSchema)
    @blp.response(204)
    def post(self, args: dict[str, Any]) -> None:
        """Block a domain: nothing from it is taken, its earlier replies are hidden."""
        context.send(inbound.block_domain, BlockDomain(args["domain"], args["reason"]))


@blp.route("/federation/blocked-domains/<domain>")
class BlockedDomain(MethodView):
    @blp.errors(400, 403, 404, member_only=True)
    @blp.response(204)
    def delete(self, domain: str) -> None:
        """Unblock a domain."""
        context.send(inbound.unblock_domain, UnblockDomain(domain))


@blp.route("/conferences/<conference_id>/federation-policy")
class FederationPolicy(MethodView):
    @blp.errors(404)
    @blp.response(200, PolicySchema)
    def get(self, conference_id: str) -> dict[str, Any]:
        """Who may reply into this conference from the fediverse, and how its threads
        look there."""
        access = conference_access(context.db(), conference_id)
        if access is None or not can_read(context.viewer(), access):
            abort(404)
        return {"policy": inbound_queries.get_policy(context.db(), conference_id),
                "style": inbound_queries.get_style(context.db(), conference_id)}

    @blp.errors(400, 403, 404, 409, 413, 415, member_only=True)
    @blp.arguments(PolicyChangeSchema)
    @blp.response(204)
    def put(self, args: dict[str, Any], conference_id: str) -> None:
        """Set the policy, the style or both (moderators of a public conference)."""
        access = conference_access(context.db(), conference_id)
        if access is None or not can_read(context.viewer(), access):
            abort(404)
        if "policy" in args:
            context.send(inbound.set_federation_policy,
                         SetFederationPolicy(conference_id, args["policy"]))
        if "style" in args:
            context.send(inbound.set_federation_style,
                         SetFederationStyle(conference_id, args["style"]))
