"""Threads and posts in the JSON API."""

from __future__ import annotations

from forum.features.threads.api import posts, threads

BLUEPRINTS = (threads.blp, posts.blp)
