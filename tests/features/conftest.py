"""The handler tests' world, for every feature's test_handlers module.

Page and API modules (test_pages*, test_api*) see tests/web/conftest.py's own
``world`` instead: the root conftest hands them the web fixtures at module level.
"""

from __future__ import annotations

import pytest

from forum.backend import Backend
from tests.conftest import People
from tests.features.world import World


@pytest.fixture
def world(backend: Backend, people: People) -> World:
    return World(backend, people)
