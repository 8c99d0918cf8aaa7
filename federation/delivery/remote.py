"""Other servers' actors: fetched (signed, via the instance actor), checked, and cached.

Contract (the inbox and delivery build on it; keep it stable):

* ``RemoteActors(engine, outbound, max_age=CACHE_FOR)`` —
  ``federation.http.server.remote_actors_of(app)`` gives an app's one.
* ``RemoteActors.get(actor_id, refresh=False) -> RemoteActor`` — from the cache
  table ``remote_actors`` while younger than ``max_age``, else fetched again.
  Raises :class:`federation.delivery.RemoteFailed` (or ``AddressRefused``) when
  it cannot be had, :class:`NotAnActor` when the document is not a usable actor.
* ``RemoteActors.by_key(key_id, refresh=False) -> RemoteActor | None`` — the
  actor owning a ``keyId`` (``…#main-key`` or a separate key document).
* ``RemoteActors.key_lookup`` — a :data:`federation.delivery.signatures.KeyLookup` for
  :func:`federation.delivery.signatures.verify` (``refresh=True`` refetches: key rotation).
* ``RemoteActor`` — id, type, inbox, shared_inbox, key_id, public_key_pem,
  username, name, icon, url; ``delivery_inbox`` is the shared inbox if any.

An actor document is accepted only if its ``id`` is on the same origin as the
address it was fetched from, it has an ``inbox`` on that origin too, and a
``publicKey`` whose ``owner`` is the actor itself. Names are plain text, cut to
their column's length; nothing from a remote document is ever rendered as HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urldefrag, urlsplit

from sqlalchemy import Engine, delete, insert, select

from federation.delivery.outbound import Outbound, RemoteFailed
from federation.tables import remote_actors
from forum.core.db import write_connection

CACHE_FOR = timedelta(days=1)
ACTOR_TYPES = ("Person", "Service", "Application", "Group", "Organization")


class NotAnActor(RemoteFailed):
    code = "not_an_actor"
    http_status = 400


@dataclass(frozen=True)
class RemoteActor:
    id: str
    type: str
    inbox: str
    shared_inbox: str | None
    key_id: str
    public_key_pem: str
    username: str
    name: str
    icon: str | None
    url: str | None
    fetched_at: datetime

    @property
    def delivery_inbox(self) -> str:
        """Where to deliver to this actor when a shared inbox will do."""
        return self.shared_inbox or self.inbox

    @property
    def host(self) -> str:
        return urlsplit(self.id).netloc

    @property
    def acct(self) -> str:
        return f"@{self.username}@{urlsplit(self.id).hostname}"


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc.lower()


def _text(value: Any, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _link(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("href")
    if isinstance(value, str) and value.startswith(("https://", "http://")):
        return value[:500]
    return None


def parse_actor(document: dict[str, Any], fetched_from: str,
                now: datetime | None = None) -> RemoteActor:
    """Check an actor document (see the module's docstring) and keep what we use."""
    actor_id = document.get("id")
    if not isinstance(actor_id, str) or _origin(actor_id) != _origin(fetched_from):
        raise NotAnActor("the actor's id is not on the origin it was fetched from")
    if document.get("type") not in ACTOR_TYPES:
        raise NotAnActor(f"{actor_id[:200]} is not an actor")
    inbox = document.get("inbox")
    if not isinstance(inbox, str) or _origin(inbox) != _origin(actor_id):
        raise NotAnActor("the actor has no inbox on its own origin")
    endpoints = document.get("endpoints")
    shared = endpoints.get("sharedInbox") if isinstance(endpoints, dict) else None
    if not isinstance(shared, str) or _origin(shared) != _origin(actor_id):
        shared = None
    keys = document.get("publicKey")
    for key in keys if isinstance(keys, list) else [keys]:
        if (isinstance(key, dict) and key.get("owner") == actor_id
                and isinstance(key.get("id"), str) and isinstance(key.get("publicKeyPem"), str)
                and _origin(key["id"]) == _origin(actor_id)):
            break
    else:
        raise NotAnActor("the actor has no publicKey of its own")
    username = _text(document.get("preferredUsername"), 200) or \
        urlsplit(actor_id).path.rstrip("/").rsplit("/", 1)[-1][:200]
    return RemoteActor(
        id=actor_id[:500], type=str(document["type"]), inbox=inbox[:500],
        shared_inbox=shared[:500] if shared else None, key_id=key["id"][:500],
        public_key_pem=key["publicKeyPem"], username=username,
        name=_text(document.get("name"), 200) or username, icon=_link(document.get("icon")),
        url=_link(document.get("url")), fetched_at=now or datetime.now(UTC))


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class RemoteActors:
    def __init__(self, engine: Engine, client: Outbound, max_age: timedelta = CACHE_FOR
                 ) -> None:
        self.engine = engine
        self.client = client
        self.max_age = max_age

    def cached(self, actor_id: str) -> RemoteActor | None:
        """The cached actor, however old (None if never fetched)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(remote_actors).where(
                remote_actors.c.id == actor_id)).first()
        if row is None:
            return None
        values = row._asdict()
        values["fetched_at"] = _aware(values["fetched_at"])
        return RemoteActor(**values)

    def get(self, actor_id: str, refresh: bool = False) -> RemoteActor:
        actor_id = urldefrag(actor_id)[0]
        found = None if refresh else self.cached(actor_id)
        if found is not None and datetime.now(UTC) - found.fetched_at < self.max_age:
            return found
        return self._store(parse_actor(self.client.get_json(actor_id), actor_id))

    def by_key(self, key_id: str, refresh: bool = False) -> RemoteActor | None:
        if not refresh:
            with self.engine.connect() as conn:
                owner = conn.execute(select(remote_actors.c.id).where(
                    remote_actors.c.key_id == key_id)).scalar()
            if owner is not None:
                return self.get(str(owner))
        address = urldefrag(key_id)[0]
        document = self.client.get_json(address)
        owner = document.get("owner")
        if document.get("publicKeyPem") and isinstance(owner, str):
            # A key document of its own (GoToSocial, some others): its owner is the actor.
            if _origin(owner) != _origin(address):
                raise NotAnActor("the key's owner is on another origin")
            actor = self.get(owner, refresh=True)
        else:
            actor = self._store(parse_actor(document, address))
        return actor if actor.key_id == key_id else None

    def key_lookup(self, key_id: str, refresh: bool) -> str | None:
        """For signatures.verify: the key's PEM, or None when there is no such key."""
        try:
            actor = self.by_key(key_id, refresh)
        except RemoteFailed:
            return None
        return actor.public_key_pem if actor is not None else None

    def _store(self, actor: RemoteActor) -> RemoteActor:
        with write_connection(self.engine) as conn, conn.begin():
            conn.execute(delete(remote_actors).where(remote_actors.c.id == actor.id))
            conn.execute(insert(remote_actors).values(**actor.__dict__))
        return actor

