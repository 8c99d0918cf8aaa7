"""The events of replies from the fediverse: frozen dataclasses, named in the past tense.

A released event is never edited. To change one, bump its ``schema_version``
and register an upcaster in :mod:`forum.core.serialization`."""

from __future__ import annotations

from dataclasses import dataclass

from forum.core.events import Event, event

#
# A remote actor (a fediverse account) is known here by ``author_id``
# ``remote-<digest of its URI>``; each reply carries the actor's name, handle,
# avatar and profile link as they were when it arrived, so a rebuild never
# fetches anything. ``html`` is already cleaned (forum.markup.clean_html).


@event
@dataclass(frozen=True)
class RemoteReplyReceived(Event):
    """A reply from the fediverse landed in a public thread; ``held`` replies wait for a
    moderator (the conference's policy is "moderated first post")."""

    thread_id: str
    post_id: str
    seq: int
    parent_post_id: str
    author_id: str
    actor_uri: str
    actor_name: str
    actor_handle: str
    actor_avatar: str
    actor_url: str
    object_id: str
    object_url: str
    html: str
    held: bool


@event
@dataclass(frozen=True)
class RemoteReplyEdited(Event):
    """Its author's server sent an ``Update``: a new revision of a reply from outside."""

    thread_id: str
    post_id: str
    revision: int
    html: str
    author_id: str


@event
@dataclass(frozen=True)
class RemoteReplyDeleted(Event):
    """Its author's server sent a ``Delete``: the reply becomes a tombstone."""

    thread_id: str
    post_id: str
    author_id: str


@event
@dataclass(frozen=True)
class FederationPolicySet(Event):
    """Who from the fediverse may reply into a public conference: ``open``,
    ``moderated`` (a remote actor's first reply waits for a moderator) or ``closed``."""

    conference_id: str
    policy: str
    by: str


@event
@dataclass(frozen=True)
class FederationStyleSet(Event):
    """How a public conference's thread starters look on the fediverse: ``article``
    (title as ``name``) or ``note`` (the subject at the top of the content), for
    microblog readers."""

    conference_id: str
    style: str
    by: str


@event
@dataclass(frozen=True)
class DomainBlocked(Event):
    """An admin blocked a fediverse domain (and its subdomains): nothing from it is
    accepted, and the replies it sent before are hidden."""

    domain: str
    reason: str
    by: str


@event
@dataclass(frozen=True)
class DomainUnblocked(Event):
    domain: str
    by: str
