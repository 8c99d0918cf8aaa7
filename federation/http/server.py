"""This server as a request to it sees it: whether federation is on, its origin, its keys,
its actors' and objects' documents, and the JSON answers every ActivityPub address gives."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

import orjson
from flask import Flask, Response, current_app

from federation import reads
from federation.delivery.keys import KeyStore
from federation.delivery.outbound import Outbound
from federation.delivery.remote import RemoteActors
from federation.documents import actors as ap
from federation.documents import local
from forum.web import context


def enabled() -> bool:
    return bool(current_app.extensions["commonroom"].config.federation)


def site() -> ap.Site:
    return ap.Site(current_app.extensions["commonroom"].config.base_url)


def keys() -> KeyStore:
    store: KeyStore = current_app.extensions["commonroom_keys"]
    return store


def outbound(app: Flask) -> Outbound:
    """This app's outbound client (made on first use)."""
    found: Outbound | None = app.extensions.get("commonroom_outbound")
    if found is None:
        backend = app.extensions["commonroom"]
        found = Outbound(app.extensions["commonroom_keys"], backend.config.base_url,
                         backend.config.allow_loopback_federation)
        app.extensions["commonroom_outbound"] = found
    return found


def remote_actors_of(app: Flask) -> RemoteActors:
    """This app's remote actor cache (made on first use)."""
    found: RemoteActors | None = app.extensions.get("commonroom_remote_actors")
    if found is None:
        found = RemoteActors(app.extensions["commonroom"].engine, outbound(app))
        app.extensions["commonroom_remote_actors"] = found
    return found


def software_version() -> str:
    try:
        return version("commonroom")
    except PackageNotFoundError:
        return "0"


# --- answers ---------------------------------------------------------------------------


def activity(document: dict[str, Any], status: int = 200) -> Response:
    response = Response(orjson.dumps(document), status=status,
                        mimetype=ap.ACTIVITY_JSON)
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


def missing(message: str = "there is nothing here for the fediverse",
            status: int = 404) -> Response:
    return Response(orjson.dumps({"code": "not_found" if status == 404 else "gone",
                                  "message": message}),
                    status=status, mimetype="application/json")


# --- documents, as this app makes them ------------------------------------------------------


def instance_username() -> str:
    return local.instance_username(site())


def instance_actor() -> dict[str, Any]:
    return local.instance_actor(site(), keys().public_pem("instance"))


def group_actor(conference: Any) -> dict[str, Any]:
    return local.group_actor(site(), conference,
                             keys().public_pem(f"conference:{conference.id}"))


def person_actor(member: Any) -> dict[str, Any]:
    return local.person_actor(site(), member, keys().public_pem(f"member:{member.id}"))


def first_post_type(conference_id: str) -> str:
    return reads.first_post_type(context.db(), conference_id)


def post_document(row: Any, conference: Any) -> dict[str, Any]:
    return reads.post_document(context.db(), site(), row, conference)


def article_document(row: Any) -> dict[str, Any]:
    return reads.article_document(context.db(), site(), row)
