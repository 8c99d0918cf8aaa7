"""The monthly "what we learned" digest: read a month, publish its public part."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import Schema, fields

from forum.features.digest import handlers as digests
from forum.features.digest import queries as digest_queries
from forum.features.digest.commands import PublishDigest
from forum.features.digest.queries import Month
from forum.web import context
from forum.web.api.blueprint import Blueprint
from forum.web.api.schemas import UtcDateTime

blp = Blueprint("api_digest", "The monthly digest: talks, articles, circles, kudos, TIL.")


class DigestTalkSchema(Schema):
    id = fields.String(required=True)
    title = fields.String(required=True)
    speaker = fields.String(required=True)
    starts_at = UtcDateTime(required=True)
    rota = fields.String(required=True, metadata={"description": "the rota's slug"})
    article_slug = fields.String(required=True, allow_none=True, metadata={
        "description": "its write-up on the blog, if published"})


class DigestArticleSchema(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    author = fields.String(required=True)
    published_at = UtcDateTime(required=True)


class DigestCircleSchema(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    sessions = fields.Integer(required=True)
    posts = fields.Integer(required=True)


class DigestKudosSchema(Schema):
    giver = fields.String(required=True)
    receiver = fields.String(required=True)
    target = fields.String(required=True, metadata={"description": "post or talk"})
    thread_id = fields.String(required=True)
    note = fields.String(required=True)
    given_at = UtcDateTime(required=True)


class DigestTilSchema(Schema):
    thread_id = fields.String(required=True)
    subject = fields.String(required=True)
    author = fields.String(required=True)


class DigestSchema(Schema):
    month = fields.String(required=True, metadata={"description": "YYYY-MM"})
    talks = fields.List(fields.Nested(DigestTalkSchema), required=True)
    articles = fields.List(fields.Nested(DigestArticleSchema), required=True)
    circles = fields.List(fields.Nested(DigestCircleSchema), required=True)
    kudos = fields.List(fields.Nested(DigestKudosSchema), required=True, metadata={
        "description": "members only"})
    tils = fields.List(fields.Nested(DigestTilSchema), required=True)


class PublishDigestSchema(Schema):
    conference_id = fields.String(required=True, metadata={
        "description": "a public conference for the digest's discussion thread"})


class PublishedDigestSchema(Schema):
    slug = fields.String(required=True)
    url = fields.String(required=True)


@blp.route("/digest/<month>")
class Digest(MethodView):
    @blp.errors(400)
    @blp.response(200, DigestSchema)
    def get(self, month: str) -> dict[str, Any]:
        """A month as you may see it (a visitor: its public part)."""
        found = digest_queries.get_digest(context.db(), context.viewer(), Month.parse(month),
                                          context.backend().store.clock())
        return {
            "month": str(found.month),
            "talks": [dict(t._mapping) for t in found.talks],
            "articles": [dict(a._mapping) for a in found.articles],
            "circles": found.circles,
            "kudos": [dict(k._mapping) for k in found.kudos],
            "tils": [{"thread_id": t.id, "subject": t.subject, "author": t.author}
                     for t in found.tils],
        }


@blp.route("/digest/<month>/publish")
class Publish(MethodView):
    @blp.errors(400, 403, 404, 409, 413, 415, member_only=True)
    @blp.arguments(PublishDigestSchema)
    @blp.response(201, PublishedDigestSchema)
    def post(self, args: dict[str, Any], month: str) -> dict[str, Any]:
        """Administrators publish the month's public part as an article on the blog."""
        slug = context.send(digests.publish_digest, PublishDigest(
            month, args["conference_id"]))
        return {"slug": slug, "url": f"{context.backend().config.base_url}/blog/{slug}"}
