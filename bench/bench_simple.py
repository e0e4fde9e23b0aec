"""Benchmark: the Simple API served by the CouchApp, against a static file server (the floor).

1. Latency of `/simple/<name>/` for projects of 10, 1,500 and 50,000 files, as JSON (pip's
   Accept header) and HTML, next to the same bytes served as a static file by Python's
   http.server, and next to the bare view query the list function reads (to tell the view's
   cost from the rendering's).
2. pip resolving and downloading 20 packages through the CouchApp, against a static
   Simple API tree of the same packages generated from the emulator's data.

`run()` returns the Markdown section for docs/benchmarks.md; `python -m bench.bench_simple`
prints it. Everything runs on loopback: the embedded PouchDB Server and, where a release
is installed, Apache CouchDB 3.x (bench/servers.py), the emulator, and http.server; about a
minute per server on 2 cores.
"""

from __future__ import annotations

import functools
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator

import requests

from pypioncouch import import_all
from pypioncouch.couch import Database
from pypioncouch.documents import build_project_documents
from pypioncouch.emulator import Dataset, EmulatorServer, generate_dataset, installable_project
from pypioncouch.emulator.payloads import UrlPolicy, json_api_project, simple_detail, simple_index
from pypioncouch.emulator.simple import TEXT_HTML, render
from pypioncouch.servers import AnyServer

from .servers import LABELS, bench_server, bench_server_kinds, new_app_database

PIP_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"
# (label, releases, files per release): 10, 1,500 and 50,000 files.
PROJECT_SIZES = [("10 files", 5, 2), ("1,500 files", 15, 100), ("50,000 files", 500, 100)]
PIP_PACKAGES = 20
PIP_ROUNDS = 3


class _QuietHandler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the CouchDB side gets

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without this, Nagle's algorithm and
        # the client's delayed ACK add 40 ms to every small response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def static_server(root: Path) -> Iterator[str]:
    """Python's http.server over `root` on loopback: the floor any dynamic server is held to."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def median_seconds(fetch: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fetch()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def write_project(db: Database, payload: dict[str, Any]) -> None:
    docs = build_project_documents(payload).all()
    for start in range(0, len(docs), 200):
        db.bulk_docs(docs[start:start + 200])


def _get(session: requests.Session, url: str, accept: str, **params: Any) -> bytes:
    response = session.get(url, headers={"Accept": accept}, params=params, timeout=300)
    response.raise_for_status()
    return response.content


# ---- 1. page latency ----------------------------------------------------------------------

def page_latency(server: AnyServer, workdir: Path) -> list[dict[str, Any]]:
    db = new_app_database(server, "bench-simple-latency")
    session = requests.Session()
    # PouchDB Server gzips view responses (not list responses) when asked; uncompressed
    # everywhere keeps the three columns comparable.
    session.headers["Accept-Encoding"] = "identity"
    rows = []
    for index, (label, releases, files) in enumerate(PROJECT_SIZES):
        project = next(iter(generate_dataset(projects=1, releases_per_project=releases, files_per_release=files,
                                             seed=index)))
        payload = json_api_project(project, UrlPolicy("http://files.example"))
        write_project(db, payload)
        name = project.normalized
        page_url = f"{db.url}/_design/pypi/_rewrite/simple/{name}/"
        view_url = f"{db.url}/_design/pypi/_view/simple_page"
        view_keys = {"startkey": json.dumps([name]), "endkey": json.dumps([name, {}]), "include_docs": "true"}
        repeats = 5 if files * releases > 10_000 else 20
        for media, accept in (("JSON", PIP_ACCEPT), ("HTML", "text/html")):
            body = _get(session, page_url, accept)  # also builds the view: not measured
            static_dir = workdir / "static" / server.kind / name / media
            static_dir.mkdir(parents=True)
            (static_dir / "index.html").write_bytes(body)
            couch = median_seconds(lambda: _get(session, page_url, accept), repeats)
            view = median_seconds(lambda: _get(session, view_url, "application/json", **view_keys), repeats)
            with static_server(static_dir) as static_url:
                floor = median_seconds(lambda: _get(session, static_url + "/index.html", accept), repeats)
            rows.append({"server": LABELS[server.kind], "label": label, "media": media, "bytes": len(body),
                         "couch": couch, "view": view, "static": floor})
    return rows


# ---- 2. pip through the CouchApp and through a static tree -----------------------------------

def pip_dataset() -> Dataset:
    data = Dataset()
    for index in range(PIP_PACKAGES):
        installable_project(f"bench-pkg-{index:02d}", ["1.0.0", "1.1.0", "2.0.0"], dataset=data)
    return data


def write_static_tree(emulator: EmulatorServer, root: Path) -> None:
    """The emulator's own Simple API pages as files: `simple/index.html`, `simple/<name>/index.html`."""
    (root / "simple").mkdir(parents=True)
    (root / "simple" / "index.html").write_bytes(render(simple_index(emulator.dataset), TEXT_HTML))
    for project in emulator.dataset:
        directory = root / "simple" / project.normalized
        directory.mkdir()
        (directory / "index.html").write_bytes(render(simple_detail(project, emulator.urls), TEXT_HTML))


