"""Every feature of the forum, each a folder of its own, and the order they apply in.

Adding a feature means adding its folder and one line in :data:`FEATURES`. The
list drives everything that spans features: the event-type registry (each
feature's ``events``), the read-model tables (``tables``), the inline
projections in this order (``projection``), the pages (``views``) and the JSON
API (``api``). A feature need not have every part; what it has is found by
name. A name is a package under ``forum.features``, or, when it has a dot, a
package's full path: federation's own features (``federation.inbound``,
``federation.follows``) live with the bridge they serve.
"""

from __future__ import annotations

import importlib
from importlib.util import find_spec
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # importing a feature's pure parts must not load the database layer
    from forum.core.projections.registry import Projections

# The order projections apply in: a later feature's projection may read what an
# earlier one wrote in the same transaction (notifications read threads and rooms).
FEATURES: tuple[str, ...] = (
    "members",
    "conferences",
    "threads",
    "federation.inbound",
    "reading",
    "rooms",
    "rotas",
    "kudos",
    "teamdays",
    "skills",
    "circles",
    "articles",
    "notifications",
    "federation.follows",
    "digest",
    "moderation",
    "search",
    "admin",
)


def modules(part: str) -> list[ModuleType]:
    """Each feature's module ``part`` (``events``, ``tables``, ``views``...), in order."""
    found = []
    for name in FEATURES:
        package = name if "." in name else f"{__name__}.{name}"
        dotted = f"{package}.{part}"
        if find_spec(dotted) is not None:
            found.append(importlib.import_module(dotted))
    return found


def blueprints(part: str) -> list[Any]:
    """The blueprints of every feature's ``views`` (pages) or ``api``, in FEATURES order:
    a module's ``BLUEPRINTS``, or its one ``bp`` (pages) or ``blp`` (API)."""
    found: list[Any] = []
    for module in modules(part):
        found.extend(getattr(module, "BLUEPRINTS", None) or
                     [getattr(module, "bp", None) or module.blp])
    return found


def register_events() -> None:
    """Import every feature's events, so the log's stored type names all decode."""
    modules("events")


def register_tables() -> None:
    """Import every feature's tables onto the one ``metadata``."""
    modules("tables")


def all_projections() -> Projections:
    """The inline projections, in the order they are applied."""
    from forum.core.projections.registry import Projection, Projections

    register_events()
    register_tables()
    items: list[Projection] = [module.projection for module in modules("projection")]
    return Projections(items)
