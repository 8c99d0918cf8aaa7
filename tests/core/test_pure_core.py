"""The pure core (each feature's events, commands and model, federation's own features'
too; core's events, commands, permissions, errors and text) imports the standard
library only.

ARCHITECTURE §2 and STYLE habit 3: swapping an outside library must never
touch the rules, so the rules may not import one — not even for typing.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORUM = ROOT / "forum"
FEDERATION = ROOT / "federation"

# The pure modules, and the other forum modules they may lean on (which must
# themselves be pure: errors.py is checked like the rest).
PURE_CORE = ("events", "commands", "permissions", "errors", "text")
PURE_PARTS = ("events", "commands", "model")
CORE_FILES = sorted(
    [FORUM / "core" / f"{name}.py" for name in PURE_CORE]
    + [path for part in PURE_PARTS for path in (FORUM / "features").glob(f"*/{part}.py")]
    + [path for part in PURE_PARTS for feature in ("follows", "inbound")
       for path in (FEDERATION / feature).glob(f"{part}.py")]
)
# The packages on the way to a pure module are allowed too: their __init__ is
# checked at run time by the probe below.
CORE_MODULES = {"forum", "forum.core", "forum.features", "federation"} | {
    ".".join(p.relative_to(ROOT).parent.parts) for p in CORE_FILES
} | {".".join(p.relative_to(ROOT).with_suffix("").parts) for p in CORE_FILES}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(path: Path, source: str | None = None) -> list[tuple[int, str]]:
    """Every module an import statement in ``path`` names, anywhere (TYPE_CHECKING too)."""
    if source is None:
        source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    package = _module_name(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            if base == "__future__":
                continue
            found.append((node.lineno, base))
            # ``from forum.core import markup`` imports the submodule forum.core.markup.
            if base.startswith(("forum", "federation")) and \
                    (ROOT / base.replace(".", "/")).is_dir():
                found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names)
    return found


def _allowed(module: str) -> bool:
    top = module.partition(".")[0]
    if top in ("forum", "federation"):
        return module in CORE_MODULES
    return top in sys.stdlib_module_names


def test_the_core_files_exist() -> None:
    # Guards the check below against silently checking nothing after a rename.
    names = {_module_name(p) for p in CORE_FILES}
    assert {"forum.core.events", "forum.core.commands", "forum.core.permissions",
            "forum.features.threads.model", "forum.features.members.model",
            "forum.features.conferences.model", "forum.features.threads.events",
            "forum.features.rooms.commands", "federation.follows.model",
            "federation.inbound.model", "federation.inbound.events"} <= names


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_module_imports_only_stdlib_and_core(path: Path) -> None:
    bad = [f"line {line}: {module}" for line, module in _imported_modules(path)
           if not _allowed(module)]
    assert not bad, f"{path.relative_to(ROOT)} imports outside the pure core: {bad}"


def test_the_checker_catches_outside_imports() -> None:
    source = (
        "from __future__ import annotations\n"
        "import re, sqlalchemy\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from flask import Flask\n"
        "from forum.core import markup\n"
        "from forum.core.eventstore import Recorded\n"
        "from ..rooms import tables\n"
        "from .events import ThreadStarted\n"
    )
    # Parsed as if it were forum/features/threads/fake.py, so the relative imports resolve.
    fake = FORUM / "features" / "threads" / "fake.py"
    modules = [m for _, m in _imported_modules(fake, source)]
    assert {m for m in modules if not _allowed(m)} == {
        "sqlalchemy", "flask", "forum.core.markup", "forum.core.eventstore",
        "forum.features.rooms.tables",
    }
    assert "forum.features.threads.events" in modules and "re" in modules


_PROBE = """
import json, sys
before = set(sys.modules)
import forum.core.events, forum.core.commands, forum.core.permissions, forum.core.errors
import forum.core.text, forum.features.threads.model, forum.features.members.model
import forum.features.conferences.model, forum.features.rooms.events
import federation.follows.model, federation.inbound.model
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def test_importing_the_core_loads_nothing_outside_it() -> None:
    """The runtime view: also catches a package ``__init__`` that imports Flask."""
    out = subprocess.run([sys.executable, "-c", _PROBE], cwd=ROOT, capture_output=True,
                         text=True, check=True, timeout=60)
    loaded = json.loads(out.stdout)
    bad = [m for m in loaded if not _allowed(m) and not m.startswith("_")]
    assert "forum.features.threads.model" in loaded
    assert not bad, f"importing the core loaded {bad}"
