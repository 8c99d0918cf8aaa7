"""The rows queries return: dynamically typed, with the columns each query names."""

from __future__ import annotations

from typing import Any

PAGE_SIZE = 50
# Rows come back with the columns each query names; they are dynamically typed.
DbRow = Any
