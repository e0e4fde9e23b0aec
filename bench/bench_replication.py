"""Benchmark: making a mirror, and how far behind PyPI a follower stays.

1. Replication of a 10,000-project index between two local servers of one kind
   (PouchDB Server, then CouchDB 3.x where a release is installed): the origin is loaded with ``_bulk_docs`` of the documents the
   importer builds from the emulator's generated payloads (faster than a full
   import, same documents), then one ``POST /_replicate`` copies it, design doc
   included. Measured: documents per second, and the time until the mirror
   serves its first ``/simple/<name>/`` page (which includes building the view).
2. Follower lag: a follower (``--follow 1``) against the emulator while a
   producer adds a release every 0.5 s for 30 s; lag is the time from the
   upload to the release document being in CouchDB.

``run()`` returns the Markdown section for docs/benchmarks.md;
``python -m bench.bench_replication`` prints it. About 2-3 minutes per server on 2 cores.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

import requests

from pypioncouch.couch import Database, parse_database_url
from pypioncouch.documents import build_project_documents
from pypioncouch.emulator import Dataset, EmulatorServer, generate_dataset
from pypioncouch.emulator.payloads import UrlPolicy, json_api_project
from pypioncouch.follow import Follower
from pypioncouch.importer import XmlRpcImporter
from pypioncouch.replication import replication

from .servers import LABELS, bench_server, bench_server_kinds, install_app

PIP_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"
PROJECTS = int(os.environ.get("BENCH_REPLICATION_PROJECTS", "10000"))  # smaller for a smoke run
STREAM_SECONDS, STREAM_EVERY, FOLLOW_INTERVAL = float(os.environ.get("BENCH_STREAM_SECONDS", "30")), 0.5, 1.0


def build_documents(dataset: Dataset) -> list[dict]:
    """The documents the importer would write for every project (built once, before timing writes)."""
    urls = UrlPolicy("http://127.0.0.1:1")
    documents: list[dict] = []
    for project in dataset:
        payload = json_api_project(project, urls)
        if payload is not None:
            payload["last_serial"] = project.last_serial
            documents.extend(build_project_documents(payload).all())
    return documents


def load_origin(db: Database, documents: list[dict]) -> None:
    """Write the documents with _bulk_docs, 1,000 at a time."""
    for start in range(0, len(documents), 1000):
        failed = [r for r in db.bulk_docs(documents[start:start + 1000]) if not r.get("ok")]
        assert not failed, failed[:3]


def _first_page(url: str) -> requests.Response:
    """The mirror's first Simple page, which builds the design document's views. CouchDB 3.5 answers a
    first query with a 500 when building takes longer than its request timeout (seen at 10,000
    projects on a loaded machine, after the replication itself was complete): asked again until built."""
    deadline = time.monotonic() + 3600
    while True:
        page = requests.get(url, headers={"Accept": PIP_ACCEPT}, timeout=3600)
        if page.status_code != 500 or time.monotonic() > deadline:
            return page
        time.sleep(5)


def replication_figures(workdir: Path, kind: str) -> list[str]:
    dataset = generate_dataset(projects=PROJECTS, releases_per_project=3, files_per_release=2, seed=1)
    with bench_server(kind, workdir / "origin") as origin_server, bench_server(kind, workdir / "mirror") as mirror_server:
        origin = Database(parse_database_url(f"{origin_server.url}/pypi"))
        origin.create()
        install_app(origin_server, origin)
        mirror = Database(parse_database_url(f"{mirror_server.url}/pypi"))
        mirror.create()
        install_app(mirror_server, mirror)  # --setup first, as docs/mirrors.md says: anonymous reads
        built = build_documents(dataset)
        documents = len(built)
        started = time.monotonic()
        load_origin(origin, built)
        load_seconds = time.monotonic() - started
        started = time.monotonic()
        result = requests.post(f"{mirror_server.base_url}/_replicate", auth=mirror_server.admin,
                               json=replication(origin.location, mirror.location), timeout=3600).json()
        replicated = time.monotonic() - started
        name = next(iter(dataset)).normalized
        page = _first_page(f"{mirror.url}/_design/pypi/_rewrite/simple/{name}/")
        first_page = time.monotonic() - started
        counts = (origin.info()["doc_count"], mirror.info()["doc_count"])
        copied = counts[0] == counts[1]
    # PouchDB Server answers the counts at the top level, CouchDB in the newest history entry. The
    # mirror was set up first, so its design documents are there already and are not written again.
    stats = result if "docs_written" in result else result["history"][0]
    assert page.status_code == 200 and stats.get("doc_write_failures", 0) == 0 and copied, \
        (page.status_code, page.text[:300], counts, result)
    return [
        f"| documents (projects + releases + design doc) | {documents + 1:,} |",
        f"| origin loaded with `_bulk_docs` | {load_seconds:.1f} s ({documents / load_seconds:,.0f} docs/s) |",
        f"| one `POST /_replicate` (pull, full) | {replicated:.1f} s (**{documents / replicated:,.0f} docs/s**) |",
        f"| first `/simple/<name>/` on the mirror, from the start of replication (view built on first read) "
        f"| **{first_page:.1f} s** ({first_page - replicated:.1f} s after replication) |",
    ]


def follower_lag(workdir: Path, kind: str) -> list[str]:
    dataset = generate_dataset(projects=50, seed=2)
    with bench_server(kind, workdir / "follow") as server, EmulatorServer(dataset) as emulator:
        location = parse_database_url(f"{server.url}/pypi")
        importer = XmlRpcImporter(location, index_url=emulator.url, attachments=None, protocol="xmlrpc")
        importer.import_all()
        follower = Follower(importer, FOLLOW_INTERVAL)
        thread = threading.Thread(target=follower.run, daemon=True)
        thread.start()
        uploaded: dict[str, float] = {}
        producer = threading.Thread(target=_produce, args=(dataset, uploaded), daemon=True)
        producer.start()
        lags = _arrivals(Database(location), uploaded, producer)
        follower.stop()
        thread.join(timeout=60)
    lags.sort()
    return [
        f"| releases uploaded | {len(uploaded)} (one every {STREAM_EVERY} s for {STREAM_SECONDS:.0f} s) |",
        f"| follow interval | {FOLLOW_INTERVAL} s |",
        f"| lag, median / p95 / max | **{statistics.median(lags):.2f} s** / {lags[int(len(lags) * 0.95) - 1]:.2f} s / "
        f"{lags[-1]:.2f} s |",
    ]


def _produce(dataset: Dataset, uploaded: dict[str, float]) -> None:
    """Add releases at a steady pace, recording release id -> upload time."""
    names = [project.normalized for project in dataset]
    started = time.monotonic()
    for index in range(int(STREAM_SECONDS / STREAM_EVERY)):
        name, version = names[index % len(names)], f"100.{index}"
        dataset.add_release(name, version, files=[f"{name.replace('-', '_')}-{version}.tar.gz"])
        uploaded[f"{name}/{version}"] = time.monotonic()
        time.sleep(max(0.0, started + (index + 1) * STREAM_EVERY - time.monotonic()))


def _arrivals(db: Database, uploaded: dict[str, float], producer: threading.Thread) -> list[float]:
    """Poll, while the producer runs and until every release is in the database; returns each one's lag."""
    seen: set[str] = set()
    lags: list[float] = []
    deadline = time.monotonic() + STREAM_SECONDS + 60
    while (producer.is_alive() or len(seen) < len(uploaded)) and time.monotonic() < deadline:
        pending = [doc_id for doc_id in list(uploaded) if doc_id not in seen]
        now = time.monotonic()
        for doc_id in db.fetch(pending):
            seen.add(doc_id)
            lags.append(now - uploaded[doc_id])
        time.sleep(0.05)
    assert len(seen) == len(uploaded), f"{len(uploaded) - len(seen)} releases never arrived"
    return lags


