"""The rows queries return (dynamically typed, with the columns each query names) and
how many a page of them holds."""

from __future__ import annotations

from typing import Any

PAGE_SIZE = 50
# Rows come back with the columns each query names; they are dynamically typed.
DbRow = Any
