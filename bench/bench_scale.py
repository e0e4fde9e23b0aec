"""Benchmark: PyPI's shape at scale (``make bench-scale``; not part of ``make bench``: it runs for hours).

100,000 generated projects with 1,000,000 releases shaped like PyPI's (bench/pypi_shape.py:
most projects a few releases of one or two files, a long tail with thousands, 3 % with
dozens of wheels a release, skewed description sizes), served by the emulator in its own
process (each project built when first asked for, its CPU reported beside the importer's),
imported by the real importer
(``XmlRpcImporter.import_all()`` in a fresh process, OPML and DOAP attachments on, as
``--fullimport`` runs) into each server of bench/servers.py in turn: PouchDB Server 4.2.0
and CouchDB 3.5 (with the ``--setup`` guard, whose validate function sees every write).
Then, per server:

- import time and rate, the importer's peak RSS and CPU, the server's CPU;
- the database's size on disk (the server's data folder), after the import, after the views,
  and on CouchDB after compaction;
- the largest document, among the documents of the projects with the most files, releases
  and the longest descriptions (read back from the database);
- the view build of each design document, as a deploy builds it (``push_design_doc``: the
  scratch design document, each view queried until built), per view;
- every page kind's warm median (views built, ``PAGE_REPEATS`` requests after one unmeasured).

Then an extrapolation to the whole of PyPI. ``BENCH_SCALE_PROJECTS`` / ``BENCH_SCALE_RELEASES``
set a smaller scale (10,000 / 100,000 for a rehearsal); ``BENCH_SERVERS`` narrows the servers.
``run()`` returns the Markdown section; ``python -m bench.bench_scale`` prints it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote

import requests

from pypioncouch.couch import Database, parse_database_url
from pypioncouch.designdoc import push_design_doc
from pypioncouch.node import install_guard
from pypioncouch.servers import AnyServer
from pypioncouch.simple_index import refresh_simple_index
from pypioncouch.tallies import refresh_tallies

from . import pypi_shape
from .bench_import import children_cpu_seconds, cpu_seconds
from .bench_simple import median_seconds, static_server
from .servers import LABELS, bench_server, bench_server_kinds

PROJECTS = int(os.environ.get("BENCH_SCALE_PROJECTS", "100000"))
RELEASES = int(os.environ.get("BENCH_SCALE_RELEASES", "1000000"))
# Servers measured on import, size and documents only (no views, no pages): a PouchDB Server
# view build at 1,000,000 releases takes half a day on 2 shared cores.
IMPORT_ONLY = {k.strip() for k in os.environ.get("BENCH_SCALE_IMPORT_ONLY", "").split(",") if k.strip()}
# Each run's figures are kept here, one file per scale and server; the section is written from
# all of them, so runs at two scales (and on two days) sit side by side.
RESULTS = Path(os.environ.get("BENCH_SCALE_RESULTS", Path(__file__).resolve().parent.parent / "var" / "bench-scale"))
SEED = 11
PAGE_REPEATS = 5
PIP_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"
# PyPI in 2026 (../shared/notes/pypi-apis.md).
PYPI = {"projects": 736_000, "releases": 8_200_000, "files": 19_000_000}


def log(message: str) -> None:
    print(f"bench-scale {time.strftime('%H:%M:%S')}: {message}", file=sys.stderr, flush=True)


@contextmanager
def shaped_emulator() -> Iterator[tuple[str, int]]:
    """The emulator serving the PyPI-shaped data set, in its own process; yields its URL and pid."""
    command = [sys.executable, "-m", "bench.pypi_shape", "--projects", str(PROJECTS), "--releases", str(RELEASES),
               "--seed", str(SEED)]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                               cwd=Path(__file__).resolve().parent.parent)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        if not url.startswith("http"):
            raise RuntimeError("the shaped emulator did not start")
        yield url, process.pid
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=120)


def import_in_child(db_url: str, index_url: str) -> dict[str, Any]:
    """``import_all()`` in a fresh process: wall time, peak RSS (VmHWM) and the report's counts."""
    code = f"""
import json, time
from pypioncouch import XmlRpcImporter
importer = XmlRpcImporter({db_url!r}, index_url={index_url!r})
started = time.perf_counter()
report = importer.import_all()
hwm_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({{"seconds": time.perf_counter() - started, "rss_mb": hwm_kb / 1024, "written": report.written,
                  "fetched": report.fetched, "failed": len(report.failed)}}))
"""
    before = children_cpu_seconds()
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"import failed:\n{result.stderr[-3000:]}")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["cpu"] = children_cpu_seconds() - before
    return figures


