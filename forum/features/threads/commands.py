"""The commands of threads and posts: one frozen dataclass per thing a person means."""

from __future__ import annotations

from dataclasses import dataclass

from forum.core.commands import Command


@dataclass(frozen=True)
class StartThread(Command):
    conference_id: str
    subject: str
    body: str


@dataclass(frozen=True)
class PostReply(Command):
    thread_id: str
    parent_post_id: str
    body: str


@dataclass(frozen=True)
class EditPost(Command):
    thread_id: str
    post_id: str
    body: str
    expected_revision: int | None = None


@dataclass(frozen=True)
class DeletePost(Command):
    thread_id: str
    post_id: str


@dataclass(frozen=True)
class HidePost(Command):
    thread_id: str
    post_id: str
    reason: str


@dataclass(frozen=True)
class UnhidePost(Command):
    thread_id: str
    post_id: str


@dataclass(frozen=True)
class LockThread(Command):
    thread_id: str
    reason: str = ""


@dataclass(frozen=True)
class UnlockThread(Command):
    thread_id: str


@dataclass(frozen=True)
class PinThread(Command):
    thread_id: str


@dataclass(frozen=True)
class UnpinThread(Command):
    thread_id: str


@dataclass(frozen=True)
class MoveThread(Command):
    thread_id: str
    to_conference_id: str
