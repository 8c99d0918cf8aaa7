"""Talk rotas in the browser: the rota, each talk's write-up, and calendar feeds."""

from __future__ import annotations

from forum.features.rotas.views import calendars, rotas, writeups

BLUEPRINTS = (rotas.bp, writeups.bp, calendars.bp)
