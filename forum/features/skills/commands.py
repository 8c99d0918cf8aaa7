"""The commands of who knows what and mentoring: one frozen dataclass per thing a person means."""

from __future__ import annotations

from dataclasses import dataclass

from forum.core.commands import Command


@dataclass(frozen=True)
class ListSkills(Command):
    """Replace your own "can teach" and "want to learn" lists."""

    can_teach: tuple[str, ...] = ()
    want_to_learn: tuple[str, ...] = ()


@dataclass(frozen=True)
class OfferMentoring(Command):
    skill: str
    note: str = ""


@dataclass(frozen=True)
class AskForMentoring(Command):
    skill: str
    note: str = ""


@dataclass(frozen=True)
class WithdrawMentoring(Command):
    mentoring_id: str
