"""Commonroom: a FirstClass-style, event-sourced conferencing forum."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

    from forum.core.config import Config


def create_app(config: Config | None = None) -> Flask:
    """Build the Flask application; nothing happens at import time."""
    from forum.web.app import build_app

    return build_app(config)
