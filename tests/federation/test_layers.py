"""Federation's documents and delivery stand without Flask: the outbox and the worker run
with an engine and the site's origin, never inside an app (ARCHITECTURE §2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WEB = ("flask", "flask_login", "flask_wtf", "flask_socketio", "flask_smorest", "werkzeug",
       "jinja2")

_PROBE = """
import json, pkgutil, importlib, sys
import federation.documents, federation.delivery
for package in (federation.documents, federation.delivery):
    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{info.name}")
print(json.dumps(sorted(sys.modules)))
"""


def test_documents_and_delivery_load_no_flask() -> None:
    out = subprocess.run([sys.executable, "-c", _PROBE], cwd=ROOT, capture_output=True,
                         text=True, check=True, timeout=60)
    loaded = json.loads(out.stdout)
    assert "federation.delivery.outbox" in loaded and "federation.documents.local" in loaded
    bad = [m for m in loaded if m.partition(".")[0] in WEB or m.startswith("forum.web")]
    assert not bad, f"federation's documents or delivery loaded {bad}"
