"""Federation's own tables: keys, received activities, remote actors and the delivery queue.

Unlike the read models, these are state, not projections: a rebuild keeps them."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from forum.core.db import metadata

# Each fediverse actor's RSA key pair (instance, conference groups, opted-in members).
# Not a read model and not in the log: a private key is a secret, so it is kept
# out of events, exports and rebuilds, and stored encrypted with the secret key
# (federation/delivery/keys.py); no page or API reads this table.
actor_keys = Table(
    "actor_keys",
    metadata,
    Column("actor", String(60), primary_key=True),  # instance, conference:<id>, member:<id>
    Column("public_pem", Text, nullable=False),
    Column("private_pem", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


# Every inbound activity id this server has taken (by digest): a server that
# delivers the same activity twice (retries, shared inboxes) is answered
# "already received" without doing anything. Not a read model: it records what
# arrived, including activities that changed nothing, so rebuilds keep it.
inbound_activities = Table(
    "inbound_activities",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("activity_id", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
)

# Federation's working tables: not read models and not in the log. They hold
# what came from elsewhere (remote actors' documents, a cache) and the state of
# outbound deliveries (a queue and its ledger: which inbox got which activity),
# so rebuilds keep them. federation/delivery/ (remote.py, outbox.py, worker.py) owns them.
remote_actors = Table(
    "remote_actors",
    metadata,
    Column("id", String(500), primary_key=True),  # the actor's id (a URL)
    Column("key_id", String(500), nullable=False, index=True),
    Column("public_key_pem", Text, nullable=False),
    Column("inbox", String(500), nullable=False),
    Column("shared_inbox", String(500), nullable=True),
    Column("type", String(40), nullable=False),
    Column("username", String(200), nullable=False),
    Column("name", String(200), nullable=False),
    Column("icon", String(500), nullable=True),
    Column("url", String(500), nullable=True),
    Column("fetched_at", DateTime(timezone=True), nullable=False),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=True),
    Column("activity_id", String(500), nullable=False),
    Column("inbox", String(500), nullable=False),
    Column("host", String(255), nullable=False),
    Column("object_id", String(500), nullable=False, index=True),
    Column("kind", String(20), nullable=False),  # Create, Announce, Update, Delete, Accept…
    Column("sign_as", String(60), nullable=False),  # the actor key (federation/delivery/keys.py)
    Column("key_id", String(500), nullable=False),
    # Who the object speaks for (its attributedTo): a Delete is signed by it.
    Column("owner_key", String(60), nullable=False),
    Column("owner_key_id", String(500), nullable=False),
    Column("body", Text, nullable=False),
    Column("status", String(20), nullable=False),  # pending delivered dead cancelled superseded
    Column("attempts", Integer, nullable=False, default=0),
    Column("not_before", DateTime(timezone=True), nullable=False),
    Column("last_error", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("delivered_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("activity_id", "inbox", name="uq_deliveries_activity_inbox"),
)
Index("ix_deliveries_due", deliveries.c.status, deliveries.c.not_before)

delivery_hosts = Table(
    "delivery_hosts",
    metadata,
    Column("host", String(255), primary_key=True),
    Column("failures", Integer, nullable=False, default=0),
    Column("open_until", DateTime(timezone=True), nullable=True),  # the circuit breaker
    Column("last_error", Text, nullable=True),
)