def pip_download_seconds(index_url: str, names: list[str], workdir: Path) -> float:
    target = Path(tempfile.mkdtemp(dir=workdir))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE="/dev/null", PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pip", "download", "--no-cache-dir", "--dest", str(target),
                             "--index-url", index_url, *names], env=env, capture_output=True, text=True,
                            timeout=600)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"pip download from {index_url} failed:\n{result.stderr}")
    downloaded = sorted(p.name for p in target.iterdir())
    if len(downloaded) != len(names):
        raise RuntimeError(f"pip downloaded {downloaded}, expected one file for each of {names}")
    return elapsed


def pip_comparison(server: AnyServer, workdir: Path) -> dict[str, Any]:
    with EmulatorServer(pip_dataset()) as emulator:
        db = new_app_database(server, "bench-simple-pip")
        import_all(db.location, index_url=emulator.url, attachments=None, workers=2)
        names = sorted(project.normalized for project in emulator.dataset)
        couch_url = f"{db.url}/_design/pypi/_rewrite/simple/"
        tree = workdir / "tree" / server.kind
        write_static_tree(emulator, tree)
        with static_server(tree) as static_url:
            pip_download_seconds(couch_url, names, workdir)  # warms the views: not measured
            couch, static = [], []
            for _ in range(PIP_ROUNDS):  # interleaved, so drift hits both alike
                couch.append(pip_download_seconds(couch_url, names, workdir))
                static.append(pip_download_seconds(static_url + "/simple/", names, workdir))
    return {"server": LABELS[server.kind], "couch": statistics.median(couch), "static": statistics.median(static),
            "packages": len(names)}


# ---- report -------------------------------------------------------------------------------------

def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def markdown(latency: list[dict[str, Any]], pips: list[dict[str, Any]], seconds: float) -> str:
    servers = " and ".join(dict.fromkeys(row["server"] for row in latency))
    lines = [
        "## Simple API: CouchApp against a static file server",
        "",
        f"`bench/bench_simple.py`. {servers}, Python's `http.server` and the client on",
        "one machine, loopback only. Median of 20 requests (5 for 50,000 files) on one keep-alive",
        "`requests` session, uncompressed; the first request of each page (which builds the view) is",
        "not counted.",
        "*Static* serves the very bytes the CouchApp returned, as a file; *view* is the bare view",
        "query the list function reads (`_view/simple_page` for the project's key range, with",
        "`include_docs`: the stored page's head and the pieces of both renderings; the list reads",
        "only the negotiated rendering's).",
        "",
        "| server | project | format | bytes | CouchApp | view alone | static file | CouchApp / static |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in latency:
        lines.append(f"| {row['server']} | {row['label']} | {row['media']} | {row['bytes']:,} | {_ms(row['couch'])} | "
                     f"{_ms(row['view'])} | {_ms(row['static'])} | {row['couch'] / row['static']:.1f}x |")
    lines += [
        "",
        f"pip {PIP_ROUNDS} times `pip download` of {pips[0]['packages']} packages (3 versions each, wheel + sdist;",
        "pip reads the JSON page, the wheel's PEP 658 metadata, then the wheel) from the emulator's files,",
        "with the index either the CouchApp or a static tree of the emulator's own Simple pages;",
        "pip's own start-up is in both figures.",
        "",
        "| index | pip download, median | ratio |",
        "|---|---:|---:|",
    ]
    for pip in pips:
        lines += [
            f"| {pip['server']}: CouchApp `_rewrite/simple/` | {pip['couch']:.2f} s | {pip['couch'] / pip['static']:.2f}x |",
            f"| static tree (`http.server`), same round | {pip['static']:.2f} s | 1.00x |",
        ]
    lines += [
        "",
        f"Whole benchmark: {seconds:.0f} s.",
        "",
    ]
    return "\n".join(lines)


def run() -> str:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-simple-") as tmp:
        workdir = Path(tmp)
        latency, pips = [], []
        for kind in bench_server_kinds():
            with bench_server(kind, workdir) as server:
                latency += page_latency(server, workdir)
                pips.append(pip_comparison(server, workdir))
    return markdown(latency, pips, time.perf_counter() - started)


if __name__ == "__main__":
    print(run())
