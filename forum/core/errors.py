"""One error hierarchy. Each error has a stable ``code`` and an ``http_status``.

The web layer maps these to responses in one place (:mod:`forum.web.errors`).
"""

from __future__ import annotations

from typing import Any


class CommonroomError(Exception):
    code = "error"
    http_status = 400

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidInput(CommonroomError):
    code = "invalid_input"
    http_status = 400


class NotAuthenticated(CommonroomError):
    code = "not_authenticated"
    http_status = 401


class Forbidden(CommonroomError):
    code = "forbidden"
    http_status = 403


# The words of every "nothing here" answer: a place the reader may not see answers
# exactly as one that does not exist, so its existence does not leak.
NOTHING_HERE = "there is nothing at this address"


class NotFound(CommonroomError):
    code = "not_found"
    http_status = 404

    def __init__(self, message: str = NOTHING_HERE, **details: Any) -> None:
        super().__init__(message, **details)


class Conflict(CommonroomError):
    code = "conflict"
    http_status = 409


class ConcurrencyConflict(Conflict):
    """Someone else wrote to the stream first: reload and try again."""

    code = "concurrency_conflict"

    def __init__(self, stream_id: str, expected: int, actual: int) -> None:
        super().__init__(
            f"{stream_id} changed meanwhile (expected version {expected}, now {actual}); "
            "reload and try again",
            stream_id=stream_id,
            expected_version=expected,
            current_version=actual,
        )


class Gone(CommonroomError):
    code = "gone"
    http_status = 410


class InvalidQuery(InvalidInput):
    """A search query we cannot read; ``details["suggestions"]`` are queries that work."""

    code = "invalid_query"
