"""The core (events, commands, permissions, model/) imports the standard library only.

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

# The pure modules, and the other forum modules they may lean on (which must
# themselves be pure: errors.py is checked like the rest).
CORE_FILES = sorted(
    [FORUM / "events.py", FORUM / "commands.py", FORUM / "permissions.py", FORUM / "errors.py"]
    + list((FORUM / "model").glob("*.py"))
)
CORE_MODULES = {"forum", "forum.events", "forum.commands", "forum.permissions", "forum.errors",
                "forum.model"} | {f"forum.model.{p.stem}" for p in (FORUM / "model").glob("*.py")}


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
            # ``from forum import events`` imports the submodule forum.events.
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names
                         if f"{base}.{alias.name}" in CORE_MODULES or base == "forum")
    return found


def _allowed(module: str) -> bool:
    top = module.partition(".")[0]
    if top == "forum":
        return module in CORE_MODULES
    return top in sys.stdlib_module_names


def test_the_core_files_exist() -> None:
    # Guards the check below against silently checking nothing after a rename.
    names = {_module_name(p) for p in CORE_FILES}
    assert {"forum.events", "forum.commands", "forum.permissions",
            "forum.model.thread", "forum.model.member", "forum.model.conference"} <= names


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
        "from forum import markup\n"
        "from forum.eventstore import Recorded\n"
        "from ..projections import tables\n"
        "from .text import clean_text\n"
    )
    # Parsed as if it were forum/model/fake.py, so the relative imports resolve.
    modules = [m for _, m in _imported_modules(FORUM / "model" / "fake.py", source)]
    assert {m for m in modules if not _allowed(m)} == {
        "sqlalchemy", "flask", "forum.markup", "forum.eventstore", "forum.projections",
    }
    assert "forum.model.text" in modules and "re" in modules


_PROBE = """
import json, sys
before = set(sys.modules)
import forum.events, forum.commands, forum.permissions, forum.errors
import forum.model.thread, forum.model.member, forum.model.conference, forum.model.text
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def test_importing_the_core_loads_nothing_outside_it() -> None:
    """The runtime view: also catches a package ``__init__`` that imports Flask."""
    out = subprocess.run([sys.executable, "-c", _PROBE], cwd=ROOT, capture_output=True,
                         text=True, check=True, timeout=60)
    loaded = json.loads(out.stdout)
    bad = [m for m in loaded if not _allowed(m) and not m.startswith("_")]
    assert "forum.model.thread" in loaded
    assert not bad, f"importing the core loaded {bad}"
