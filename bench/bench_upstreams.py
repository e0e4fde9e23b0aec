"""Benchmark: the importer from each kind of upstream, and what a partial mirror asks of one.

1. Import rate per upstream kind, next to the XML-RPC path in the same run: a full import of
   ``PROJECTS`` generated projects from the emulator playing pypi.org (XML-RPC journal: the
   baseline), pypi.org without XML-RPC (the JSON Simple index), a proxy of it (HTML index, no
   serial header, relative JSON URLs), devpi (JSON 1.0 pages, no JSON API), a static Simple tree
   (HTML only), and another pypioncouch node (the baseline's database, through its ``_rewrite``
   URL). Each emulator runs in its own process with every answer prebuilt (as a CDN serves them);
   kinds alternate, ``ROUNDS`` times, each import into a new database; medians are given.
2. What a partial mirror of 10 projects asks of an upstream of ``LISTED`` projects, counted by the
   importer's own HTTP client: ``--projects`` (each named project directly) next to the same ten
   taken from the full listing (an allowlist filter over a full import: what the importer did
   before), for the import, a no-op update and an update after changes to one named and five
   other projects.

``run()`` returns the Markdown section; ``python -m bench.bench_upstreams`` prints it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterator

import requests

from pypioncouch import XmlRpcImporter
from pypioncouch.couch import Database, parse_database_url
from pypioncouch.emulator import EmulatorServer, generate_dataset
from pypioncouch.emulator.flavours import FLAVOURS
from pypioncouch.filters import AllowList
from pypioncouch.names import normalize

from .servers import LABELS, bench_server, bench_server_kinds, new_app_database

PROJECTS = int(os.environ.get("BENCH_UPSTREAM_PROJECTS", "2000"))
RELEASES = 5
FILES = 2
ROUNDS = int(os.environ.get("BENCH_UPSTREAM_ROUNDS", "2"))
LISTED = int(os.environ.get("BENCH_UPSTREAM_LISTED", "10000"))
PARTIAL = 10

# (label, emulator arguments): the baseline first.
KINDS = [
    ("pypi.org, XML-RPC journal (baseline)", ["--flavour", "pypi"]),
    ("pypi.org without XML-RPC: JSON Simple index", ["--flavour", "pypi", "--no-xmlrpc"]),
    ("proxy: HTML index, no serial header", ["--flavour", "proxy"]),
    ("devpi: JSON 1.0 pages, no JSON API", ["--flavour", "devpi"]),
    ("static Simple tree: HTML only", ["--flavour", "static"]),
]
NODE = "another pypioncouch node (`_rewrite` URL)"
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"


@contextmanager
def emulator_process(arguments: list[str]) -> Iterator[str]:
    command = [sys.executable, "-m", "pypioncouch.emulator", "--dataset", "generated", "--projects", str(PROJECTS),
               "--releases-per-project", str(RELEASES), "--files-per-release", str(FILES), "--seed", "11",
               "--cache-payloads", *arguments]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        process.terminate()
        process.wait()


@dataclass
class Import:
    seconds: float
    projects: int
    documents: int
    requests: int
    megabytes: float
    failed: int


def timed_import(db: Database, index_url: str) -> Import:
    importer = XmlRpcImporter(db.location, index_url=index_url, attachments=None)
    started = time.perf_counter()
    with _without_page_tallies():
        report = importer.import_all()
    seconds = time.perf_counter() - started
    return Import(seconds, report.fetched, report.written, importer.http.requests_made,
                  importer.http.bytes_received / 1e6, len(report.failed))


def import_rates(workdir: Path, server_kind: str) -> dict[str, list[Import]]:
    runs: dict[str, list[Import]] = {label: [] for label, _ in KINDS}
    runs[NODE] = []
    with ExitStack() as stack, bench_server(server_kind, workdir) as server:
        urls = {label: stack.enter_context(emulator_process(arguments)) for label, arguments in KINDS}
        for round_number in range(ROUNDS):
            baseline_db = None
            for index, (label, _) in enumerate(KINDS):
                db = new_app_database(server, f"upstreams-{round_number}-{index}")
                runs[label].append(timed_import(db, urls[label]))
                baseline_db = baseline_db or db
                if db is not baseline_db:
                    db.request("DELETE", db.url, what="drop", ok=(200, 202, 404))
            assert baseline_db is not None
            warm_node(baseline_db)
            node_db = new_app_database(server, f"upstreams-{round_number}-node")
            runs[NODE].append(timed_import(node_db, f"{baseline_db.url}/_design/pypi/_rewrite"))
            for db in (baseline_db, node_db):
                db.request("DELETE", db.url, what="drop", ok=(200, 202, 404))
    return runs


@contextmanager
def _without_page_tallies() -> Iterator[None]:
    """The browsing pages' counts, recounted after a run where the importer does that, are not the
    upstream's part: they are left out of the timing (the same for every kind)."""
    import pypioncouch.importer as module
    saved = getattr(module, "refresh_after_run", None)
    if saved is not None:
        module.refresh_after_run = lambda *args, **kwargs: None
    try:
        yield
    finally:
        if saved is not None:
            module.refresh_after_run = saved


def warm_node(db: Database) -> None:
    """Build the views a node's Simple and JSON API answers read, before another node imports from it."""
    base = f"{db.url}/_design/pypi/_rewrite/"
    session = requests.Session()
    index = session.get(base + "simple/", headers={"Accept": SIMPLE_JSON}, timeout=1800).json()
    name = index["projects"][0]["name"]
    session.get(f"{base}simple/{normalize(name)}/", headers={"Accept": SIMPLE_JSON}, timeout=1800)
    session.get(f"{base}pypi/{normalize(name)}/json", timeout=1800)


