"""Thread page throughput under gunicorn, against a bare Flask hello-world.

Method (TESTING.md, Benchmarks): both apps are served the same way — gunicorn,
2 sync workers, bound to 127.0.0.1 — and driven by ``wrk -t1 -c16`` (10 s per
run; ``--quick``: 3 s) with anonymous GETs. Each round measures the peer
(``bench/_hello_app.py``, "Hello, World!") and each of our pages, alternating
the order from round to round; a page's ratio is ours / hello *in the same
round*, and the line reports the median over rounds (3) of each figure.

Data, seeded through the real handlers into a fresh SQLite database (the
projections render each post's Markdown once, as in production): an admin,
a few members, one public conference, a thread of 20 posts (~600-character
Markdown bodies, some replies to replies) and a thread of 1,000 posts (the
first through the handler, the rest appended as ``ReplyPosted`` events through
``EventStore.append`` in chunks, so the projections run). The 1,000-post
thread is paged 50 a page: its first and its last page are measured.

Every run must answer 200 only: the page is checked once before, and wrk's
non-2xx/3xx count must be zero, or the script fails.

    .venv/bin/python bench/thread_page.py [--quick] [--rounds N] [-v]

Prints (headline last: ``run_all.py`` records a script's last summary line)::

    thread_page_1000_first: ours ... req/s (p95 ... ms), flask-hello ..., ratio ...
    thread_page_1000_last: ...
    thread_page_20: ours ... req/s (p95 ... ms), flask-hello ... req/s (p95 ... ms), ratio ...

Target: thread_page_20 ratio >= 0.40.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import _common as c

from forum.backend import Backend, open_backend
from forum.core.config import Config
from forum.core.events import Event
from forum.core.permissions import Viewer
from forum.features.conferences import handlers as conferences
from forum.features.conferences.commands import CreateConference
from forum.features.members import handlers as members
from forum.features.members.commands import RegisterMember
from forum.features.threads import handlers as threads
from forum.features.threads.commands import PostReply, StartThread
from forum.features.threads.events import ReplyPosted

VENV_BIN = Path(sys.executable).parent
GUNICORN = shutil.which("gunicorn", path=str(VENV_BIN)) or shutil.which("gunicorn")
WRK = shutil.which("wrk") or "/usr/bin/wrk"
WORKERS = 2
CONNECTIONS = 16
PAGE_SIZE = 50  # forum.queries.PAGE_SIZE; the URLs below are built from it
PEER = "flask-hello"

# Printed by wrk after the run: one JSON line, latencies in microseconds.
WRK_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, '
    .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


# --- seeding -------------------------------------------------------------------


@dataclass
class Seeded:
    thread_20: str
    thread_1000: str


def _register(backend: Backend, actor: Viewer, handle: str, name: str, role: str) -> Viewer:
    member_id = members.register_member(
        backend.services, actor,
        RegisterMember(handle, name, f"{handle}@example.org", "correct horse battery", role),
    )
    return Viewer(member_id, role)


def _replies(rng: random.Random, backend: Backend, people: list[Viewer], thread_id: str,
             first_post: str, n: int) -> None:
    """``n`` replies through the handler: half to the latest post, the rest to an earlier one."""
    post_ids = [first_post]
    for _ in range(n):
        parent = post_ids[-1] if rng.random() < 0.5 else rng.choice(post_ids)
        post_id, _seq = threads.post_reply(
            backend.services, rng.choice(people),
            PostReply(thread_id, parent, c.body(rng, 600)))
        post_ids.append(post_id)


def seed(data_dir: Path, rng: random.Random) -> Seeded:
    config = Config(
        data_dir=data_dir,
        database_url=f"sqlite:///{data_dir / 'commonroom.db'}",
        secret_key="bench-secret",
        run_subscribers=False,
        password_time_cost=1, password_memory_cost=1024,  # seeding only; nobody signs in
    )
    backend = open_backend(config)
    try:
        admin = _register(backend, members.SYSTEM, "ada", "Ada Lovelace", "admin")
        people = [admin] + [
            _register(backend, admin, handle, name, "staff")
            for handle, name in [("grace", "Grace Hopper"), ("alan", "Alan Turing"),
                                 ("edsger", "Edsger Dijkstra"), ("barbara", "Barbara Liskov"),
                                 ("donald", "Donald Knuth")]
        ]
        conf = conferences.create_conference(
            backend.services, admin,
            CreateConference("lounge", "The Lounge", "public",
                                 "Anything goes: a public conference."))

        # 20 posts: the opening post and 19 replies, all through the handlers.
        t20, p20 = threads.start_thread(
            backend.services, people[1],
            StartThread(conf, "How do you structure a projection rebuild?",
                            c.body(rng, 600)))
        _replies(rng, backend, people, t20, p20, 19)

        # 1,000 posts: the opening post and a few replies through the handlers,
        # the rest as ReplyPosted events appended in chunks (projections run).
        t1000, p1000 = threads.start_thread(
            backend.services, people[2],
            StartThread(conf, "The long-running thread about everything",
                            c.body(rng, 600)))
        _replies(rng, backend, people, t1000, p1000, 9)
        stream = threads.stream(t1000)
        version = backend.store.stream_version(stream)
        seq = 10  # the opening post and 9 replies so far
        post_ids = [p1000]
        bodies = [c.body(rng, 600) for _ in range(200)]
        while seq < 1000:
            chunk: list[Event] = []
            for _ in range(min(100, 1000 - seq)):
                seq += 1
                post_id = c.new_id(rng)
                parent = post_ids[-1] if rng.random() < 0.5 else rng.choice(post_ids)
                author = rng.choice(people)
                chunk.append(ReplyPosted(t1000, post_id, seq, parent, author.member_id or "",
                                            rng.choice(bodies)))
                post_ids.append(post_id)
            backend.store.append(stream, chunk, expected_version=version,
                                 meta={"actor": people[0].member_id})
            version += len(chunk)
        return Seeded(t20, t1000)
    finally:
        backend.dispose()


# --- serving -------------------------------------------------------------------


def gunicorn(app: str) -> list[str]:
    """The command serving ``app`` the way both sides are served: gunicorn, sync workers."""
    return [GUNICORN or "gunicorn", "--workers", str(WORKERS), "--worker-class", "sync",
            "--bind", "127.0.0.1:{port}", "--log-level", "warning", app]


def check_page(url: str) -> int:
    """GET once without following redirects; the page must be a 200 with a body."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=10) as resp:
            body = resp.read()
            status = resp.status
    except urllib.error.HTTPError as exc:
        status, body = exc.code, b""
    if status != 200:
        raise RuntimeError(f"GET {url} answered {status}, not 200")
    return len(body)


