"""What people type: its validation, shared by every aggregate, and how an edit changed it."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Any

from forum.core.errors import InvalidInput

SUBJECT_MAX = 200
BODY_MAX = 50_000
NAME_MAX = 120
REASON_MAX = 500
RESUME_MAX = 10_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(value: str, field: str, *, maximum: int, required: bool = True) -> str:
    """Strip, and reject empty (when required), oversized or control-character text."""
    if not isinstance(value, str):
        raise InvalidInput(f"{field} must be text", field=field)
    value = value.replace("\r\n", "\n").strip()
    if required and not value:
        raise InvalidInput(f"{field} must not be empty", field=field)
    if len(value) > maximum:
        raise InvalidInput(
            f"{field} is {len(value):,} characters; the limit is {maximum:,}", field=field
        )
    if _CONTROL.search(value):
        raise InvalidInput(f"{field} contains control characters", field=field)
    return value


def revision_diffs(revisions: Sequence[Any]) -> list[tuple[Any, list[str]]]:
    """Each revision after the first with the unified diff from the one before."""
    return [(after, list(difflib.unified_diff(
        before.body.splitlines(), after.body.splitlines(),
        f"revision {before.revision}", f"revision {after.revision}", lineterm="")))
        for before, after in zip(revisions, revisions[1:], strict=False)]