def run() -> str:
    load = os.getloadavg()[0]  # other work on the machine slows both servers: say so next to the figures
    replicated, lag = {}, {}
    for kind in bench_server_kinds():
        with tempfile.TemporaryDirectory(prefix="bench-replication-") as tmp:
            replicated[kind] = replication_figures(Path(tmp), kind)
            lag[kind] = follower_lag(Path(tmp), kind)
    lines = [
        "## Replication and following",
        "",
        f"Two servers of one kind on loopback, for each kind in turn. The origin holds {PROJECTS:,} generated "
        "projects (3 releases of 2 files each), written with `_bulk_docs` from the importer's own documents; "
        "the mirror, set up first as docs/mirrors.md says, pulls them with one `POST /_replicate` "
        f"(bench/bench_replication.py). Load average when it started: {load:.1f} on {os.cpu_count()} CPUs.",
        "",
    ]
    for kind, rows in replicated.items():
        lines += [f"| replication, {LABELS[kind]} | |", "|---|---|", *rows, ""]
    lines += [
        "Follower lag: `Follower` (what `--update URL --follow 1` runs) against the emulator's XML-RPC "
        "journal while a producer uploads releases at a steady pace; lag is upload to document in CouchDB, "
        "sampled every 50 ms. It is bounded by the interval plus one update's work.",
        "",
    ]
    for kind, rows in lag.items():
        lines += ["", f"| following, {LABELS[kind]} | |", "|---|---|", *rows]
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