def disk_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def wait_compacted(db: Database) -> float:
    started = time.perf_counter()
    db.request("POST", f"{db.url}/_compact", what="compact", body={})
    while True:
        time.sleep(5)
        if not db.info().get("compact_running"):
            return time.perf_counter() - started


def largest_documents(db: Database, names: list[str]) -> tuple[int, str, str]:
    """(bytes, id, type) of the largest document of ``names`` (each project's documents read back)."""
    best = (0, "", "")
    for name in names:
        project = db.get(name)
        if project:
            best = max(best, (len(json.dumps(project, ensure_ascii=False).encode()), project["_id"], "project"))
        for row in db.id_range(name + "/"):
            doc = row.get("doc") or {}
            size = len(json.dumps(doc, ensure_ascii=False).encode())
            best = max(best, (size, doc.get("_id", ""), doc.get("type", "")))
    return best


def sample_projects(shapes: list[pypi_shape.ProjectShape]) -> dict[str, pypi_shape.ProjectShape]:
    by_releases = sorted(shapes, key=lambda s: s.releases)
    return {"median project": by_releases[len(by_releases) // 2], "most files": max(shapes, key=lambda s: sum(s.files)),
            "most releases": by_releases[-1]}


def normalized(shape: pypi_shape.ProjectShape) -> str:
    return pypi_shape.dist_name(shape.name).replace("_", "-")


def pages(shapes: list[pypi_shape.ProjectShape]) -> list[tuple[str, str, str]]:
    """(kind, path under _rewrite/, Accept) for every page kind, on typical and extreme projects."""
    rows = [("Simple index `/simple/`, JSON (pip's Accept)", "simple/", PIP_ACCEPT),
            ("Simple index `/simple/`, HTML", "simple/", "text/html")]
    for label, shape in sample_projects(shapes).items():
        name, latest = normalized(shape), pypi_shape._versions(shape.releases)[-1]
        rows += [(f"`/simple/<name>/` JSON, {label}", f"simple/{name}/", PIP_ACCEPT),
                 (f"`/simple/<name>/` HTML, {label}", f"simple/{name}/", "text/html"),
                 (f"`/pypi/<name>/json`, {label}", f"pypi/{name}/json", "application/json"),
                 (f"`/pypi/<name>/<version>/json`, {label}", f"pypi/{name}/{latest}/json", "application/json"),
                 (f"project page `/project/<name>/`, {label}", f"project/{name}/", "text/html"),
                 (f"release page `/project/<name>/<version>/`, {label}", f"project/{name}/{latest}/", "text/html"),
                 (f"project feed `/rss/project/<name>/releases.xml`, {label}", f"rss/project/{name}/releases.xml",
                  "application/rss+xml")]
    word = pypi_shape.vocab.WORDS[0]
    classifier = quote("Programming Language :: Python :: 3")
    rows += [("home `/`", "", "text/html"),
             ("all projects `/projects/`", "projects/", "text/html"),
             ("search `/search/?q=`", f"search/?q={word}", "text/html"),
             ("search summary `/search/summary/?w=`", f"search/summary/?w={word}", "text/html"),
             ("authors `/authors/`", "authors/", "text/html"),
             # The folded spelling, as the pages link it (another one is redirected to it).
             ("one author `/author/?name=`", f"author/?name={quote(' '.join(pypi_shape.vocab.AUTHORS[0].lower().split()))}",
              "text/html"),
             ("keywords `/keywords/`", "keywords/", "text/html"),
             ("one keyword `/keyword/?name=`", f"keyword/?name={word}", "text/html"),
             ("classifiers `/classifiers/`", "classifiers/", "text/html"),
             ("one classifier `/classifier/?name=`", f"classifier/?name={classifier}", "text/html"),
             ("filter `/filter/?name=`", f"filter/?name={classifier}", "text/html"),
             ("latest releases feed `/rss/updates.xml`", "rss/updates.xml", "application/rss+xml"),
             ("newest projects feed `/rss/packages.xml`", "rss/packages.xml", "application/rss+xml")]
    return rows


def static_median(body: bytes, workdir: Path) -> float:
    """The same bytes as a static file (bench_simple's floor: Python's http.server on loopback)."""
    folder = workdir / "static-page"
    folder.mkdir(exist_ok=True)
    (folder / "page").write_bytes(body)
    session = requests.Session()
    session.headers["Accept-Encoding"] = "identity"
    with static_server(folder) as url:
        session.get(f"{url}/page").raise_for_status()
        return median_seconds(lambda: session.get(f"{url}/page").content, PAGE_REPEATS)


def page_medians(db: Database, server: AnyServer, shapes: list[pypi_shape.ProjectShape],
                 workdir: Path) -> list[dict[str, Any]]:
    """Each page kind's warm median and server CPU; an answer of a megabyte or more also as a
    static file of the same bytes, in the same run."""
    session = requests.Session()
    session.auth = db.session.auth
    session.headers["Accept-Encoding"] = "identity"
    base = f"{db.url}/_design/pypi/_rewrite/"
    pid = server.process.pid if server.process else None
    rows = []
    for kind, path, accept in pages(shapes):
        def fetch() -> requests.Response:  # redirects followed: what a client pays (a long Simple page's attachment)
            return session.get(base + path, headers={"Accept": accept}, timeout=3600)
        first = fetch()
        cpu_before = cpu_seconds(pid) if pid else 0.0
        median = median_seconds(fetch, PAGE_REPEATS)
        status = "→".join(str(r.status_code) for r in [*first.history, first])
        rows.append({"kind": kind, "status": status, "bytes": len(first.content), "median": median,
                     "cpu": (cpu_seconds(pid) - cpu_before) / PAGE_REPEATS if pid else 0.0})
        if len(first.content) >= 1_000_000:
            rows[-1]["static"] = static_median(first.content, workdir)
        log(f"  {kind}: {rows[-1]['median'] * 1000:.0f} ms ({first.status_code})")
    return rows


def derived_documents(db: Database) -> dict[str, float]:
    """The tallies and the ``/simple/`` index pieces, rendered as the end of an import renders them.

    The import ran before the CouchApp was pushed (so the view build is timed alone), and the
    importer renders these from the views: found missing then, they are rendered here, timed.
    """
    seconds = {}
    for label, refresh in (("tallies", refresh_tallies), ("simple_index", refresh_simple_index)):
        started = time.perf_counter()
        refresh(db)
        seconds[label] = time.perf_counter() - started
        log(f"  {label} rendered: {seconds[label]:.1f} s")
    return seconds


def measure(kind: str, index_url: str, emulator_pid: int, shapes: list[pypi_shape.ProjectShape], workdir: Path) -> dict[str, Any]:
    figures: dict[str, Any] = {"server": LABELS[kind]}
    with bench_server(kind, workdir) as server:
        assert server.process is not None
        data_dir = workdir / f"{kind}-server"
        db = Database(parse_database_url(f"{server.url}/pypi"), timeout=3600, max_wait=120)
        db.create()
        if kind == "couchdb":  # as --setup leaves a node: every write passes the guard
            install_guard(db)
        log(f"{kind}: importing")
        node_before, emulator_before = cpu_seconds(server.process.pid), cpu_seconds(emulator_pid)
        figures["import"] = import_in_child(f"{server.url}/pypi", index_url)
        figures["import"]["server_cpu"] = cpu_seconds(server.process.pid) - node_before
        figures["import"]["emulator_cpu"] = cpu_seconds(emulator_pid) - emulator_before
        info = db.info()
        figures["documents"] = info.get("doc_count")
        figures["disk_after_import"] = disk_bytes(data_dir)
        log(f"{kind}: imported in {figures['import']['seconds']:.0f} s, {figures['documents']} documents")
        figures["samples"] = {label: {"name": normalized(shape), "releases": shape.releases, "files": sum(shape.files)}
                              for label, shape in sample_projects(shapes).items()}
        by_files = sorted(shapes, key=lambda s: sum(s.files))[-5:]
        by_releases = sorted(shapes, key=lambda s: s.releases)[-5:]
        by_description = sorted(shapes, key=lambda s: s.description_chars)[-5:]
        names = sorted({normalized(shape) for shape in by_files + by_releases + by_description})
        figures["largest"] = largest_documents(db, names)
        if kind in IMPORT_ONLY:
            log(f"{kind}: import only (BENCH_SCALE_IMPORT_ONLY)")
            return figures
        log(f"{kind}: building views")
        started = time.perf_counter()
        report = push_design_doc(db.location, on_view=lambda view, s: log(f"  {view}: {s:.0f} s"))
        figures["views"] = {"seconds": time.perf_counter() - started, "per_view": report.build_seconds, "how": report.how}
        figures["derived"] = derived_documents(db)
        figures["disk_after_views"] = disk_bytes(data_dir)
        log(f"{kind}: views built in {figures['views']['seconds']:.0f} s; pages")
        figures["pages"] = page_medians(db, server, shapes, workdir)
        if kind == "couchdb":
            figures["compaction_seconds"] = wait_compacted(db)
            figures["disk_after_compaction"] = disk_bytes(data_dir)
    return figures


# ---- report ---------------------------------------------------------------------------------

def _gb(size: int) -> str:
    return f"{size / 1e9:,.2f} GB"


def _t(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 60:.1f} min" if seconds >= 120 else f"{seconds:.0f} s"


def _ms(seconds: float) -> str:
    ms = seconds * 1000
    return f"{ms:,.0f} ms" if ms >= 10 else f"{ms:.1f} ms"


def _scale(run: dict[str, Any]) -> str:
    projects = run["shape"]["projects"]
    return f"{projects // 1000:,}k" if projects >= 1000 else f"{projects:,}"


def markdown(runs: list[dict[str, Any]]) -> str:
    runs = sorted(runs, key=lambda r: (r["shape"]["releases"], r["kind"] != "pouchdb"))
    shapes = {r["shape"]["releases"]: r["shape"] for r in runs}
    heads = [f"{r['server']}, {_scale(r)}" for r in runs]
    lines = [
        "## Scale: a PyPI-shaped data set, and the whole of PyPI extrapolated (`bench/bench_scale.py`, `make bench-scale`)",
        "",
        "Method: the data set is drawn by `bench/pypi_shape.py` (its docstring says where the shape comes from: "
        "PyPI's 2026 totals, the right skew reported by Bommarito & Bommarito 2019, files per release from the "
        "bundled pypi.org captures); the emulator serves it from its own process, building each project when the "
        "importer first asks for it (its CPU is the third figure of the CPU row: it shares the 2 cores); the real importer (`XmlRpcImporter.import_all()`, a fresh process, 8 fetch "
        "threads, descriptions rendered, OPML/DOAP attached) imports it into an empty database of each server in "
        "turn; CouchDB's database has the `--setup` guard. The CouchApp is pushed afterwards, as a deploy pushes it "
        "(`push_design_doc`: scratch design document, each view queried until built), so the build is timed "
        "alone (CouchDB builds every view of a design document in one pass: they answer together; PouchDB "
        "Server builds each view on its first query, one after another); the tallies and the `/simple/` index pieces, which the importer renders from the views at the end "
        f"of a run, are rendered then (timed); then each page is requested once (not counted) and {PAGE_REPEATS} times (median). Sizes are the "
        "server's data folder. The machine is shared with other work (load average below): wall times carry "
        "that noise, CPU seconds less so.",
        "",
        "| shape | " + " | ".join(f"{s['projects']:,} projects" for s in shapes.values()) + " | PyPI (2026) |",
        "|---|" + "---:|" * (len(shapes) + 1),
    ]

    def shape_row(label: str, cell, pypi: str = "") -> None:
        lines.append(f"| {label} | " + " | ".join(cell(s) for s in shapes.values()) + f" | {pypi} |")

    shape_row("releases (per project)", lambda s: f"{s['releases']:,} ({s['releases'] / s['projects']:.1f})",
              f"{PYPI['releases']:,} ({PYPI['releases'] / PYPI['projects']:.1f})")
    shape_row("files (per release)", lambda s: f"{s['files']:,} ({s['files'] / s['releases']:.2f})",
              f"~{PYPI['files']:,} ({PYPI['files'] / PYPI['releases']:.2f})")
    shape_row("releases per project: median / p90 / p99 / max", lambda s: f"{s['releases_median']:g} / "
              f"{s['releases_p90']} / {s['releases_p99']} / {s['releases_max']:,}", "max 9,475")
    shape_row("projects with one release", lambda s: f"{s['one_release']:.0%}")
    shape_row("files per release: median / p99 / max", lambda s: f"{s['files_per_release_p50']} / "
              f"{s['files_per_release_p99']} / {s['files_per_release_max']}")
    shape_row("most files in one project", lambda s: f"{s['files_max']:,}", "tens of thousands")
    shape_row("projects with compiled wheels", lambda s: f"{s['binary']:,}")
    shape_row("description characters: median / p99 / max", lambda s: f"{s['description_median']:,} / "
              f"{s['description_p99']:,} / {s['description_max']:,}")
    lines += ["", "| | " + " | ".join(heads) + " |", "|---|" + "---:|" * len(runs)]

    def row(label: str, cell) -> None:
        lines.append(f"| {label} | " + " | ".join(cell(r) for r in runs) + " |")

    def when(r: dict[str, Any]) -> str:
        return f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime(r['started']))} UTC, `{r['commit']}`, load {r['load']:.1f}"

    row("run", when)
    row("documents written", lambda r: f"{r['documents']:,}")
    row("import time", lambda r: _t(r["import"]["seconds"]))
    row("import rate", lambda r: f"{r['shape']['releases'] / r['import']['seconds']:,.0f} releases/s, "
        f"{r['documents'] / r['import']['seconds']:,.0f} documents/s")
    row("importer peak RSS", lambda r: f"{r['import']['rss_mb']:,.0f} MB")
    row("importer CPU / server CPU / emulator CPU", lambda r: f"{r['import']['cpu']:,.0f} s / "
        f"{r['import']['server_cpu']:,.0f} s / " + (f"{r['import']['emulator_cpu']:,.0f} s"
                                                    if "emulator_cpu" in r["import"] else "prebuilt"))
    row("failed projects", lambda r: str(r["import"]["failed"]))
    row("size on disk after import", lambda r: _gb(r["disk_after_import"]))
    row("… after the views", lambda r: _gb(r["disk_after_views"]) if "disk_after_views" in r else "not built")
    row("… after compaction", lambda r: _gb(r["disk_after_compaction"]) if "disk_after_compaction" in r
        else "LevelDB compacts as it goes" if r["kind"] == "pouchdb" else "")
    row("largest document", lambda r: f"{r['largest'][0]:,} B, {r['largest'][2]}")
    row("view build, `_design/pypi`", lambda r: _t(r["views"]["seconds"]) if "views" in r else "not run")
    row("tallies rendered / `/simple/` index rendered", lambda r: " / ".join(
        _t(r["derived"][k]) for k in ("tallies", "simple_index")) if "derived" in r else "not run")
    def one_at_a_time(r: dict[str, Any]) -> bool:  # PouchDB Server: each view its own build
        return sum(1 for seconds in r.get("views", {}).get("per_view", {}).values() if seconds >= 1) > 1

    views = sorted({v for r in runs if one_at_a_time(r) for v in r["views"]["per_view"]})
    for view in views:
        row(f"… until `{view}` answered", lambda r, v=view: _t(r["views"]["per_view"][v])
            if v in r.get("views", {}).get("per_view", {}) else "")
    with_pages = [r for r in runs if r.get("pages")]
    if with_pages:
        lines += ["", "Pages, warm median (server CPU per request in brackets; an answer of a megabyte or more also as a static file of the same bytes, Python's http.server, in the same run):", "",
                  "| page | " + " | ".join(f"{r['server']}, {_scale(r)}" for r in with_pages) + " | bytes (largest set) |",
                  "|---|" + "---:|" * (len(with_pages) + 1)]
        for index, page in enumerate(with_pages[-1]["pages"]):
            cells = []
            for r in with_pages:
                p = next((p for p in r["pages"] if p["kind"] == page["kind"]), None)
                cells.append("" if p is None else f"{_ms(p['median'])} ({_ms(p['cpu'])})"
                             + (f"; static file {_ms(p['static'])}" if "static" in p else "")
                             + ("" if p["status"] == 200 else f" HTTP {p['status']}"))
            lines.append(f"| {page['kind']} | " + " | ".join(cells) + f" | {page['bytes']:,} |")
        lines += ["", "The sample projects: " + "; ".join(
            f"{_scale(r)}: " + ", ".join(f"{label} `{s['name']}` ({s['releases']:,} releases, {s['files']:,} files)"
                                          for label, s in r["samples"].items())
            for r in with_pages if r["kind"] == with_pages[-1]["kind"]) + "."]
    lines += extrapolation(runs)
    return "\n".join(lines) + "\n"


