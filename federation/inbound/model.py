"""Replies from the fediverse, conference policies and the domain block list: the rules.

Pure. The inbox (federation/inbound/receive.py) has already checked the signature, the
same origin of actor, key and object, and cleaned the HTML; here we decide
whether a reply may land at all. It may only ever land in a public conference
(the one visibility rule: a remote actor is an anonymous reader who may write
where the conference's policy lets them).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

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
    DomainBlocked,
    DomainUnblocked,
    FederationPolicySet,
    FederationStyleSet,
    RemoteReplyDeleted,
    RemoteReplyEdited,
    RemoteReplyReceived,
)
from forum.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from forum.core.events import Event
from forum.core.permissions import ConferenceAccess, Viewer, can_administer, can_moderate
from forum.core.text import BODY_MAX, REASON_MAX, clean_text
from forum.features.threads.model import ThreadState

POLICIES = ("open", "moderated", "closed")
DEFAULT_POLICY = "moderated"
STYLES = ("article", "note")  # what a thread's first post is on the fediverse
DEFAULT_STYLE = "article"
HELD_BY = "moderation-queue"
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*"
                     r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def remote_author_id(actor_uri: str) -> str:
    """The id a remote actor's posts carry here (fits the 40 characters of an author id)."""
    return "remote-" + hashlib.sha256(actor_uri.encode()).hexdigest()[:32]


def is_remote(author_id: str) -> bool:
    return author_id.startswith("remote-")


def clean_domain(value: str) -> str:
    domain = value.strip().lower().rstrip(".")
    if domain.startswith("*."):
        domain = domain[2:]
    if not _DOMAIN.match(domain):
        raise InvalidInput(f"{value!r} is not a domain name", field="domain")
    return domain


def domain_is_blocked(host: str, blocked: Iterable[str]) -> bool:
    """Whether ``host`` is a blocked domain or a subdomain of one."""
    host = host.lower().split(":")[0].rstrip(".")
    return any(host == d or host.endswith("." + d) for d in blocked)


def receive_reply(
    state: ThreadState, command: ReceiveRemoteReply, conference: ConferenceAccess,
    policy: str, author_known: bool, post_id: str,
) -> list[Event]:
    """A reply from outside: lands, waits for a moderator, or is refused with the reason.

    The same object twice changes nothing (servers retry deliveries)."""
    if not state.exists or conference.visibility != "public":
        raise NotFound("no such public thread here")
    if command.object_id in state.objects:
        return []
    if policy == "closed":
        raise Forbidden("this conference does not take replies from the fediverse")
    if state.locked:
        raise Forbidden("this thread is locked")
    parent = state.posts.get(command.parent_post_id)
    if parent is None:
        raise NotFound("the post it replies to is not in this thread")
    if parent.deleted:
        raise Conflict("the post it replies to was removed")
    html = clean_text(command.html, "content", maximum=BODY_MAX)
    held = policy == "moderated" and not author_known
    return [RemoteReplyReceived(
        state.thread_id, post_id, state.last_seq + 1, command.parent_post_id,
        remote_author_id(command.actor_uri), command.actor_uri, command.actor_name[:120],
        command.actor_handle[:200], command.actor_avatar, command.actor_url,
        command.object_id, command.object_url, html, held)]


def _own(state: ThreadState, object_id: str, actor_uri: str) -> str:
    post_id = state.objects.get(object_id)
    if post_id is None:
        raise NotFound("no such reply here")
    if state.posts[post_id].author_id != remote_author_id(actor_uri):
        raise Forbidden("only the reply's own author may change it")
    return post_id


def edit_reply(state: ThreadState, command: EditRemoteReply) -> list[Event]:
    post_id = _own(state, command.object_id, command.actor_uri)
    post = state.posts[post_id]
    if post.deleted:
        raise Conflict("that reply was removed")
    html = clean_text(command.html, "content", maximum=BODY_MAX)
    return [RemoteReplyEdited(state.thread_id, post_id, post.revision + 1, html,
                                 post.author_id)]


def delete_reply(state: ThreadState, command: DeleteRemoteReply) -> list[Event]:
    post_id = _own(state, command.object_id, command.actor_uri)
    if state.posts[post_id].deleted:
        return []
    return [RemoteReplyDeleted(state.thread_id, post_id, state.posts[post_id].author_id)]


def _moderated_setting(actor: Viewer, conference: ConferenceAccess, what: str, value: str,
                       allowed: Iterable[str], not_public: str) -> str:
    """Checks shared by a public conference's fediverse settings; returns who sets it."""
    if not can_moderate(actor, conference) or actor.member_id is None:
        raise Forbidden(f"only moderators of this conference may set its fediverse {what}")
    if value not in allowed:
        raise InvalidInput(f"the {what} is one of {', '.join(allowed)}", field=what)
    if conference.visibility != "public":
        raise Conflict(not_public)
    return actor.member_id


def set_policy(command: SetFederationPolicy, actor: Viewer, conference: ConferenceAccess,
               current: str) -> list[Event]:
    by = _moderated_setting(actor, conference, "policy", command.policy, POLICIES,
                            "only public conferences take replies from the fediverse")
    if command.policy == current:
        return []
    return [FederationPolicySet(conference.conference_id, command.policy, by)]


def set_style(command: SetFederationStyle, actor: Viewer, conference: ConferenceAccess,
              current: str) -> list[Event]:
    by = _moderated_setting(actor, conference, "style", command.style, STYLES,
                            "only public conferences are seen on the fediverse")
    if command.style == current:
        return []
    return [FederationStyleSet(conference.conference_id, command.style, by)]


def blocked_domains(history: Iterable[Event]) -> set[str]:
    found: set[str] = set()
    for event in history:
        if isinstance(event, DomainBlocked):
            found.add(event.domain)
        elif isinstance(event, DomainUnblocked):
            found.discard(event.domain)
    return found


def _admin(actor: Viewer) -> str:
    if not can_administer(actor) or actor.member_id is None:
        raise Forbidden("only administrators may edit the domain block list")
    return actor.member_id


def block_domain(blocked: set[str], command: BlockDomain, actor: Viewer
                 ) -> list[Event]:
    by = _admin(actor)
    domain = clean_domain(command.domain)
    reason = clean_text(command.reason, "reason", maximum=REASON_MAX, required=False)
    return [] if domain in blocked else [DomainBlocked(domain, reason, by)]


def unblock_domain(blocked: set[str], command: UnblockDomain, actor: Viewer
                   ) -> list[Event]:
    by = _admin(actor)
    domain = clean_domain(command.domain)
    if domain not in blocked:
        raise NotFound(f"{domain} is not blocked")
    return [DomainUnblocked(domain, by)]