# ---- 2. a partial mirror of 10 projects ------------------------------------------------------

@dataclass
class Asked:
    requests: int
    kilobytes: float


def asked(importer: XmlRpcImporter, job: str) -> Asked:
    before, bytes_before = importer.http.requests_made, importer.http.bytes_received
    getattr(importer, job)()
    return Asked(importer.http.requests_made - before, (importer.http.bytes_received - bytes_before) / 1e3)


def partial_mirrors(workdir: Path, server_kind: str) -> list[dict[str, Any]]:
    rows = []
    kinds = [("pypi.org, XML-RPC journal", FLAVOURS["pypi"]),
             ("pypi.org without XML-RPC", replace(FLAVOURS["pypi"], xmlrpc=False)),
             ("proxy", FLAVOURS["proxy"]), ("devpi", FLAVOURS["devpi"]), ("static tree", FLAVOURS["static"])]
    with bench_server(server_kind, workdir) as server:
        for number, (label, flavour) in enumerate(kinds):
            data = generate_dataset(projects=LISTED, releases_per_project=2, files_per_release=2, seed=13)
            names = sorted(p.name for p in data)[:: LISTED // PARTIAL][:PARTIAL]
            with EmulatorServer(data, flavour=flavour) as emulator:
                databases = {way: Database(parse_database_url(f"{server.url}/partial-{number}-{way}"))
                             for way in ("named", "listing")}
                importers = {
                    "named": XmlRpcImporter(databases["named"].location, index_url=emulator.index_url,
                                            attachments=None, projects=names),
                    "listing": XmlRpcImporter(databases["listing"].location, index_url=emulator.index_url,
                                              attachments=None, filters=[AllowList(names)]),
                }
                row: dict[str, Any] = {"kind": label}
                for way, importer in importers.items():
                    row[f"{way}-import"] = asked(importer, "import_all")
                for way, importer in importers.items():
                    row[f"{way}-noop"] = asked(importer, "update")
                data.add_release(names[3], "99.0")
                for other in sorted(p.name for p in data if p.name not in names)[:5]:
                    data.add_release(other, "99.0")
                for way, importer in importers.items():
                    row[f"{way}-update"] = asked(importer, "update")
                for db in databases.values():
                    db.request("DELETE", db.url, what="drop", ok=(200, 202, 404))
            rows.append(row)
    return rows


# ---- the section -----------------------------------------------------------------------------

def _median(runs: list[Import], field: str) -> float:
    return statistics.median(getattr(run, field) for run in runs)


def markdown(rates: dict[str, list[Import]], partial: list[dict[str, Any]], server_kind: str, seconds: float) -> str:
    baseline = _median(rates[KINDS[0][0]], "seconds")
    lines = [
        "## Upstreams: import rate per kind of index, partial mirrors (`bench/bench_upstreams.py`)",
        "",
        f"Method: a full import of {PROJECTS:,} generated projects ({RELEASES} releases of {FILES} files each) into "
        f"a new database on {LABELS[server_kind]}, from the emulator playing each kind of index in its own process "
        "(every answer prebuilt, as a CDN serves them); the kinds alternate, "
        f"{ROUNDS} rounds, medians given. The node row imports from the database the baseline of the same round "
        "wrote, through its `_rewrite` URL, its views built beforehand. Requests and megabytes are counted by the "
        "importer's own HTTP client; the browsing pages' counts, where the importer recounts them after a run, are "
        "left out of the timing.",
        "",
        "| upstream | seconds | projects/s | vs XML-RPC | documents | requests | MB received | failed |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label in [label for label, _ in KINDS] + [NODE]:
        runs = rates[label]
        wall = _median(runs, "seconds")
        lines.append(f"| {label} | {wall:.1f} | {_median(runs, 'projects') / wall:,.0f} | {wall / baseline:.2f}x | "
                     f"{_median(runs, 'documents'):,.0f} | {_median(runs, 'requests'):,.0f} | "
                     f"{_median(runs, 'megabytes'):.1f} | {_median(runs, 'failed'):.0f} |")
    lines.append("")
    lines.append("All runs, seconds: " + "; ".join(
        f"{label.split(':')[0].split(',')[0]} {', '.join(f'{run.seconds:.1f}' for run in rates[label])}"
        for label in [label for label, _ in KINDS] + [NODE]) + ".")
    lines += [
        "",
        f"A partial mirror of {PARTIAL} projects from an index of {LISTED:,} projects, what the importer asks: "
        "`--projects` (each named project directly) against the same ten picked from the full listing "
        "(an allowlist filter over a full import, as the importer did before). Update: after a new release of one "
        "named project and of five others. Requests / kB received.",
        "",
        "| upstream | import, named | import, from the listing | no-op update, named | no-op update, listing "
        "| update, named | update, listing |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in partial:
        cells = [f"{row[key].requests} / {row[key].kilobytes:,.0f}"
                 for key in ("named-import", "listing-import", "named-noop", "listing-noop", "named-update",
                             "listing-update")]
        lines.append(f"| {row['kind']} | " + " | ".join(cells) + " |")
    lines += ["", f"Whole benchmark: {seconds:.0f} s."]
    return "\n".join(lines)


def run() -> str:
    started = time.monotonic()
    server_kind = bench_server_kinds()[0]
    with tempfile.TemporaryDirectory(prefix="bench-upstreams-") as workdir:
        rates = import_rates(Path(workdir) / "rates", server_kind)
        partial = partial_mirrors(Path(workdir) / "partial", server_kind)
    return markdown(rates, partial, server_kind, time.monotonic() - started)


if __name__ == "__main__":
    print(run())
