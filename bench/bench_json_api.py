"""Benchmark: the JSON API and the Simple page of the largest projects, and where their time goes.

For projects shaped like PyPI's largest (botocore: ~1,900 releases of 2 files; numpy: ~120
releases of ~30 wheels; pydantic-core: ~150 releases of ~100 files), on each server
(bench/servers.py), median of repeated requests once the views are built:

- `/pypi/<name>/json`: the stored answer (json_api.py, what the CouchApp serves), the same
  answer built per request from the release documents (`json/from-documents`, what every
  request ran before), the view that list reads without and with `include_docs`, and the
  same bytes as a static file (Python's http.server);
- `/pypi/<name>/<version>/json` of the latest version;
- `/simple/<name>/` as JSON and HTML, next to the bare view it reads and a list function
  over that view that only reads the rows (so: view read, rows into the query server,
  then the page build and render), and the static file.

`run()` returns the Markdown section for docs/benchmarks.md; `python -m bench.bench_json_api`
prints it.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import requests

from pypioncouch.couch import Database
from pypioncouch.documents import build_project_documents
from pypioncouch.emulator import generate_dataset
from pypioncouch.emulator.payloads import UrlPolicy, json_api_project
from pypioncouch.servers import AnyServer

from .bench_import import cpu_seconds
from .bench_simple import PIP_ACCEPT, static_server
from .servers import LABELS, bench_server, bench_server_kinds, new_app_database

# (label, releases, files per release)
PROJECTS = [("10 releases × 2 files", 10, 2), ("botocore-like: 1,900 × 2", 1_900, 2),
            ("numpy-like: 120 × 30", 120, 30), ("pydantic-core-like: 150 × 100", 150, 100)]
FILES_URL = "https://files.pythonhosted.org"
# A list over pypi's own view that reads every row and renders nothing: rows into the query server.
ROWS_ONLY = {
    "_id": "_design/bench-rows", "language": "javascript",
    "lists": {"rows_only": "function (head, req) { var n = 0; while (getRow()) { n++; } "
                           "start({headers: {'Content-Type': 'text/plain'}}); return String(n); }"},
}


def median_ms(fetch: Callable[[], Any], repeats: int, cpu: dict[str, float] | None = None, key: str = "",
              pid: int | None = None) -> float:
    """Median wall time of ``fetch`` in ms; with ``pid``, the server's CPU ms per request into ``cpu[key]``
    (on a shared machine CPU time moves far less than wall time)."""
    fetch()  # warm: builds a view on first use
    times = []
    cpu_before = cpu_seconds(pid) if pid else 0.0
    for _ in range(repeats):
        started = time.perf_counter()
        fetch()
        times.append(time.perf_counter() - started)
    if pid and cpu is not None:
        cpu[key] = (cpu_seconds(pid) - cpu_before) / repeats * 1000
    return statistics.median(times) * 1000


def _getter(session: requests.Session, url: str, accept: str = "*/*", expect: int = 200,
            headers: dict[str, str] | None = None, follow: bool = False, **params: Any) -> Callable[[], bytes]:
    """``follow``: through redirects, as a client goes (a long Simple page: 307 to its attachment)."""
    def fetch() -> bytes:
        response = session.get(url, headers={"Accept": accept, **(headers or {})}, params=params, timeout=600,
                               allow_redirects=follow)
        if response.status_code != expect:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
        return response.content
    return fetch


def write(db: Database, docs: list[dict[str, Any]]) -> None:
    batch: list[dict[str, Any]] = []
    size = 0
    for doc in docs:
        batch.append(doc)
        size += len(json.dumps(doc))
        if size > 4_000_000 or len(batch) >= 200:
            db.bulk_docs(batch)
            batch, size = [], 0
    if batch:
        db.bulk_docs(batch)


def measure(server: AnyServer, workdir: Path) -> list[dict[str, Any]]:
    db = new_app_database(server, "bench-json-api")
    db.put(dict(ROWS_ONLY))
    session = requests.Session()
    session.headers["Accept-Encoding"] = "identity"
    base, rows = f"{server.base_url}/{db.location.name}", []
    rows_only = f"{db.url}/_design/bench-rows/_list/rows_only/pypi"
    for index, (label, releases, files) in enumerate(PROJECTS):
        project = next(iter(generate_dataset(projects=1, releases_per_project=releases, files_per_release=files,
                                             seed=100 + index)))
        payload = json_api_project(project, UrlPolicy(FILES_URL))
        write(db, build_project_documents(payload).all())
        name, latest = project.normalized, payload["info"]["version"]
        repeats = 5 if releases * files > 10_000 else 9
        rw = f"{base}/_design/pypi/_rewrite"
        keys = {"startkey": json.dumps([name]), "endkey": json.dumps([name, {}])}
        answer = _getter(session, f"{rw}/pypi/{name}/json")()
        cells: dict[str, float] = {}
        cpu: dict[str, float] = {}
        pid = server.process.pid if server.process else None
        static_dir = workdir / server.kind / name
        static_dir.mkdir(parents=True)
        pages = {"json": answer, "release": _getter(session, f"{rw}/pypi/{name}/{latest}/json")(),
                 "simple-json": _getter(session, f"{rw}/simple/{name}/", PIP_ACCEPT, follow=True)(),
                 "simple-html": _getter(session, f"{rw}/simple/{name}/", "text/html", follow=True)()}
        for key, body in pages.items():
            (static_dir / key).write_bytes(body)
        with static_server(static_dir) as static_url:
            for key in pages:
                cells[f"static {key}"] = median_ms(_getter(session, f"{static_url}/{key}"), repeats)
        cells["stored"] = median_ms(_getter(session, f"{rw}/pypi/{name}/json"), repeats, cpu, "stored", pid)
        # as pip and bandersnatch's aiohttp ask: a long answer by a 307 to its gzipped copy (json_api.py)
        gzip_get = _getter(session, f"{rw}/pypi/{name}/json", headers={"Accept-Encoding": "gzip"}, follow=True)
        cells["stored gzip"] = median_ms(gzip_get, repeats, cpu, "stored gzip", pid)
        gzipped = session.get(f"{rw}/pypi/{name}/json", headers={"Accept-Encoding": "gzip"}, timeout=600, stream=True)
        cells["gzip copy"] = bool(gzipped.history)
        packed = gzipped.raw.read()  # the bytes as sent, not decoded
        (static_dir / "json.gz").write_bytes(packed)
        with static_server(static_dir) as static_url:
            cells["static json.gz"] = median_ms(_getter(session, f"{static_url}/json.gz"), repeats)
        cells["gzip bytes"] = len(packed)
        cells["built"] = median_ms(_getter(session, f"{rw}/pypi/{name}/json/from-documents"), repeats, cpu, "built", pid)
        view = f"{db.url}/_design/pypi/_view/json_api_project"
        cells["view"] = median_ms(_getter(session, view, **keys), repeats)
        cells["view docs"] = median_ms(_getter(session, view, **keys, include_docs="true"), repeats)
        cells["release"] = median_ms(_getter(session, f"{rw}/pypi/{name}/{latest}/json"), repeats)
        cells["simple-json"] = median_ms(_getter(session, f"{rw}/simple/{name}/", PIP_ACCEPT, follow=True), repeats,
                                         cpu, "simple-json", pid)
        cells["simple-html"] = median_ms(_getter(session, f"{rw}/simple/{name}/", "text/html", follow=True), repeats)
        redirected = session.get(f"{rw}/simple/{name}/", headers={"Accept": PIP_ACCEPT}, timeout=600)
        cells["simple attached"] = bool(redirected.history)
        cells["simple built"] = median_ms(_getter(session, f"{rw}/simple-from-documents/{name}/", PIP_ACCEPT),
                                          repeats, cpu, "simple built", pid)
        etag = redirected.headers["ETag"]  # the list's, or the attachment's (the redirect is followed with it)
        cells["simple 304"] = median_ms(_getter(session, f"{rw}/simple/{name}/", PIP_ACCEPT, expect=304, follow=True,
                                                headers={"If-None-Match": etag}), repeats)
        cells["simple view"] = median_ms(_getter(session, f"{db.url}/_design/pypi/_view/simple_files", **keys), repeats)
        cells["simple rows"] = median_ms(_getter(session, f"{rows_only}/simple_files", **keys), repeats)
        simple_rows = int(_getter(session, f"{rows_only}/simple_files", **keys)())
        rows.append({"server": LABELS[server.kind], "label": label, "files": releases * files,
                     "bytes": {key: len(body) for key, body in pages.items()}, "rows": simple_rows,
                     "cpu": cpu, **cells})
    return rows


def _f(ms: float) -> str:
    return f"{ms:,.1f}" if ms < 100 else f"{ms:,.0f}"


def _commit() -> str:
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parent)
    return result.stdout.strip() or "unknown"


def markdown(rows: list[dict[str, Any]], seconds: float, load: float, started_at: float) -> str:
    servers = " and ".join(dict.fromkeys(row["server"] for row in rows))
    lines = [
        "## JSON API and Simple page of the largest projects (`bench/bench_json_api.py`)",
        "",
        f"{servers}; generated projects shaped like PyPI's largest, documents as the importer "
        "writes them; median of 9 requests (5 past 10,000 files) on one keep-alive session, "
        "uncompressed, views built before. *Static*: the same bytes from Python's `http.server`. "
        "*Server CPU*: the server's processes' CPU time per request (beam.smp and couchjs on CouchDB), "
        "from /proc: on a shared machine it moves far less than wall time.",
        f"Run: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(started_at))}, commit `{_commit()}`, load average "
        f"{load:.1f} on {os.cpu_count()} cores when it started.",
        "",
        "`/pypi/<name>/json`: *stored* is what the CouchApp serves (the answer the importer rendered, "
        "json_api.py: a few documents concatenated by a list); *built* is the same answer built per "
        "request by the list over every release document (`json/from-documents`, what every request "
        "ran before); *view* and *+docs* are the bare view that list reads, without and with `include_docs`.",
        "",
        "*stored, gzip* is the same URL asked with `Accept-Encoding: gzip`, as pip, requests and bandersnatch's "
        "aiohttp ask, redirects followed and the body decoded: an answer over 1,000,000 characters comes by a 307 "
        "to its gzipped copy (a show sending the stored bytes, json_api.py), marked *307 + copy*; a shorter one "
        "as *stored* (PouchDB Server then compresses it itself). *static .gz*: the bytes that request received, "
        "from `http.server`.",
        "",
        "| server | project | bytes | static | **stored** | stored / static | stored, gzip (bytes sent) | gzip / static | static .gz | built | view | view + docs | server CPU stored / gzip / built | `/<version>/json` (static) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['server']} | {r['label']} | {r['bytes']['json']:,} | {_f(r['static json'])} ms | "
                     f"**{_f(r['stored'])} ms** | {r['stored'] / r['static json']:.1f}x | "
                     f"**{_f(r['stored gzip'])} ms**{' (307 + copy)' if r['gzip copy'] else ''} ({r['gzip bytes']:,}) | "
                     f"{r['stored gzip'] / r['static json']:.1f}x | {_f(r['static json.gz'])} ms | {_f(r['built'])} ms | "
                     f"{_f(r['view'])} ms | {_f(r['view docs'])} ms | "
                     f"{_f(r['cpu'].get('stored', 0))} / {_f(r['cpu'].get('stored gzip', 0))} / "
                     f"{_f(r['cpu'].get('built', 0))} ms | "
                     f"{_f(r['release'])} ms ({_f(r['static release'])} ms) |")
    lines += [
        "",
        "`/simple/<name>/`: **stored** is what the CouchApp serves (the page the importer rendered, "
        "simple_pages.py: the project's row and the negotiated rendering's pieces, lists/simple_project_page; "
        "a rendering over 1,000,000 characters is an attachment the list redirects to, marked *307 + attachment*: "
        "the time is both requests, as a client follows them); "
        "*304* is a revalidation of it with its ETag (the attachment's, through the redirect); *built* is the same page built per request from one row per "
        "release document (`simple-from-documents/<name>/`, lists/simple_detail over views/simple_files, what every "
        "request ran before); *view* is that list's bare view query and *rows into the list* a list over it that "
        "reads every row and renders nothing.",
        "",
        "| server | project | JSON bytes | static JSON / HTML | **stored JSON** | stored HTML | stored / static | 304 | built JSON | built rows | view | rows into the list | server CPU stored / built |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['server']} | {r['label']} | {r['bytes']['simple-json']:,} | "
                     f"{_f(r['static simple-json'])} / {_f(r['static simple-html'])} ms | "
                     f"**{_f(r['simple-json'])} ms**{' (307 + attachment)' if r['simple attached'] else ''} | "
                     f"{_f(r['simple-html'])} ms | "
                     f"{r['simple-json'] / r['static simple-json']:.1f}x | {_f(r['simple 304'])} ms | "
                     f"{_f(r['simple built'])} ms | {r['rows']:,} | {_f(r['simple view'])} ms | "
                     f"{_f(r['simple rows'])} ms | "
                     f"{_f(r['cpu'].get('simple-json', 0))} / {_f(r['cpu'].get('simple built', 0))} ms |")
    lines += [
        "",
        "Where the time goes. JSON API: built per request, the answer cost one row and one document per "
        "release (the *view + docs* column is most of *built*; on CouchDB each row then travels into couchjs "
        "on its own); stored, it is a few documents whatever the project, and what remains is moving the bytes "
        "through the query server: on CouchDB the documents go to couchjs as JSON and the answer comes back "
        "as a JSON string, about 25 ms of server CPU per MB on QuickJS (a document GET of the same bytes: ~5 ms "
        "per MB). Only an attachment served by the server itself skips couchjs, and it cannot say "
        "`X-PyPI-Last-Serial`, which bandersnatch requires of the JSON API's final answer: so the JSON API stays "
        "a list, and the Simple page, which pip and uv read without it, goes to an attachment when it is long. "
        "The gzipped copy sends a quarter of the bytes through couchjs (in as a document, out as base64, which "
        "CouchDB 3.5's Erlang/OTP 25 then decodes, a share of what remains). "
        "Simple page built per "
        "request: one row per release document, so a project with 1,900 releases is 1,901 rows: on PouchDB "
        "Server the view read is most of the time, on CouchDB the rows' trip into couchjs (*rows into the list* "
        "minus *view*), then building and rendering the page. Stored in pieces, it is the JSON API's case again: "
        "a few documents, whose bytes go through the query server once; stored as an attachment, the list "
        "reads two rows and the bytes come from the server's attachment code.",
        "",
        f"Whole benchmark: {seconds:.0f} s.",
        "",
    ]
    return "\n".join(lines)


def run() -> str:
    started, load, started_at = time.perf_counter(), os.getloadavg()[0], time.time()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-json-api-") as tmp:
        for kind in bench_server_kinds():
            with bench_server(kind, Path(tmp)) as server:
                rows += measure(server, Path(tmp))
    return markdown(rows, time.perf_counter() - started, load, started_at)


if __name__ == "__main__":
    print(run())
