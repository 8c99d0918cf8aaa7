"""Run every benchmark in bench/ within a time budget and record the results.

Runs each ``bench/*.py`` (not this file, not ``_*.py`` helpers) in its own
process with this interpreter, in name order, passing ``--quick`` through;
collects its summary lines (``<name>: ours ..., <peer> ..., ratio ...``; a
script may print more than one, all are kept)
and writes them to ``bench/RESULTS.md`` with the date, the command and the
machine, newest run first (older runs are kept below, up to HISTORY).

    .venv/bin/python bench/run_all.py [--quick] [--budget SECONDS] [--only NAME ...]

A script that overruns what is left of the budget is stopped and recorded as
TIMEOUT; one that fails is recorded as FAILED. The exit status is 0 either way
unless nothing ran: a benchmark is not a test (TESTING.md).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "RESULTS.md"
HISTORY = 10
SUMMARY = re.compile(r"^[\w.-]+: ours .+, .+ratio .+$")
TITLE = "# Benchmark results"


def scripts(only: list[str] | None) -> list[Path]:
    found = sorted(p for p in BENCH.glob("*.py")
                   if p.name != Path(__file__).name and not p.name.startswith("_"))
    if only:
        found = [p for p in found if p.stem in only]
    return found


# Scripts whose full size would not fit the suite's budget: they run smaller here,
# and their full-size figures are recorded from a run of their own (RESULTS.md).
SUITE_ARGS = {"search": ["--posts", "20000"]}


def run_one(path: Path, quick: bool, timeout: float) -> tuple[str, float]:
    """The script's summary lines (all of them, in its order) and its wall time."""
    cmd = [sys.executable, str(path)] + (["--quick"] if quick else
                                         SUITE_ARGS.get(path.stem, []))
    start = time.monotonic()
    try:
        proc = subprocess.run(cmd, cwd=BENCH.parent, capture_output=True, text=True,
                              timeout=max(timeout, 1))
    except subprocess.TimeoutExpired:
        return f"{path.stem}: TIMEOUT after {time.monotonic() - start:.0f} s", \
            time.monotonic() - start
    elapsed = time.monotonic() - start
    lines = [ln for ln in proc.stdout.splitlines() if SUMMARY.match(ln.strip())]
    if proc.returncode != 0 or not lines:
        sys.stderr.write(proc.stderr[-3000:])
        return f"{path.stem}: FAILED (exit {proc.returncode})", elapsed
    return "\n".join(line.strip() for line in lines), elapsed


def machine() -> str:
    return (f"nproc {os.cpu_count()}, Python {sys.version.split()[0]}, "
            f"{os.uname().sysname} {os.uname().machine}")


def previous_runs() -> list[str]:
    if not RESULTS.exists():
        return []
    text = RESULTS.read_text()
    return ["## " + part.strip() + "\n" for part in text.split("\n## ")[1:]]


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f} (1 min), {five:.1f} (5 min)"


Result = tuple[str, str, float]  # (script, summary lines, seconds)


def write(command: str, results: list[Result], total: float, load_at_start: str) -> None:
    now = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    section = [
        f"## {now}",
        "",
        f"- command: `{command}`",
        f"- machine: {machine()}",
        f"- load average at start: {load_at_start}; at end: {load()}"
        " (other work on the machine depresses the absolute rates; the ratios are"
        " measured in the same rounds)",
        f"- wall time: {total:.0f} s",
        "",
        "```",
        *(lines for _, lines, _ in results),
        "```",
        "",
        "Seconds per script: " + ", ".join(
            f"{name} {secs:.0f}" for name, _, secs in results) + ".",
        "",
    ]
    header = [
        TITLE,
        "",
        "Written by `bench/run_all.py` (`make bench`); newest run first. Each line is",
        "the median of several rounds; `ratio` is ours / peer, and for rates (events/s)",
        "above 1 means ours is faster. See each script's docstring for the method.",
        "",
    ]
    runs = ["\n".join(section)] + previous_runs()
    RESULTS.write_text("\n".join(header) + "\n" + "\n".join(runs[:HISTORY]).rstrip() + "\n")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--budget", type=float, default=None,
                   help="seconds for the whole suite (default 480, quick 180)")
    p.add_argument("--only", nargs="*", help="benchmark names (file stems) to run")
    p.add_argument("--no-write", action="store_true", help="print, do not update RESULTS.md")
    args = p.parse_args()
    budget = args.budget or (180.0 if args.quick else 480.0)
    todo = scripts(args.only)
    if not todo:
        print("no benchmarks found", file=sys.stderr)
        return 1
    load_at_start = load()
    start = time.monotonic()
    results: list[Result] = []
    for path in todo:
        left = budget - (time.monotonic() - start)
        if left <= 1:
            results.append((path.stem, f"{path.stem}: SKIPPED (budget of {budget:.0f} s spent)",
                            0.0))
        else:
            results.append((path.stem, *run_one(path, args.quick, left)))
        print(results[-1][1], flush=True)
    total = time.monotonic() - start
    if not args.no_write:
        rel = os.path.relpath(sys.argv[0], BENCH.parent)
        command = " ".join([".venv/bin/python", rel, *sys.argv[1:]])
        write(command, results, total, load_at_start)
        print(f"wrote {RESULTS.relative_to(BENCH.parent)} ({total:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
