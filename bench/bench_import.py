"""Benchmark: the importer against the server's own ceiling.

1. Throughput: a full import of 10,000 projects / 100,000 releases (200,000 files) from
   the emulator, next to the same documents written straight through ``_bulk_docs`` in
   500-document requests (the ceiling: no fetching, no building, no comparing).
   The emulator runs in its own process with every payload prebuilt (as PyPI's CDN
   serves them), so what is timed is the importer, not the emulator. Ceiling and import
   alternate, ``ROUNDS`` times each, and the medians are compared (the ceiling alone
   varies by a fifth from run to run). The same comparison again with the server
   pinned to a core of its own and everything else on the other (as if the database
   had its own host), and one more import with rendering switched off, show where
   the time goes.
2. An update with nothing changed: upstream calls made, documents written.
3. Memory: the importer's peak RSS (its own process, not the render pool's) for
   2,500 and 10,000 projects: it should not grow with the project count.

``run()`` returns the Markdown section; ``python -m bench.bench_import`` prints it.
About 9 minutes per server on 2 cores: PouchDB Server, then CouchDB 3.x where a release is
installed (bench/servers.py), each with its own ceiling.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import requests

from pypioncouch.couch import Database
from pypioncouch.documents import build_project_documents
from pypioncouch.names import normalize

from .servers import LABELS, bench_server, bench_server_kinds

PROJECTS = int(os.environ.get("BENCH_IMPORT_PROJECTS", "10000"))  # smaller for a smoke run
RELEASES = 10
FILES = 2
BULK_SIZE = 500
ROUNDS = int(os.environ.get("BENCH_IMPORT_ROUNDS", "3"))


@contextmanager
def emulator_process(projects: int) -> Iterator[tuple[str, int]]:
    """The emulator in its own process, payloads prebuilt; yields its URL and process id."""
    command = [sys.executable, "-m", "pypioncouch.emulator", "--dataset", "generated", "--projects", str(projects),
               "--releases-per-project", str(RELEASES), "--files-per-release", str(FILES), "--seed", "7",
               "--cache-payloads"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip(), process.pid
    finally:
        process.terminate()
        process.wait()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a running server has used, its live and reaped children included
    (CouchDB's work is done by beam.smp and the couchjs processes it starts; Linux /proc)."""
    total = 0.0
    for task in [pid, *_descendants(pid)]:
        try:
            fields = Path(f"/proc/{task}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    return total


def _descendants(pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        return []
    return [grandchild for child in map(int, children) for grandchild in (child, *_descendants(child))]


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # reaped children, and their reaped children
    return usage.ru_utime + usage.ru_stime


def ceiling_documents(index_url: str) -> list[dict]:
    """Every document the importer will write, built beforehand (not timed)."""
    session = requests.Session()
    index = session.get(f"{index_url}/simple/", headers={"Accept": "application/vnd.pypi.simple.v1+json"}).json()
    docs = []
    for project in index["projects"]:
        payload = session.get(f"{index_url}/pypi/{project['name']}/json").json()
        page = session.get(f"{index_url}/simple/{normalize(project['name'])}/",
                           headers={"Accept": "application/vnd.pypi.simple.v1+json"}).json()
        docs.extend(build_project_documents(payload, page=page).all())  # as the importer builds them
    return docs


def ceiling_seconds(db_url: str, docs: list[dict]) -> float:
    """Time writing ``docs`` into a new database with ``_bulk_docs``, nothing else."""
    db = Database(db_url)
    db.create()
    started = time.perf_counter()
    for start in range(0, len(docs), BULK_SIZE):
        db.bulk_docs(docs[start:start + BULK_SIZE])
    return time.perf_counter() - started


def import_in_child(db_url: str, index_url: str, job: str = "import_all", *, render: bool = True) -> dict[str, float]:
    """Run one importer job in a fresh process; its wall time, peak RSS and counts.
    ``render=False`` replaces the description renderer by one that renders nothing."""
    code = f"""
import json, time
import pypioncouch.render
if not {render!r}:
    pypioncouch.render.render_description = lambda text, content_type: None
from pypioncouch import XmlRpcImporter
importer = XmlRpcImporter({db_url!r}, index_url={index_url!r}, attachments=None)
started = time.perf_counter()
report = importer.{job}()
# VmHWM, not ru_maxrss: ru_maxrss survives execve, so it would report this benchmark's own peak.
hwm_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({{"seconds": time.perf_counter() - started, "rss_mb": hwm_kb / 1024,
                  "upstream_calls": importer.http.requests_made, "written": report.written, "fetched": report.fetched,
                  "failed": len(report.failed)}}))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


@dataclass
class Run:
    """One timed run: wall seconds and the CPU seconds of the server and of the importer."""

    seconds: float
    node_cpu: float
    importer_cpu: float = 0.0
    result: dict = field(default_factory=dict)


def measured(node: int, job: Callable[[], float | dict]) -> Run:
    node_before, children_before = cpu_seconds(node), children_cpu_seconds()
    outcome = job()
    seconds = outcome if isinstance(outcome, float) else outcome["seconds"]
    return Run(seconds, cpu_seconds(node) - node_before, children_cpu_seconds() - children_before,
               outcome if isinstance(outcome, dict) else {})


def pin(pid: int, cores: set[int]) -> None:
    """Run every thread of a process on ``cores`` only (threads it starts later inherit it)."""
    for task in Path(f"/proc/{pid}/task").iterdir():
        os.sched_setaffinity(int(task.name), cores)


@contextmanager
def server_on_its_own_core(node: int, emulator: int) -> Iterator[None]:
    """The server on core 0; on core 1 the emulator, this process (the ceiling's client) and
    the importer processes it starts: the server does not share a core with its client, as on
    its own host."""
    everything = set(range(os.cpu_count() or 1))
    pin(node, {0})
    pin(emulator, {1})
    os.sched_setaffinity(0, {1})
    try:
        yield
    finally:
        for pid in (node, emulator):
            pin(pid, everything)
        os.sched_setaffinity(0, everything)


def alternate(node: int, rounds: int, ceiling: Callable[[int], float], importer: Callable[[int], dict]) -> tuple[list[Run], list[Run]]:
    """``rounds`` ceilings and imports, alternating."""
    ceilings, imports = [], []
    for round_ in range(rounds):
        ceilings.append(measured(node, lambda: ceiling(round_)))
        imports.append(measured(node, lambda: importer(round_)))
    return ceilings, imports


def median_run(runs: list[Run]) -> Run:
    return sorted(runs, key=lambda run: run.seconds)[len(runs) // 2]


def measure(workdir: Path, kind: str) -> dict[str, object]:
    figures: dict[str, object] = {"server": LABELS[kind]}
    with bench_server(kind, workdir) as server:
        assert server.process is not None
        node = server.process.pid
        with emulator_process(PROJECTS) as (index_url, emulator):
            docs = ceiling_documents(index_url)
            figures["documents"] = len(docs)
            figures["ceilings"], figures["imports"] = alternate(
                node, ROUNDS, lambda n: ceiling_seconds(f"{server.url}/ceiling-{n}", docs),
                lambda n: import_in_child(f"{server.url}/imported-{n}", index_url))
            if (os.cpu_count() or 1) >= 2:
                with server_on_its_own_core(node, emulator):
                    figures["pinned"] = alternate(
                        node, ROUNDS, lambda n: ceiling_seconds(f"{server.url}/pinned-ceiling-{n}", docs),
                        lambda n: import_in_child(f"{server.url}/pinned-imported-{n}", index_url))
            figures["unrendered"] = measured(
                node, lambda: import_in_child(f"{server.url}/unrendered", index_url, render=False))
            imported = Database(f"{server.url}/imported-0")
            seq = imported.info()["update_seq"]
            figures["noop"] = import_in_child(f"{server.url}/imported-0", index_url, "update")
            figures["noop_writes"] = imported.info()["update_seq"] != seq
        with emulator_process(PROJECTS // 4) as (small_url, _):
            figures["small"] = import_in_child(f"{server.url}/small", small_url)
    return figures


def markdown(f: dict) -> str:
    server = f["server"]
    ceiling, imported, unrendered = median_run(f["ceilings"]), median_run(f["imports"]), f["unrendered"]
    small, noop, docs = f["small"], f["noop"], f["documents"]
    cores = os.cpu_count() or 1

    def row(label: str, run: Run, baseline: Run = ceiling) -> str:
        return (f"| {label} | {docs:,} | {run.seconds:.1f} | {docs / run.seconds:,.0f} | {run.seconds / baseline.seconds:.2f}× "
                f"| {run.node_cpu:.1f} | {run.importer_cpu:.1f} | {(run.node_cpu + run.importer_cpu) / run.seconds:.2f} |")

    spread = lambda runs: ", ".join(f"{run.seconds:.1f}" for run in runs)  # noqa: E731
    return "\n".join([
        f"### On {server}",
        "",
        f"Method: {PROJECTS:,} generated projects × {RELEASES} releases × {FILES} files from the emulator "
        "(own process, payloads prebuilt); the ceiling writes the same documents, built beforehand, "
        f"with `_bulk_docs` in {BULK_SIZE}-document requests into the same server in the same run, "
        "through the importer's own CouchDB client (so encoding the requests counts on both sides). "
        "The importer runs as `XmlRpcImporter.import_all()` in a fresh process (8 fetch threads, "
        f"descriptions rendered in one forked process, a job per batch of 100 projects). Ceiling and import "
        f"alternate, {ROUNDS} times each, into new databases; the table gives the median run of each. "
        "CPU seconds are read from /proc for the server's processes and from the importer's reaped processes.",
        "",
        "| | documents | seconds | documents/s | vs ceiling | server CPU-s | importer CPU-s | cores busy |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        row("`_bulk_docs` ceiling", ceiling),
        row("importer (fetch, build, render, compare, write)", imported),
        row("importer, rendering switched off (diagnostic)", unrendered),
        "",
        f"All runs, seconds: ceiling {spread(f['ceilings'])}; importer {spread(f['imports'])}.",
        *pinned_table(f, row),
        "",
        f"Where the time goes: the machine has {cores} cores. {server} alone keeps "
        f"{ceiling.node_cpu / ceiling.seconds:.2f} of them busy at the ceiling. The importer's own work (fetching, parsing, building, rendering, encoding) needs "
        f"{imported.importer_cpu:.1f} CPU-s, and all of it must fit in what the server leaves: even with perfect "
        f"overlap the import cannot finish before (server + importer CPU) / {cores} = "
        f"{(imported.node_cpu + imported.importer_cpu) / cores:.1f} s, "
        f"{(imported.node_cpu + imported.importer_cpu) / cores / ceiling.seconds:.2f}× the ceiling. "
        f"Without rendering the importer needs {unrendered.importer_cpu:.1f} CPU-s and takes "
        f"{unrendered.seconds / ceiling.seconds:.2f}× the ceiling.",
        "",
        f"No-op update: {noop['upstream_calls']} upstream call(s), {noop['written']} documents written, "
        f"database update sequence {'CHANGED' if f['noop_writes'] else 'unchanged'}.",
        "",
        "| projects | importer peak RSS |",
        "|---:|---:|",
        f"| {PROJECTS // 4:,} | {small['rss_mb']:.0f} MB |",
        f"| {PROJECTS:,} | {imported.result['rss_mb']:.0f} MB |",
    ])


def pinned_table(f: dict, row: Callable[[str, Run, Run], str]) -> list[str]:
    """The same comparison with the server on a core of its own (absent on one core)."""
    if "pinned" not in f:
        return []
    ceilings, imports = f["pinned"]
    ceiling, imported = median_run(ceilings), median_run(imports)
    return [
        "",
        "The server on a core of its own, as on its own host: the server pinned to core 0; the emulator, "
        "the ceiling's client and the importer (with its render process) to core 1; again alternating, "
        f"{len(ceilings)} times each.",
        "",
        "| | documents | seconds | documents/s | vs ceiling | server CPU-s | importer CPU-s | cores busy |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        row("`_bulk_docs` ceiling, server on core 0", ceiling, ceiling),
        row("importer on core 1", imported, ceiling),
        "",
        f"All runs, seconds: ceiling {', '.join(f'{r.seconds:.1f}' for r in ceilings)}; "
        f"importer {', '.join(f'{r.seconds:.1f}' for r in imports)}. The importer's processes used "
        f"{imported.importer_cpu:.1f} CPU-s on their one core, against {ceiling.seconds:.1f} s for the whole ceiling: "
        "with a core each, the importer's own CPU time sets the pace.",
    ]


def run() -> str:
    sections = ["## Importer: throughput, no-op update, memory (`bench/bench_import.py`)"]
    for kind in bench_server_kinds():
        with tempfile.TemporaryDirectory(prefix="bench-import-") as workdir:
            sections.append(markdown(measure(Path(workdir), kind)))
    return "\n\n".join(sections)


if __name__ == "__main__":
    print(run())
