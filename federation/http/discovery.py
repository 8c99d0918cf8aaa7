"""Discovery: WebFinger, host-meta, NodeInfo, and the instance actor.

How another server finds our actors (``acct:name@host``) and learns what this
server is; every address here is 404 while federation is off.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask import Blueprint, Response, request

from federation import reads
from federation.documents import actors as ap
from federation.http.server import (
    activity,
    instance_actor,
    instance_username,
    missing,
    site,
    software_version,
)
from forum.web import context


def _jrd(document: dict[str, Any]) -> Response:
    response = Response(orjson.dumps(document), mimetype=ap.JRD)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def webfinger() -> Response:
    """``acct:`` addresses: the instance actor, public conferences, opted-in members.

    One name, one actor: the instance's name comes first, then a conference's
    slug, then a member's handle (a member whose handle is a public
    conference's slug is not found this way)."""
    s = site()
    resource = request.args.get("resource", "")
    if not resource:
        return missing("ask for resource=acct:name@host", 400)
    hosts = {s.host.lower(), s.host.split(":")[0].lower()}
    if resource.rstrip("/") in (s.url("/actor"), s.base):
        name: str | None = instance_username()
    else:
        name = ap.parse_acct(resource, hosts)
    if name is None:
        return missing()
    subject = f"acct:{name}@{s.host}"
    if name == instance_username():
        return _jrd(ap.webfinger(subject, s.url("/actor"), s.url("/")))
    conn = context.db()
    conference = reads.get_public_conference(conn, name)
    if conference is not None:
        page = s.url(f"/c/{conference.slug}")
        return _jrd(ap.webfinger(subject, page, page))
    member = reads.get_fediverse_member(conn, name)
    if member is not None and reads.get_public_conference(conn, member.handle) is None:
        page = s.url(f"/members/{member.handle}")
        return _jrd(ap.webfinger(subject, page, page))
    return missing()


def host_meta() -> Response:
    return Response(ap.host_meta(site()), mimetype="application/xrd+xml")


def nodeinfo_links() -> Response:
    return Response(orjson.dumps(ap.nodeinfo_links(site())), mimetype="application/json")


def nodeinfo(version: str) -> Response:
    usage = ap.Usage(*reads.usage(context.db()))
    profile = ap.NODEINFO_SCHEMA.format(version=version)
    return Response(orjson.dumps(ap.nodeinfo(version, software_version(), usage)),
                    mimetype=f'application/json; profile="{profile}#"')


def instance() -> Response:
    return activity(instance_actor())


def add_routes(bp: Blueprint) -> None:
    bp.add_url_rule("/.well-known/webfinger", view_func=webfinger)
    bp.add_url_rule("/.well-known/host-meta", view_func=host_meta)
    bp.add_url_rule("/.well-known/nodeinfo", view_func=nodeinfo_links)
    bp.add_url_rule("/nodeinfo/<any('2.1', '2.0'):version>", view_func=nodeinfo)
    bp.add_url_rule("/actor", view_func=instance)
