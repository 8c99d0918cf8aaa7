"""Demo data: a small organisation that learns together, built through the real handlers.

:func:`load_demo` first *plans* everything from a seeded ``random.Random``
(people, conferences, threads with reply trees, edits, moderation and read
markers), then sends the commands one by one, each as the person concerned,
through :mod:`forum.handlers`. Nothing here writes a table: the log and its
projections see exactly what the web would have sent, and every rule
(permissions, locks, validation) applies.

The content is deterministic for a given seed; passwords are not (everyone
but the administrator gets a random one, since they are demo people). The
organisation's prose and tables live in ``content/`` (TOML, read by
:mod:`forum.demo.texts`); :mod:`forum.demo.planner` plans, :mod:`forum.demo.loader`
and :mod:`forum.demo.learning` send, :mod:`forum.demo.load` ties them together.
"""

from __future__ import annotations

from forum.demo.load import load_demo
from forum.demo.plan import ADMIN_HANDLE, DemoPlan, DemoResult
from forum.demo.planner import email_for, plan_demo

__all__ = ["ADMIN_HANDLE", "DemoPlan", "DemoResult", "email_for", "load_demo", "plan_demo"]
