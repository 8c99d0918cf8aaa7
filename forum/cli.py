"""The ``commonroom`` command: run, worker, remind, rebuild, reindex, demo, create-admin,
export, import, check."""

from __future__ import annotations

import secrets
import sys
from collections.abc import Callable
from typing import IO, ParamSpec, TypeVar

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy.exc import DBAPIError
from werkzeug.serving import run_simple

from forum import create_app
from forum.backend import Backend
from forum.check import run_checks
from forum.core.errors import CommonroomError
from forum.features.members import handlers as members
from forum.features.members.commands import RegisterMember
from forum.features.rotas import handlers as rotas
from forum.transfer import export_log, import_log
from search import SearchBackendError

P = ParamSpec("P")
R = TypeVar("R")


def _backend() -> Backend:
    backend: Backend = current_app.extensions["commonroom"]
    return backend


def _friendly(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn our errors into a one-line message and exit code 1, never a traceback."""

    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except CommonroomError as exc:
            raise click.ClickException(exc.message) from None

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


def _make_app() -> Flask:
    try:
        return create_app()
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0]
        raise click.ClickException(
            f"cannot open the database: {reason} (`commonroom check` says more)") from None
    except SearchBackendError as exc:
        raise click.ClickException(str(exc)) from None


@click.group(cls=FlaskGroup, create_app=_make_app, add_default_commands=False,
             load_dotenv=False)
def main() -> None:
    """Commonroom: conferences, threads and honest unread counts, on an event log."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def run(host: str, port: int) -> None:
    """Serve the forum, with the log's subscribers on a background thread."""
    backend = _backend()
    runner = backend.runner() if backend.config.run_subscribers else None
    if runner is not None:
        runner.start()
    live = current_app.extensions["commonroom_live"]
    live.start()
    click.echo(f"Commonroom is serving on http://{host}:{port}/")
    try:
        # Flask refuses app.run() inside its own CLI, so serve with Werkzeug directly.
        app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
        run_simple(host, port, app, threaded=True)
    finally:
        live.stop()
        if runner is not None:
            runner.stop()


@main.command()
@click.option("--once", is_flag=True, help="Catch up with the log, then stop.")
@with_appcontext
def worker(once: bool) -> None:
    """Run the log's durable subscribers (search, federation) in this process.

    Live push is not among them: every web process follows the log for its own sockets."""
    runner = _backend().runner()
    if once:
        handled = runner.run_once()
        while handled:
            handled = runner.run_once()
        runner.finish()
        click.echo("caught up")
        return
    click.echo(f"following the log with {len(runner.followers)} subscriber(s); Ctrl-C stops")
    try:
        runner.run_forever()
    except KeyboardInterrupt:
        runner.stop()


@main.command()
@with_appcontext
def remind() -> None:
    """Send the talk reminders that are due now (the worker does this every minute).

    Safe to run at any time, as often as you like: each reminder is sent once."""
    sent = rotas.send_due_reminders(_backend().services)
    click.echo(f"{sent} reminder(s) sent")


@main.command()
@click.argument("names", nargs=-1)
@with_appcontext
def rebuild(names: tuple[str, ...]) -> None:
    """Drop read models (all, or the NAMES given) and replay the whole log into them."""
    backend = _backend()
    unknown = [n for n in names if n not in backend.projections.by_name]
    if unknown:
        known = ", ".join(backend.projections.by_name)
        raise click.UsageError(f"no projection called {', '.join(unknown)} (known: {known})")
    total = backend.store.head()
    with click.progressbar(length=total, label="Replaying the log", file=sys.stderr) as bar:
        replayed = backend.projections.rebuild(backend.engine, list(names) or None,
                                               progress=bar.update)
    click.echo(f"rebuilt {', '.join(names) or 'every read model'} from {replayed:,} events")


@main.command()
@with_appcontext
def reindex() -> None:
    """Rebuild the search index from the whole log, with a progress bar.

    Stop ``commonroom worker`` (or run with COMMONROOM_NO_SUBSCRIBERS) meanwhile: the
    index has one writer. Interrupted, the index resumes from its last commit."""
    backend = _backend()
    total = backend.store.head()
    with click.progressbar(length=total, label="Indexing the log", file=sys.stderr) as bar:
        read = backend.search.reindex(backend.store, progress=bar.update)
    click.echo(f"indexed {backend.search.index.doc_count():,} documents from {read:,} events")


@main.command("create-admin")
@click.option("--handle", prompt=True)
@click.option("--name", "display_name", prompt="Name")
@click.option("--email", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
@_friendly
def create_admin(handle: str, display_name: str, email: str, password: str) -> None:
    """Create an administrator account."""
    members.register_member(_backend().services, members.SYSTEM,
                            RegisterMember(handle, display_name, email, password, "admin"))
    click.echo(f"administrator @{handle.strip().lower()} created")


@main.command()
@click.option("--admin-password", default=None,
              help="Password for the demo administrator (generated if not given).")
@click.option("--if-empty", is_flag=True, help="Do nothing if the database has content.")
@with_appcontext
@_friendly
def demo(admin_password: str | None, if_empty: bool) -> None:
    """Load a demo organisation (about 40 people, five conferences, a few hundred posts)."""
    from forum.demo import load_demo

    backend = _backend()
    if if_empty and backend.store.head() > 0:
        click.echo("the database has content already; no demo loaded")
        return
    password = admin_password or secrets.token_urlsafe(9)
    result = load_demo(backend, admin_password=password)
    click.echo(f"demo loaded: {result.members} people, {result.conferences} conferences, "
               f"{result.threads} threads, {result.posts} posts, "
               f"{result.rooms} rooms, {result.messages} chat messages, "
               f"{result.articles} articles on the blog")
    click.echo(f"sign in as '{result.admin_handle}' with password '{password}'")


@main.command()
@click.option("--output", "-o", type=click.File("w"), default="-",
              help="File to write (default: standard output).")
@with_appcontext
def export(output: IO[str]) -> None:
    """Write the whole event log as JSON Lines, oldest first (streaming)."""
    export_log(_backend().store, output)


@main.command(with_appcontext=False)
def check() -> None:
    """Report configuration problems (secret, database, migrations, Redis) in plain words;
    changes nothing. Exits with 1 when something must be fixed."""
    findings = run_checks()
    for finding in findings:
        click.echo(f"{finding.level:>7}: {finding.message}")
    problems = sum(f.level == "problem" for f in findings)
    if problems:
        raise click.ClickException(f"{problems} problem(s) to fix before serving")
    click.echo("nothing to fix")


@main.command("import")
@click.argument("source", type=click.File("r"), default="-")
@with_appcontext
@_friendly
def import_(source: IO[str]) -> None:
    """Load a log written by `commonroom export` into this empty database, then
    rebuild every read model from it (SOURCE: a file, or - for standard input)."""
    backend = _backend()
    loaded = [0]

    def tell(count: int) -> None:
        loaded[0] += count
        click.echo(f"\rImporting events: {loaded[0]:,}", nl=False, err=True)

    total = import_log(backend, source, progress=tell)
    click.echo("", err=True)
    with click.progressbar(length=total, label="Rebuilding the read models",
                           file=sys.stderr) as bar:
        backend.projections.rebuild(backend.engine, progress=bar.update)
    click.echo(f"imported {total:,} events and rebuilt every read model from them")


if __name__ == "__main__":
    main()
