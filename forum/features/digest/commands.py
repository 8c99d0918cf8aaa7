"""The commands of the monthly digest: one frozen dataclass per thing a person means."""

from __future__ import annotations

from dataclasses import dataclass

from forum.core.commands import Command


@dataclass(frozen=True)
class PublishDigest(Command):
    """An administrator publishes a month's "what we learned" (``YYYY-MM``), its public
    material only, as a thread in a public conference and an article on the blog."""

    month: str
    conference_id: str
