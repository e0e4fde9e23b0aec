"""``make bench``: every benchmark, each next to its baseline in the same run, into docs/benchmarks.md.

A benchmark is a module ``bench/bench_<topic>.py`` with ``run() -> str`` returning a
Markdown section (its method and its figures). This runner adds what the figures
depend on (machine, versions, commit) and writes the page.

    python -m bench.run [--only import --only simple] [--output docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent


def topics() -> list[str]:
    return sorted(p.stem.removeprefix("bench_") for p in BENCH_DIR.glob("bench_*.py"))


def _command_output(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=30, cwd=REPO_ROOT).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def environment() -> str:
    """What the figures depend on, so a later run can be compared with this one."""
    memory_kb = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")), "0") if Path("/proc/meminfo").exists() else "0"
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else "?"
    lock = json.loads((REPO_ROOT / "package-lock.json").read_text())
    pouchdb = lock.get("packages", {}).get("node_modules/pouchdb-server", {}).get("version", "?")
    return "\n".join([
        f"- Run: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, commit `{_command_output(['git', 'rev-parse', '--short', 'HEAD'])}`",
        f"- Machine: {os.cpu_count()} cores ({cpu}), {int(memory_kb) // 1024 // 1024} GiB memory, {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}, Node.js {_command_output(['node', '--version'])}, PouchDB Server {pouchdb} (the embedded server)",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=topics(), help="run only this benchmark (repeatable)")
    parser.add_argument("--output", type=Path, help="write the page here (default: print it)")
    args = parser.parse_args(argv)
    sections = []
    for topic in args.only or topics():
        started = time.monotonic()
        print(f"bench: {topic} ...", file=sys.stderr, flush=True)
        sections.append(importlib.import_module(f"bench.bench_{topic}").run().strip())
        print(f"bench: {topic} took {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    page = "\n\n".join([
        "# Benchmarks",
        "Written by `make bench` (`python -m bench.run`); every figure is measured next to its baseline "
        "in the same run, on the same machine, so ratios hold even where absolute numbers move.",
        environment(),
        *sections,
    ]) + "\n"
    if args.output:
        args.output.write_text(page, encoding="utf-8")
        print(f"bench: wrote {args.output}", file=sys.stderr)
    else:
        print(page)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
