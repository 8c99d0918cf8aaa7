"""Handlers for kudos on posts and talks, and "today I learned" posts."""

from __future__ import annotations

from forum import commands as cmd
from forum import learning_queries, queries, rota_queries
from forum.handlers import Services, run, threads
from forum.model import kudos
from forum.model.kudos import Recipient
from forum.permissions import ConferenceAccess, Viewer


def stream(target: str, target_id: str) -> str:
    return f"kudos-{target}-{target_id}"


def _place(svc: Services, target: str, target_id: str
           ) -> tuple[ConferenceAccess | None, Recipient | None]:
    """Where the post or talk is (for the one rule) and whose work it is."""
    with svc.engine.connect() as conn:
        if target == "post":
            post = queries.get_post(conn, target_id)
            if post is None or post.deleted_by or post.hidden_by:
                return None, None
            thread = queries.get_thread(conn, post.thread_id)
            access = queries.conference_access(conn, thread.conference_id) if thread else None
            return access, Recipient(post.author_id, post.thread_id, post.id)
        talk = rota_queries.get_talk(conn, target_id)
        if talk is None:
            return None, None
        rota = rota_queries.get_rota(conn, talk.rota_id)
        access = queries.conference_access(conn, rota.conference_id) if rota else None
        return access, Recipient(talk.speaker_id, talk.thread_id, talk.post_id)


def give_kudos(svc: Services, actor: Viewer, command: cmd.GiveKudos) -> None:
    kudos.check_target(command.target)
    access, recipient = _place(svc, command.target, command.target_id)
    run(svc, actor, stream(command.target, command.target_id), kudos.load,
        lambda s: kudos.give(s, command, actor, access, recipient))


def withdraw_kudos(svc: Services, actor: Viewer, command: cmd.WithdrawKudos) -> None:
    kudos.check_target(command.target)
    access, _ = _place(svc, command.target, command.target_id)
    run(svc, actor, stream(command.target, command.target_id), kudos.load,
        lambda s: kudos.withdraw(s, command, actor, access))


def choose_til_conference(svc: Services, actor: Viewer,
                          command: cmd.ChooseTilConference) -> None:
    with svc.engine.connect() as conn:
        access = queries.conference_access(conn, command.conference_id)
        current = learning_queries.get_til_conference(conn)
    run(svc, actor, "learning-settings", lambda h: None,
        lambda _: kudos.choose_til_conference(command, actor, access, current))


def post_til(svc: Services, actor: Viewer, command: cmd.PostTil) -> str:
    """Returns the thread's id: a TIL is a short thread in the TIL conference."""
    with svc.engine.connect() as conn:
        conference_id = learning_queries.get_til_conference(conn)
    thread_id, _ = threads.start_thread(svc, actor, kudos.til_thread(command, conference_id))
    return thread_id
