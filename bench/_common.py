"""Shared helpers for the benchmarks: realistic forum data, timing, the summary line.

Not a benchmark itself (``run_all.py`` skips files starting with ``_``).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
WORK_DIR = BENCH_DIR / ".work"  # git-ignored

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# --- command line and output -------------------------------------------------


def parser(doc: str | None) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=(doc or "").splitlines()[0] if doc else None)
    p.add_argument("--quick", action="store_true", help="smaller data, fewer rounds")
    p.add_argument("--rounds", type=int, default=None, help="override the number of rounds")
    p.add_argument("--verbose", "-v", action="store_true", help="print each round to stderr")
    return p


def log(args: argparse.Namespace, *parts: object) -> None:
    if getattr(args, "verbose", False):
        print(*parts, file=sys.stderr, flush=True)


def fmt(value: float) -> str:
    """1234567.8 -> '1,234,568'; small values keep some digits."""
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:,.1f}"
    return f"{value:,.2f}"


def summary(name: str, ours: float, peer_name: str, peer: float, unit: str) -> str:
    """The one line every benchmark prints (TESTING.md, Benchmarks)."""
    ratio = ours / peer if peer else float("inf")
    return f"{name}: ours {fmt(ours)} {unit}, {peer_name} {fmt(peer)} {unit}, ratio {ratio:.2f}"


def median(values: list[float]) -> float:
    return statistics.median(values)


@contextmanager
def workdir(prefix: str) -> Iterator[Path]:
    """A fresh temporary directory under bench/.work/, removed afterwards."""
    WORK_DIR.mkdir(exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=prefix + "-", dir=WORK_DIR))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# --- realistic forum text ------------------------------------------------------

_WORDS = (
    "the of and to a in is it you that he was for on are with as his they be at one "
    "have this from or had by not word but what some we can out other were all there "
    "when up use your how said an each she which do their time if will way about many "
    "then them write would like so these her long make thing see him two has look more "
    "day could go come did number sound no most people my over know water than call "
    "first who may down side been now find any new work part take get place made live "
    "where after back little only round man year came show every good me give our "
    "under name very through just form sentence great think say help low line differ "
    "turn cause much mean before move right boy old too same tell does set three want "
    "air well also play small end put home read hand port large spell add even land "
    "here must big high such follow act why ask men change went light kind off need "
    "house picture try us again animal point mother world near build self earth father "
    "database thread reply forum member conference markdown event projection sqlite "
    "python migration index query cache template render server deploy backup release"
).split()


def sentence(rng: random.Random, low: int = 6, high: int = 18) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(low, high))]
    r = rng.random()
    if r < 0.10:
        i = rng.randrange(len(words))
        words[i] = f"**{words[i]}**"
    elif r < 0.18:
        i = rng.randrange(len(words))
        words[i] = f"`{words[i]}()`"
    elif r < 0.22:
        words.append(f"[see here](https://example.org/{rng.choice(_WORDS)})")
    elif r < 0.26:
        words.insert(0, f"@{rng.choice(_HANDLES)}")
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice(".....?!")


_HANDLES = [f"user{i}" for i in range(50)]


def paragraph(rng: random.Random) -> str:
    """One Markdown paragraph: mostly prose, sometimes a list or a quote."""
    if rng.random() < 0.08:
        return "\n".join(f"- {sentence(rng, 3, 8)}" for _ in range(rng.randint(2, 4)))
    if rng.random() < 0.06:
        return "> " + sentence(rng)
    return " ".join(sentence(rng) for _ in range(rng.randint(1, 3)))


def body(rng: random.Random, size: int = 500, pool: list[str] | None = None) -> str:
    """A Markdown post body of about ``size`` characters, in short paragraphs.

    With ``pool``, paragraphs are drawn from it (fast, for millions of posts);
    the bodies still differ from one another, as real posts do.
    """
    paragraphs: list[str] = []
    length = 0
    while length < size:
        para = rng.choice(pool) if pool else paragraph(rng)
        paragraphs.append(para)
        length += len(para) + 2
    return "\n\n".join(paragraphs)[: size + 60]


def new_id(rng: random.Random) -> str:
    """Like forum.passwords.new_id (12 hex digits), but reproducible."""
    return f"{rng.getrandbits(48):012x}"


def machine() -> str:
    return f"nproc {os.cpu_count()}, Python {sys.version.split()[0]}"


# --- servers ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    """A server process in its own process group, stopped with the whole group.

    ``argv`` may contain ``{port}``, replaced by a free port on 127.0.0.1.
    """

    def __init__(self, name: str, argv: list[str], cwd: Path, env: dict[str, str],
                 log: Path) -> None:
        self.name = name
        self.port = free_port()
        self.log = log
        self.base = f"http://127.0.0.1:{self.port}"
        self._log_file = open(log, "wb")  # noqa: SIM115 -- closed in stop()
        self.proc = subprocess.Popen(
            [part.replace("{port}", str(self.port)) for part in argv],
            cwd=cwd, env=env, stdout=self._log_file, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, path: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.base + path, timeout=5) as resp:
                    if resp.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not come up; its log:\n"
                           + self.log.read_text(errors="replace")[-3000:])

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=10)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log_file.close()
