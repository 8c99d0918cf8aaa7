"""Handlers for kudos on posts and talks, and "today I learned" posts."""

from __future__ import annotations

from forum.core.handlers import Services, run
from forum.core.permissions import ConferenceAccess, Viewer
from forum.features.conferences.queries import conference_access
from forum.features.kudos import model as kudos
from forum.features.kudos import queries as learning_queries
from forum.features.kudos.commands import ChooseTilConference, GiveKudos, PostTil, WithdrawKudos
from forum.features.kudos.model import Recipient
from forum.features.rotas import queries as rota_queries
from forum.features.threads import handlers as threads
from forum.features.threads.queries import get_post, get_thread


def stream(target: str, target_id: str) -> str:
    return f"kudos-{target}-{target_id}"


def _place(svc: Services, target: str, target_id: str
           ) -> tuple[ConferenceAccess | None, Recipient | None]:
    """Where the post or talk is (for the one rule) and whose work it is."""
    with svc.engine.connect() as conn:
        if target == "post":
            post = get_post(conn, target_id)
            if post is None or post.deleted_by or post.hidden_by:
                return None, None
            thread = get_thread(conn, post.thread_id)
            access = conference_access(conn, thread.conference_id) if thread else None
            return access, Recipient(post.author_id, post.thread_id, post.id)
        talk = rota_queries.get_talk(conn, target_id)
        if talk is None:
            return None, None
        rota = rota_queries.get_rota(conn, talk.rota_id)
        access = conference_access(conn, rota.conference_id) if rota else None
        return access, Recipient(talk.speaker_id, talk.thread_id, talk.post_id)


def give_kudos(svc: Services, actor: Viewer, command: GiveKudos) -> None:
    kudos.check_target(command.target)
    access, recipient = _place(svc, command.target, command.target_id)
    run(svc, actor, stream(command.target, command.target_id), kudos.load,
        lambda s: kudos.give(s, command, actor, access, recipient))


def withdraw_kudos(svc: Services, actor: Viewer, command: WithdrawKudos) -> None:
    kudos.check_target(command.target)
    access, _ = _place(svc, command.target, command.target_id)
    run(svc, actor, stream(command.target, command.target_id), kudos.load,
        lambda s: kudos.withdraw(s, command, actor, access))


def choose_til_conference(svc: Services, actor: Viewer,
                          command: ChooseTilConference) -> None:
    with svc.engine.connect() as conn:
        access = conference_access(conn, command.conference_id)
        current = learning_queries.get_til_conference(conn)
    run(svc, actor, "learning-settings", lambda h: None,
        lambda _: kudos.choose_til_conference(command, actor, access, current))


def post_til(svc: Services, actor: Viewer, command: PostTil) -> str:
    """Returns the thread's id: a TIL is a short thread in the TIL conference."""
    with svc.engine.connect() as conn:
        conference_id = learning_queries.get_til_conference(conn)
    thread_id, _ = threads.start_thread(svc, actor, kudos.til_thread(command, conference_id))
    return thread_id
