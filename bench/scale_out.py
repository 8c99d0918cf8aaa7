"""A mixed load on the scaled-out deployment, against the same load on the embedded default.

Two set-ups, each on a fresh database seeded through the handlers (an admin,
a poster and two room members, a public conference with 20 threads of 20
posts, a room), each under the same load for ``--seconds`` (20; ``--quick``
8):

- scaled out: PostgreSQL (a fresh schema in the ``commonroom_bench``
  database on 127.0.0.1:5432) and Redis (127.0.0.1:6379, a fresh key prefix),
  two web processes (``gunicorn --workers 1 --threads 250 forum.wsgi:app``,
  as a WebSocket holds a thread; ``COMMONROOM_NO_SUBSCRIBERS=1``) and one
  ``commonroom worker``;
- embedded: the default, one web process (the same gunicorn command) on
  SQLite in WAL mode, with the subscribers on its own thread, no Redis.

The load, all at once:

- readers: ``wrk`` with 8 connections per web process, anonymous GETs of a
  random one of the 20 thread pages;
- writers: ``wrk`` with 1 connection per web process, replies through
  ``POST /api/v1/threads/<id>/posts`` (a personal API token) to a random
  thread — each one changes that thread's page, so readers meet fresh pages;
- live: ``bench/js/fanout.mjs`` (node, socket.io-client) with 200 clients in
  the room, spread over the web processes, and a sender posting 5 messages a
  second on the first; every delivery is timed against its send.

Prints (ratios are scaled-out / embedded; requests/s higher is better,
latencies lower)::

    scale_out_reads: ours ... req/s (p95 ... ms), embedded ..., ratio ...
    scale_out_writes: ...
    scale_out_live_p95: ours ... ms, embedded ... ms, ratio ...
    scale_out_reads_per_core: ours ... req/s per core, discourse-anchor 90 ..., ratio ...

The last line holds the scaled-out thread-page reads per core (of ``nproc``)
against the anchor the issue names: Discourse's published benchmark of about 90
topic-list views per second per core (aim: 5x, a ratio of 5).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import _common as c
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from forum.backend import open_backend
from forum.core.config import Config
from forum.core.permissions import Viewer
from forum.features.conferences import handlers as conferences
from forum.features.conferences.commands import CreateConference
from forum.features.members import handlers as members
from forum.features.members.commands import IssueApiToken, RegisterMember
from forum.features.rooms import handlers as rooms
from forum.features.rooms.commands import CreateRoom
from forum.features.threads import handlers as threads
from forum.features.threads.commands import PostReply, StartThread

VENV_BIN = Path(sys.executable).parent
GUNICORN = str(VENV_BIN / "gunicorn")
WRK = shutil.which("wrk") or "/usr/bin/wrk"
NODE = shutil.which("node") or "node"
FANOUT = c.BENCH_DIR / "js" / "fanout.mjs"
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432"
BENCH_DB = "commonroom_bench"
REDIS = "redis://127.0.0.1:6379/0"
DISCOURSE_PER_CORE = 90.0
THREADS = 20
CLIENTS = 200

# wrk: one JSON line at the end (latencies in microseconds).
REPORT_LUA = """
done = function(summary, latency, requests)
  io.write(string.format('{"requests": %d, "seconds": %f, "p95_us": %d, "errors": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(95),
    summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
"""


@dataclass(frozen=True)
class Seeded:
    thread_ids: list[str]
    token: str
    room_id: str
    listener: str
    sender: str


def seed(config: Config, rng: random.Random) -> Seeded:
    backend = open_backend(config)
    try:
        svc = backend.services
        admin = Viewer(members.register_member(svc, members.SYSTEM, RegisterMember(
            "ada", "Ada Lovelace", "ada@example.org", "a long password", "admin")), "admin")
        people = [Viewer(members.register_member(svc, admin, RegisterMember(
            handle, handle.title(), f"{handle}@example.org", "a long password", "staff")),
            "staff") for handle in ("poster", "listener", "sender")]
        conf = conferences.create_conference(svc, admin, CreateConference(
            "lounge", "The Lounge", "public", "Anything goes."))
        thread_ids = []
        for n in range(THREADS):
            thread_id, first = threads.start_thread(svc, people[0], StartThread(
                conf, f"Thread {n}: {c.sentence(rng, 3, 8)}", c.body(rng, 600)))
            for _ in range(19):
                threads.post_reply(svc, rng.choice(people), PostReply(
                    thread_id, first, c.body(rng, 600)))
            thread_ids.append(thread_id)
        room_id = rooms.create_room(svc, admin, CreateRoom(
            "Live", "live", members=tuple(p.member_id or "" for p in people)))
        poster, listener, sender = (
            members.issue_api_token(svc, p, IssueApiToken("bench")) for p in people)
        return Seeded(thread_ids, poster, room_id, listener, sender)
    finally:
        backend.dispose()


def reader_lua(thread_ids: list[str]) -> str:
    paths = ", ".join(f'"/t/{t}"' for t in thread_ids)
    return f"""
local paths = {{{paths}}}
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
""" + REPORT_LUA


def writer_lua(thread_ids: list[str], token: str) -> str:
    ids = ", ".join(f'"{t}"' for t in thread_ids)
    return f"""
local ids = {{{ids}}}
local n = 0
request = function()
  n = n + 1
  local body = '{{"body": "A reply from the load, number ' .. n .. ', with **some** words."}}'
  return wrk.format("POST", "/api/v1/threads/" .. ids[math.random(#ids)] .. "/posts",
    {{["Content-Type"] = "application/json", ["Authorization"] = "Bearer {token}"}}, body)
end
""" + REPORT_LUA


def wrk(url: str, connections: int, seconds: int, script: Path) -> dict[str, float]:
    out = subprocess.run([WRK, "-t1", f"-c{connections}", f"-d{seconds}s", "--latency",
                          "-s", str(script), url], capture_output=True, text=True,
                         timeout=seconds + 60)
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if out.returncode != 0 or not line:
        raise RuntimeError(f"wrk failed on {url}:\n{out.stdout}\n{out.stderr}")
    found: dict[str, float] = json.loads(line[-1])
    if found["errors"]:
        raise RuntimeError(f"wrk saw {found['errors']} errors (non-2xx or socket) on {url}")
    return found


def live(urls: list[str], seeded: Seeded, seconds: int) -> list[float]:
    out = subprocess.run(
        [NODE, str(FANOUT), ",".join(urls), str(CLIENTS), f"{seeded.listener}|{seeded.sender}",
         seeded.room_id, "5", str(seconds), "0"],
        cwd=c.ROOT, capture_output=True, text=True, timeout=seconds + 300)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    found = json.loads(out.stdout.strip().splitlines()[-1])
    if found["missing"]:
        raise RuntimeError(f"{found['missing']} live deliveries never arrived")
    return sorted(found["latencies_ms"])


@dataclass(frozen=True)
class Figures:
    reads: float
    reads_p95: float
    writes: float
    writes_p95: float
    live_p95: float


def run_load(bases: list[str], seeded: Seeded, seconds: int, work: Path) -> Figures:
    reads, writes = work / "reads.lua", work / "writes.lua"
    reads.write_text(reader_lua(seeded.thread_ids))
    writes.write_text(writer_lua(seeded.thread_ids, seeded.token))
    with ThreadPoolExecutor(max_workers=2 * len(bases) + 1) as pool:
        # The live clients connect first; the HTTP load starts as they begin to send.
        live_job = pool.submit(live, bases, seeded, seconds)
        time.sleep(3)
        read_jobs = [pool.submit(wrk, base, 8, seconds, reads) for base in bases]
        write_jobs = [pool.submit(wrk, base, 1, seconds, writes) for base in bases]
        read_runs = [job.result() for job in read_jobs]
        write_runs = [job.result() for job in write_jobs]
        latencies = live_job.result()
    return Figures(
        reads=sum(r["requests"] / r["seconds"] for r in read_runs),
        reads_p95=max(r["p95_us"] for r in read_runs) / 1000,
        writes=sum(r["requests"] / r["seconds"] for r in write_runs),
        writes_p95=max(r["p95_us"] for r in write_runs) / 1000,
        live_p95=latencies[int(len(latencies) * 0.95)],
    )


def gunicorn(threads: int = 250) -> list[str]:
    return [GUNICORN, "--workers", "1", "--threads", str(threads), "--bind",
            "127.0.0.1:{port}", "--timeout", "120", "forum.wsgi:app"]


def _base_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMMONROOM_")}
    env.update(COMMONROOM_DATA_DIR=str(data_dir), COMMONROOM_SECRET_KEY="bench-" + "k" * 40,
               COMMONROOM_MESSAGE_RATE_LIMIT="1000 per second",
               PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}")
    return env


def scaled_out(work: Path, seconds: int, args: object) -> Figures:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(f"{POSTGRES}/postgres", isolation_level="AUTOCOMMIT")
    try:
        admin.connect().close()
    except OperationalError as exc:
        raise SystemExit(f"this benchmark needs PostgreSQL at {POSTGRES} and Redis at "
                         f"{REDIS} (TESTING.md): {exc.orig}") from None
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :d"),
                            {"d": BENCH_DB}).scalar():
            conn.execute(text(f'CREATE DATABASE "{BENCH_DB}"'))
    admin.dispose()
    db = create_engine(f"{POSTGRES}/{BENCH_DB}", isolation_level="AUTOCOMMIT")
    with db.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{POSTGRES}/{BENCH_DB}?options=-csearch_path%3D{schema}"
    servers: list[c.Server] = []
    try:
        data_dir = work / "scaled"
        data_dir.mkdir()
        seeded = seed(Config(data_dir=data_dir, database_url=url, secret_key="bench",
                             run_subscribers=False, password_time_cost=1,
                             password_memory_cost=1024), random.Random(7))
        env = _base_env(data_dir)
        env.update(COMMONROOM_DATABASE_URL=url, COMMONROOM_REDIS_URL=REDIS,
                   COMMONROOM_REDIS_PREFIX=schema)
        web_env = {**env, "COMMONROOM_NO_SUBSCRIBERS": "1"}
        for n in range(2):
            servers.append(c.Server(f"web{n}", gunicorn(), c.ROOT, web_env,
                                    work / f"web{n}.log"))
        servers.append(c.Server("worker", [str(VENV_BIN / "commonroom"), "worker"], c.ROOT,
                                env, work / "worker.log"))
        for server in servers[:2]:
            server.wait_ready(f"/t/{seeded.thread_ids[0]}")
        return run_load([s.base for s in servers[:2]], seeded, seconds, work)
    finally:
        for server in servers:
            server.stop()
        with db.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        db.dispose()


def embedded(work: Path, seconds: int) -> Figures:
    data_dir = work / "embedded"
    data_dir.mkdir()
    seeded = seed(Config(data_dir=data_dir,
                         database_url=f"sqlite:///{data_dir / 'commonroom.db'}",
                         secret_key="bench", run_subscribers=False, password_time_cost=1,
                         password_memory_cost=1024), random.Random(7))
    server = c.Server("embedded", gunicorn(), c.ROOT, _base_env(data_dir),
                      work / "embedded.log")
    try:
        server.wait_ready(f"/t/{seeded.thread_ids[0]}")
        return run_load([server.base], seeded, seconds, work)
    finally:
        server.stop()


def main() -> int:
    p = c.parser(__doc__)
    p.add_argument("--seconds", type=int, default=None)
    args = p.parse_args()
    seconds = args.seconds or (8 if args.quick else 20)
    rounds = args.rounds or 1
    ours: list[Figures] = []
    base: list[Figures] = []
    for round_ in range(rounds):
        order = [True, False] if round_ % 2 == 0 else [False, True]
        for scaled in order:
            with c.workdir("scale-out") as work:
                if scaled:
                    ours.append(scaled_out(work, seconds, args))
                    c.log(args, "scaled out", ours[-1])
                else:
                    base.append(embedded(work, seconds))
                    c.log(args, "embedded", base[-1])

    def med(runs: list[Figures], name: str) -> float:
        return c.median([getattr(r, name) for r in runs])

    cores = os.cpu_count() or 1
    for name, unit in (("reads", "req/s"), ("writes", "req/s")):
        line = c.summary(f"scale_out_{name}", med(ours, name), "embedded", med(base, name), unit)
        print(line.replace(f"{unit},", f"{unit} (p95 {med(ours, name + '_p95'):.1f} ms),", 1)
              .replace(f"{unit}, ratio", f"{unit} (p95 {med(base, name + '_p95'):.1f} ms), "
                                         "ratio"))
    print(c.summary("scale_out_live_p95", med(ours, "live_p95"), "embedded",
                    med(base, "live_p95"), "ms"))
    print(c.summary("scale_out_reads_per_core", med(ours, "reads") / cores,
                    "discourse-anchor", DISCOURSE_PER_CORE, "req/s per core"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
