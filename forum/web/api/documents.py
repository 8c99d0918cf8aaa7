"""The one JSON document every feature's API shares: a person. Each feature builds its
own documents in its ``documents`` module."""

from __future__ import annotations

from typing import Any


def person(member_id: str, handle: str, display_name: str) -> dict[str, Any]:
    return {"id": member_id, "handle": handle, "display_name": display_name}
