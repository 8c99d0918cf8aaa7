"""The base of every command: one frozen dataclass per thing a person means to do."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    pass