# --- driving -------------------------------------------------------------------


@dataclass
class Run:
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


def drive(url: str, seconds: int, lua: Path) -> Run:
    proc = subprocess.run(
        [WRK, "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", str(lua), url],
        capture_output=True, text=True, timeout=seconds + 60,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"wrk failed on {url}:\n{proc.stdout}\n{proc.stderr}")
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("{")), None)
    if line is None:
        raise RuntimeError(f"no result from wrk on {url}:\n{proc.stdout}")
    r = json.loads(line)
    if r["status"] or r["timeout"] or r["connect"] or r["read"] or r["write"]:
        raise RuntimeError(
            f"{url}: errors under load (non-2xx/3xx {r['status']}, timeouts {r['timeout']}, "
            f"connect {r['connect']}, read {r['read']}, write {r['write']}):\n{proc.stdout}")
    if not r["requests"]:
        raise RuntimeError(f"{url}: no request completed:\n{proc.stdout}")
    return Run(r["requests"] / (r["duration_us"] / 1e6),
               r["p50"] / 1000, r["p95"] / 1000, r["p99"] / 1000)


def line(name: str, ours: list[Run], peer: list[Run], ratios: list[float]) -> str:
    def med(runs: list[Run], attr: str) -> float:
        return c.median([getattr(r, attr) for r in runs])

    return (f"{name}: ours {c.fmt(med(ours, 'rps'))} req/s (p95 {c.fmt(med(ours, 'p95_ms'))} ms), "
            f"{PEER} {c.fmt(med(peer, 'rps'))} req/s (p95 {c.fmt(med(peer, 'p95_ms'))} ms), "
            f"ratio {c.median(ratios):.2f}")


def main() -> int:
    p = c.parser(__doc__)
    args = p.parse_args()
    rounds = args.rounds or 3
    seconds = 3 if args.quick else 10
    warmup = 1 if args.quick else 2
    if GUNICORN is None:
        raise SystemExit("gunicorn not found (pip install gunicorn into .venv)")
    if not Path(WRK).exists():
        raise SystemExit("wrk not found")

    started = time.monotonic()
    with c.workdir("thread-page") as work:
        data_dir = work / "data"
        data_dir.mkdir()
        seeded = seed(data_dir, random.Random(2024))
        c.log(args, f"seeded in {time.monotonic() - started:.1f} s")
        lua = work / "report.lua"
        lua.write_text(WRK_LUA)

        env = {k: v for k, v in os.environ.items() if not k.startswith("COMMONROOM_")}
        env.update(COMMONROOM_DATA_DIR=str(data_dir), COMMONROOM_NO_SUBSCRIBERS="1",
                   PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}")
        last_page = -(-1000 // PAGE_SIZE)
        pages = {
            "thread_page_1000_first": f"/t/{seeded.thread_1000}",
            "thread_page_1000_last": f"/t/{seeded.thread_1000}?page={last_page}",
            "thread_page_20": f"/t/{seeded.thread_20}",
        }
        servers: list[c.Server] = []
        try:
            ours = c.Server("ours", gunicorn("forum.wsgi:app"), c.ROOT, env, work / "ours.log")
            servers.append(ours)
            peer = c.Server(PEER, gunicorn("_hello_app:app"), c.BENCH_DIR, env,
                            work / "peer.log")
            servers.append(peer)
            peer.wait_ready("/")
            ours.wait_ready(pages["thread_page_20"])

            for name, path in pages.items():
                size = check_page(ours.base + path)
                c.log(args, f"{name}: GET {path} -> 200, {size:,} bytes")
            check_page(peer.base + "/")
            for url in [peer.base + "/"] + [ours.base + path for path in pages.values()]:
                drive(url, warmup, lua)

            results: dict[str, list[Run]] = {name: [] for name in pages}
            hello: list[Run] = []
            ratios: dict[str, list[float]] = {name: [] for name in pages}
            for i in range(rounds):
                order: list[str] = [PEER, *pages]
                if i % 2:
                    order.reverse()
                this_round: dict[str, Run] = {}
                for name in order:
                    url = peer.base + "/" if name == PEER else ours.base + pages[name]
                    this_round[name] = run = drive(url, seconds, lua)
                    c.log(args, f"round {i + 1} {name}: {run.rps:,.0f} req/s, "
                                f"p50 {run.p50_ms:.1f} p95 {run.p95_ms:.1f} "
                                f"p99 {run.p99_ms:.1f} ms")
                hello.append(this_round[PEER])
                for name in pages:
                    results[name].append(this_round[name])
                    ratios[name].append(this_round[name].rps / this_round[PEER].rps)
        finally:
            for server in servers:
                server.stop()

        for name in pages:
            print(line(name, results[name], hello, ratios[name]), flush=True)
    c.log(args, f"total {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
