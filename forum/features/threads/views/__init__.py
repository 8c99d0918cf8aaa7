"""Threads in the browser: the reading pages and the forms that write."""

from __future__ import annotations

from forum.features.threads.views import pages, posting

BLUEPRINTS = (pages.bp, posting.bp)
