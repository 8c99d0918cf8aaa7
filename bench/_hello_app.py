"""The peer of bench/thread_page.py: a bare Flask hello-world, served by gunicorn.

Not a benchmark itself: the leading ``_`` keeps ``run_all.py`` from running it.
Served as ``gunicorn --chdir bench '_hello_app:app'``.
"""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
