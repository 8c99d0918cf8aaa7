"""Members in the browser: signing in and joining, and each member's own settings."""

from __future__ import annotations

from forum.features.members.views import account, auth

BLUEPRINTS = (auth.bp, account.bp)
