"""Handlers for replies from the fediverse, conference policies and the domain block list."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from federation.inbound import model as inbound
from federation.inbound import queries as inbound_queries
from federation.inbound.commands import (
    BlockDomain,
    DeleteRemoteReply,
    EditRemoteReply,
    ReceiveRemoteReply,
    SetFederationPolicy,
    SetFederationStyle,
    UnblockDomain,
)
from federation.inbound.events import (
    FederationPolicySet,
    FederationStyleSet,
    RemoteReplyReceived,
)
from forum.core.errors import Forbidden, NotFound
from forum.core.events import Event
from forum.core.handlers import Services, run
from forum.core.permissions import Viewer
from forum.features.conferences.queries import conference_access
from forum.features.members.handlers import SYSTEM
from forum.features.threads import model as thread
from forum.features.threads.handlers import stream as thread_stream
from forum.features.threads.model import ThreadState

DOMAINS = "federation-domains"  # the stream of the domain block list


def _domain_of(actor_uri: str) -> str:
    return (urlsplit(actor_uri).hostname or "").lower()


def _inbox_only(actor: Viewer) -> None:
    if actor is not SYSTEM:
        raise Forbidden("replies from the fediverse come through the inbox only")


def receive_remote_reply(svc: Services, actor: Viewer, command: ReceiveRemoteReply
                         ) -> str | None:
    """Returns the new post's id (None when the same object had arrived before)."""
    _inbox_only(actor)
    post_id = svc.new_id()
    author_id = inbound.remote_author_id(command.actor_uri)
    recorded: list[str] = []

    def decide(state: ThreadState) -> Sequence[Event]:
        if not state.exists:
            raise NotFound("no such public thread here")
        with svc.engine.connect() as conn:
            blocked = inbound_queries.list_blocked_domains(conn)
            if inbound.domain_is_blocked(_domain_of(command.actor_uri), blocked):
                raise Forbidden("this server does not take posts from your domain")
            access = conference_access(conn, state.conference_id)
            policy = inbound_queries.get_policy(conn, state.conference_id)
            known = inbound_queries.author_has_shown_posts(conn, author_id,
                                                           state.conference_id)
        if access is None:
            raise NotFound("no such public thread here")
        new_events = inbound.receive_reply(state, command, access, policy, known, post_id)
        recorded.extend(e.post_id for e in new_events
                        if isinstance(e, RemoteReplyReceived))
        return new_events

    run(svc, actor, thread_stream(command.thread_id),
        lambda h: thread.load(command.thread_id, h), decide)
    return recorded[0] if recorded else None


def edit_remote_reply(svc: Services, actor: Viewer, command: EditRemoteReply) -> None:
    _inbox_only(actor)
    run(svc, actor, thread_stream(command.thread_id),
        lambda h: thread.load(command.thread_id, h),
        lambda s: inbound.edit_reply(s, command))


def delete_remote_reply(svc: Services, actor: Viewer, command: DeleteRemoteReply) -> None:
    _inbox_only(actor)
    run(svc, actor, thread_stream(command.thread_id),
        lambda h: thread.load(command.thread_id, h),
        lambda s: inbound.delete_reply(s, command))


def set_federation_policy(svc: Services, actor: Viewer, command: SetFederationPolicy
                          ) -> None:
    """A policy has a stream of its own, so the conference's version (its edit form's
    conflict check) does not move when it changes."""
    with svc.engine.connect() as conn:
        access = conference_access(conn, command.conference_id)
    if access is None:
        raise NotFound("no such conference")

    def current(history: list[Event]) -> str:
        found = [e.policy for e in history if isinstance(e, FederationPolicySet)]
        return found[-1] if found else inbound.DEFAULT_POLICY

    run(svc, actor, f"federation-policy-{command.conference_id}", current,
        lambda policy: inbound.set_policy(command, actor, access, policy))


def set_federation_style(svc: Services, actor: Viewer, command: SetFederationStyle
                         ) -> None:
    """Article or Note for a conference's thread starters; a stream of its own, as the
    policy has."""
    with svc.engine.connect() as conn:
        access = conference_access(conn, command.conference_id)
    if access is None:
        raise NotFound("no such conference")

    def current(history: list[Event]) -> str:
        found = [e.style for e in history if isinstance(e, FederationStyleSet)]
        return found[-1] if found else inbound.DEFAULT_STYLE

    run(svc, actor, f"federation-style-{command.conference_id}", current,
        lambda style: inbound.set_style(command, actor, access, style))


def block_domain(svc: Services, actor: Viewer, command: BlockDomain) -> None:
    run(svc, actor, DOMAINS, inbound.blocked_domains,
        lambda blocked: inbound.block_domain(blocked, command, actor))


def unblock_domain(svc: Services, actor: Viewer, command: UnblockDomain) -> None:
    run(svc, actor, DOMAINS, inbound.blocked_domains,
        lambda blocked: inbound.unblock_domain(blocked, command, actor))

