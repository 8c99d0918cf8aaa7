"""The commands of kudos and "today I learned": one frozen dataclass per thing a person means."""

from __future__ import annotations

from dataclasses import dataclass

from forum.core.commands import Command


@dataclass(frozen=True)
class GiveKudos(Command):
    """``target`` is ``post`` or ``talk``."""

    target: str
    target_id: str
    note: str = ""


@dataclass(frozen=True)
class WithdrawKudos(Command):
    target: str
    target_id: str


@dataclass(frozen=True)
class ChooseTilConference(Command):
    conference_id: str


@dataclass(frozen=True)
class PostTil(Command):
    """A short "today I learned" post; it starts a thread in the TIL conference."""

    body: str
