"""``make bench``: every benchmark, each next to its baseline in the same run, into docs/benchmarks.md.

A benchmark is a module ``bench/bench_<topic>.py`` with ``run() -> str`` returning a
Markdown section (its method and its figures). This runner adds what the figures
depend on (machine, versions, commit) and writes the page.

    python -m bench.run [--only import --only simple] [--output docs/benchmarks.md]

Benchmarks in ``OPT_IN`` (``scale``: hours) run only when named with ``--only``
(``make bench-scale``). With ``--only`` and an existing ``--output``, only the sections of
the benchmarks that ran are replaced (matched by their ``## `` heading); the rest of the
page, its header included, stays as the runs that wrote it left it.
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


OPT_IN = {"scale"}


def topics() -> list[str]:
    return sorted(p.stem.removeprefix("bench_") for p in BENCH_DIR.glob("bench_*.py"))


def _sections(page: str) -> tuple[str, list[str]]:
    """A page split into what precedes its first ``## `` heading and its ``## `` sections."""
    parts = ("\n" + page).split("\n## ")
    return parts[0].strip("\n"), ["## " + part.strip("\n") for part in parts[1:]]


def splice(page: str, sections: list[str]) -> str:
    """``page`` with each of ``sections`` replacing the section of the same heading (or appended)."""
    head, old = _sections(page)

    def title(section: str) -> str:
        return section.splitlines()[0]

    new = {title(section): section for section in sections}
    kept = [new.pop(title(section), section) for section in old]
    return "\n\n".join([head, *kept, *new.values()]) + "\n"


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
    parser.add_argument("--only", action="append", choices=topics(),
                        help=f"run only this benchmark (repeatable; {', '.join(sorted(OPT_IN))} runs only when named)")
    parser.add_argument("--output", type=Path, help="write the page here (default: print it)")
    args = parser.parse_args(argv)
    sections = []
    for topic in args.only or [t for t in topics() if t not in OPT_IN]:
        started = time.monotonic()
        print(f"bench: {topic} ...", file=sys.stderr, flush=True)
        sections.append(importlib.import_module(f"bench.bench_{topic}").run().strip())
        print(f"bench: {topic} took {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    if args.only and args.output and args.output.exists():
        args.output.write_text(splice(args.output.read_text(encoding="utf-8"), sections), encoding="utf-8")
        print(f"bench: replaced {len(sections)} section(s) of {args.output}", file=sys.stderr)
        return 0
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