def extrapolation(runs: list[dict[str, Any]]) -> list[str]:
    """Whole-PyPI figures from the largest set each server was measured on, scaled by releases."""
    kinds = sorted({r["kind"] for r in runs}, key=lambda k: k != "pouchdb")
    lines = ["", f"Extrapolated to the whole of PyPI ({PYPI['projects']:,} projects, {PYPI['releases']:,} releases, "
             f"~{PYPI['files']:,} files), linearly by releases from the largest set each figure was measured on: "
             "import, view build and size grow with the documents, the Simple index with the projects; a page "
             "that reads a bounded number of rows stays as it is. The rates at two scales above show how far "
             "linear holds.", "",
             "| whole PyPI, extrapolated | " + " | ".join(LABELS[k] for k in kinds) + " |",
             "|---|" + "---:|" * len(kinds)]

    def largest(kind: str, key: str) -> dict[str, Any] | None:
        having = [r for r in runs if r["kind"] == kind and key in r]
        return max(having, key=lambda r: r["shape"]["releases"]) if having else None

    def row(label: str, key: str, cell) -> None:
        cells = []
        for kind in kinds:
            r = largest(kind, key)
            cells.append("" if r is None else f"{cell(r, PYPI['releases'] / r['shape']['releases'])} (from {_scale(r)})")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    row("import", "import", lambda r, f: _t(r["import"]["seconds"] * f))
    row("view build", "views", lambda r, f: _t(r["views"]["seconds"] * f))
    row("size on disk, documents", "disk_after_import", lambda r, f: _gb(int(r["disk_after_import"] * f)))
    row("size on disk, views included", "disk_after_views", lambda r, f: _gb(int(r["disk_after_views"] * f)))
    row("… compacted", "disk_after_compaction", lambda r, f: _gb(int(r["disk_after_compaction"] * f)))
    row("Simple index `/simple/` JSON", "pages",
        lambda r, f: _ms(r["pages"][0]["median"] * PYPI["projects"] / r["shape"]["projects"]))
    lines.append("")
    return lines


def saved_runs() -> list[dict[str, Any]]:
    return [json.loads(path.read_text()) for path in sorted(RESULTS.glob("scale-*.json"))]


def run() -> str:
    started, load = time.time(), os.getloadavg()[0]
    log(f"{PROJECTS:,} projects, {RELEASES:,} releases; results in {RESULTS}")
    shapes = pypi_shape.project_shapes(PROJECTS, RELEASES, SEED)
    shape = pypi_shape.summary(shapes)
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-scale-", dir=os.environ.get("BENCH_SCALE_DIR")) as tmp, \
            shaped_emulator() as (url, emulator_pid):
        log(f"emulator at {url}")
        for kind in bench_server_kinds():
            figures = measure(kind, url, emulator_pid, shapes, Path(tmp))
            figures.update(kind=kind, shape=shape, started=started, load=load, commit=_commit(),
                           seconds=time.time() - started)
            (RESULTS / f"scale-{PROJECTS}-{RELEASES}-{kind}.json").write_text(json.dumps(figures, indent=1))
            log(f"{kind}: done")
    return markdown(saved_runs())


def _commit() -> str:
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parent)
    return result.stdout.strip() or "unknown"


if __name__ == "__main__":
    print(run())
