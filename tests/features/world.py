"""The world the handler tests stand in: people, a conference of each visibility and
a thread, made through the real handlers; and the checks they share."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Connection

from forum.backend import Backend
from forum.core.errors import (
    CommonroomError,
)
from forum.core.events import Event
from forum.core.permissions import Viewer
from forum.features.conferences import handlers as conferences
from forum.features.conferences.commands import CreateConference, SetConferenceAcl
from forum.features.members import handlers as members
from forum.features.members.commands import (
    RegisterMember,
)
from forum.features.threads import handlers as threads
from forum.features.threads.commands import (
    PostReply,
    StartThread,
)
from tests.conftest import PASSWORD, People


@contextmanager
def conn(backend: Backend) -> Iterator[Connection]:
    with backend.engine.connect() as connection:
        yield connection


def refused(backend: Backend, error: type[CommonroomError], call: Callable[[], Any],
            match: str | None = None) -> CommonroomError:
    """The call fails with ``error`` and the log does not grow."""
    head = backend.store.head()
    with pytest.raises(error, match=match) as info:
        call()
    assert backend.store.head() == head, "a refused command must not write"
    return info.value


def last_event(backend: Backend) -> Event:
    return backend.store.read_all(backend.store.head() - 1)[-1].event


class World:
    """People, a conference of each visibility and a thread, through the real handlers."""

    def __init__(self, backend: Backend, people: People) -> None:
        self.backend, self.svc, self.p = backend, backend.services, people
        mod_id = members.register_member(self.svc, people.admin, RegisterMember(
            "mo", "Mo", "mo@example.org", PASSWORD, "staff"))
        self.mod = Viewer(mod_id, "staff")
        self.public = self.conference("open-day", "public")
        self.internal = self.conference("learning", "internal")
        self.private = self.conference("board", "private")
        for cid in (self.public, self.internal, self.private):
            conferences.set_conference_acl(self.svc, people.admin, SetConferenceAcl(
                cid, ((f"member:{mod_id}", "moderator"),)))
        self.thread, self.first = threads.start_thread(
            self.svc, people.staff, StartThread(self.internal, "Study circle", "Who is in?"))

    def conference(self, slug: str, visibility: str) -> str:
        return conferences.create_conference(self.svc, self.p.admin, CreateConference(
            slug, slug.title(), visibility, resume=f"About *{slug}*"))

    def reply(self, actor: Viewer, body: str = "reply", parent: str | None = None,
              thread_id: str | None = None) -> tuple[str, int]:
        return threads.post_reply(self.svc, actor, PostReply(
            thread_id or self.thread, parent or self.first, body))
