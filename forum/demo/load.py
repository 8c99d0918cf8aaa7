"""Fill an empty database with the demo organisation: plan it, then send it all."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select

from forum.backend import Backend
from forum.core.errors import Conflict
from forum.demo.learning import (
    APPROVED_WRITEUPS,
    CIRCLE_SESSIONS,
    publish,
    recognise,
    study_circles,
    talk_rota,
    who_knows_what,
)
from forum.demo.loader import Loader, chat_in_rooms
from forum.demo.plan import ADMIN_HANDLE, DemoResult
from forum.demo.planner import plan_demo
from forum.demo.texts import TILS
from forum.features.members.tables import members as members_table


def _has_members(backend: Backend) -> bool:
    with backend.engine.connect() as conn:
        return bool(conn.execute(select(func.count()).select_from(members_table)).scalar())


def load_demo(backend: Backend, *, admin_password: str, seed: int = 7,
              progress: Callable[[int], None] | None = None) -> DemoResult:
    """Fill an empty database with the demo organisation, through the real handlers.

    ``admin_password`` is the password of the member ``admin``; everyone else
    gets a random one. ``progress`` is called with a percentage (0–100) as the
    commands go out. Raises :class:`~forum.errors.Conflict` if the database
    already has members, and :class:`~forum.errors.InvalidInput` (before
    anything is written) if the password is too short.
    """
    if _has_members(backend):
        raise Conflict("the database already has content; demo data goes into an empty one")
    plan = plan_demo(seed)
    loader = Loader(backend.services, plan, progress)
    loader.register(admin_password)
    loader.create_conferences()
    thread_ids = loader.post_threads()
    loader.read(thread_ids)
    room_count, messages = chat_in_rooms(loader)
    talks = talk_rota(loader)
    recognise(loader)
    who_knows_what(loader)
    published = publish(loader, thread_ids) + APPROVED_WRITEUPS
    circle_count = study_circles(loader)
    # Each talk has its discussion thread, and each TIL is a thread, started with one post.
    # Each circle has a conference; each session's notes are a thread with one post.
    return DemoResult(ADMIN_HANDLE, len(plan.people), len(plan.conferences) + circle_count,
                      len(plan.threads) + talks + len(TILS) + CIRCLE_SESSIONS,
                      plan.post_count + talks + len(TILS) + CIRCLE_SESSIONS, room_count,
                      messages, talks, published, circle_count)
