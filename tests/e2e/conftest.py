"""End-to-end fixtures: the app served over real HTTP, driven by Debian's headless Chromium.

Every test gets a fresh SQLite database behind a werkzeug server thread on
127.0.0.1 (CSRF on: the browser posts the real forms) with the log's
subscribers running beside it (live push over Socket.IO), a new browser context,
and the cast from the web tests (People, World) seeded through the handlers.
A failing test leaves a screenshot and the page's HTML in tests/e2e/artifacts/.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    ViewportSize,
    expect,
    sync_playwright,
)
from werkzeug.serving import BaseWSGIServer, make_server

from forum import create_app
from forum.backend import Backend
from tests.conftest import PASSWORD, People, env_flag, make_config, sqlite_backend
from tests.web.conftest import World

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ARTIFACTS = HERE / "artifacts"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()

expect.set_options(timeout=10_000)


# --- marking and reporting ---------------------------------------------------


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]
                              ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the item, so fixtures can tell a failed test at teardown."""
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    return report


def _failed(item: pytest.Item) -> bool:
    reports = item.stash.get(REPORTS, {})
    return any(r.failed for r in reports.values())


def _missing(what: str) -> None:
    if env_flag("COMMONROOM_REQUIRE_BROWSER"):
        pytest.fail(f"{what} (COMMONROOM_REQUIRE_BROWSER=1)")
    pytest.skip(what)


# --- the live server ----------------------------------------------------------


@dataclass
class LiveServer:
    url: str
    app: Flask
    backend: Backend


@pytest.fixture
def live_server(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[LiveServer]:
    """The real app on a fresh SQLite database, served on 127.0.0.1 by a werkzeug thread."""
    sqlite_backend(tmp_path, tmp_path_factory).dispose()  # the migrated template, copied
    app = create_app(make_config(tmp_path, login_rate_limit="1000 per minute"))
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    # The log's live follower on a background thread, as `commonroom run` does.
    live = app.extensions["commonroom_live"]
    live.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app,
                         app.extensions["commonroom"])
    finally:
        live.stop()
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app.extensions["commonroom"].dispose()


@pytest.fixture
def backend(live_server: LiveServer) -> Backend:
    """The live server's backend (the root conftest's parametrised one does not apply here)."""
    return live_server.backend


@pytest.fixture
def people(backend: Backend) -> People:
    return People(backend)


@pytest.fixture
def world(backend: Backend, people: People) -> World:
    return World(backend, people)


# --- the browser ------------------------------------------------------------------


def chromium_path() -> str | None:
    found = Path("/usr/bin/chromium")
    return str(found) if found.exists() else shutil.which("chromium")


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if chromium_path() is None:
        _missing("Chromium not found (apt-get install -y chromium)")
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


def _artifact_name(item: pytest.Item) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid.split("::", 1)[-1])[:120]


@pytest.fixture
def new_page(request: pytest.FixtureRequest, browser: Browser, live_server: LiveServer
             ) -> Iterator[Callable[[], Page]]:
    """Open a page in a new browser context (a separate person: own cookies, own session).

    JavaScript errors on any page fail the test. On failure every page opened
    is saved to tests/e2e/artifacts/ as a screenshot and its HTML.
    """
    contexts: list[BrowserContext] = []
    pages: list[Page] = []
    errors: list[str] = []

    def open_page() -> Page:
        context = browser.new_context(base_url=live_server.url, viewport=VIEWPORT)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
        pages.append(page)
        return page

    yield open_page
    if errors or _failed(request.node):
        ARTIFACTS.mkdir(exist_ok=True)
        name = _artifact_name(request.node)
        for number, page in enumerate(pages, start=1):
            if page.is_closed():
                continue
            try:
                page.screenshot(path=str(ARTIFACTS / f"{name}-{number}.png"), full_page=True)
                (ARTIFACTS / f"{name}-{number}.html").write_text(page.content())
            except Exception as exc:  # a screenshot must not hide the real failure
                print(f"could not save {name}-{number}: {exc}")
    for context in contexts:
        context.close()
    assert not errors, "JavaScript errors in the page:\n" + "\n".join(errors)


@pytest.fixture
def page(new_page: Callable[[], Page]) -> Page:
    return new_page()


# --- helpers ------------------------------------------------------------------------


def login(page: Page, handle: str, password: str = PASSWORD) -> None:
    """Sign in through the real form and wait until the page says so."""
    page.goto("/login")
    page.get_by_label("Handle or e-mail").fill(handle)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def flash(page: Page) -> str:
    return page.get_by_role("status").inner_text().strip()


SEVERE = ("serious", "critical")


def format_violations(where: str, violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{where}: [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            target = " ".join(json.dumps(t) if not isinstance(t, str) else t
                              for t in node["target"])
            lines.append(f"    at {target}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").strip().replace("\n", "\n      ")
            if summary:
                lines.append(f"      {summary}")
        if len(v["nodes"]) > 5:
            lines.append(f"    … and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


class Axe:
    """axe-core injected into the page; returns the serious and critical violations."""

    def __init__(self, source: str) -> None:
        self.source = source

    def violations(self, page: Page) -> list[dict[str, Any]]:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(content=self.source)
        result: dict[str, Any] = page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})")
        return [v for v in result["violations"] if v["impact"] in SEVERE]

    def check(self, page: Page) -> None:
        found = self.violations(page)
        assert not found, "axe-core found serious or critical violations:\n" + \
            format_violations(page.url, found)


@pytest.fixture(scope="session")
def axe() -> Axe:
    if not AXE_JS.exists():
        _missing(f"{AXE_JS.relative_to(ROOT)} is missing (run `npm install`)")
    return Axe(AXE_JS.read_text())
