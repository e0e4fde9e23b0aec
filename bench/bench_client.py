"""Benchmark: pypioncouch.client's changes() behind an import, and conditional requests.

1. Lag. The follower (``Follower``, what ``--update URL --follow 1`` runs) imports from the
   emulator while a producer uploads a release every 0.5 s; a client follows the node with
   ``Node.changes()`` (CouchDB: its long poll; PouchDB Server: polling every second, its
   long poll ignores ``timeout``). For each release: upload -> document in the database
   (sampled every 50 ms, the follower's lag, as bench_replication measures it) and upload ->
   the client's ``new`` event, so the client's own share is the difference.
2. Simple pages, warm: a full 200, the 304 a cache gets for its If-None-Match, and the same
   page from a copy of the design document without the one-line lib/http_cache.js call (the
   ETag's own cost: hashing the body in the list), for the largest page that has an ETag
   (7,000 files: bodies past 4 million characters are not hashed) and for the largest of
   bench_simple (50,000 files), which has none.

``run()`` returns the Markdown section for docs/benchmarks.md; ``python -m bench.bench_client``
prints it. Both servers (bench/servers.py), a few minutes each on 2 cores.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

import requests

from pypioncouch.client import Node
from pypioncouch.couch import Database
from pypioncouch.documents import build_project_documents
from pypioncouch.emulator import Dataset, EmulatorServer, generate_dataset
from pypioncouch.emulator.payloads import UrlPolicy, json_api_project
from pypioncouch.follow import Follower
from pypioncouch.importer import XmlRpcImporter
from pypioncouch.servers import AnyServer

from .servers import LABELS, bench_server, bench_server_kinds, new_app_database

PIP_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"
STREAM_SECONDS, STREAM_EVERY, FOLLOW_INTERVAL = float(os.environ.get("BENCH_STREAM_SECONDS", "30")), 0.5, 1.0
CLIENT_POLL = 1.0
FILES = 100  # files per release
# (releases, seed): the largest page whose body lib/http_cache.js still hashes (MAX_HASHED, 4 million
# characters), and bench_simple's largest project (50,000 files), which is past it.
PAGES = [(int(os.environ.get("BENCH_CLIENT_RELEASES", "70")), 5), (int(os.environ.get("BENCH_CLIENT_LARGEST", "500")), 4)]
REPEATS = 5
HOOK = "  resp = require('lib/http_cache').conditional(req, resp);"


# ---- 1. lag ------------------------------------------------------------------------------------

def lag_figures(server: AnyServer) -> dict[str, list[float]]:
    dataset = generate_dataset(projects=50, seed=3)
    with EmulatorServer(dataset) as emulator:
        db = new_app_database(server, "pypi")
        importer = XmlRpcImporter(db.location, index_url=emulator.url, attachments=None, protocol="xmlrpc")
        importer.import_all()
        node = Node(f"{server.base_url}/pypi")
        follower = Follower(importer, FOLLOW_INTERVAL)
        feed = node.changes(since="now", poll_interval=CLIENT_POLL)
        seen_by_client: dict[str, float] = {}
        threads = [threading.Thread(target=follower.run, daemon=True),
                   threading.Thread(target=_client, args=(feed, seen_by_client), daemon=True)]
        for thread in threads:
            thread.start()
        uploaded: dict[str, float] = {}
        producer = threading.Thread(target=_produce, args=(dataset, uploaded), daemon=True)
        producer.start()
        in_database = _arrivals(db, uploaded, producer)
        deadline = time.monotonic() + 60
        while len(seen_by_client) < len(uploaded) and time.monotonic() < deadline:
            time.sleep(0.05)
        follower.stop()
        feed.close()
        for thread in threads:
            thread.join(timeout=60)
    missing = set(uploaded) - set(seen_by_client)
    assert not missing, f"the client never saw {sorted(missing)[:5]}"
    return {"follower": sorted(in_database[r] - uploaded[r] for r in uploaded),
            "client": sorted(seen_by_client[r] - uploaded[r] for r in uploaded),
            "client after document": sorted(max(0.0, seen_by_client[r] - in_database[r]) for r in uploaded)}


def _client(feed: Any, seen: dict[str, float]) -> None:
    for change in feed:
        if change.kind == "new":
            seen.setdefault(f"{change.project}/{change.version}", time.monotonic())


def _produce(dataset: Dataset, uploaded: dict[str, float]) -> None:
    names = [project.normalized for project in dataset]
    started = time.monotonic()
    for index in range(int(STREAM_SECONDS / STREAM_EVERY)):
        name, version = names[index % len(names)], f"100.{index}"
        dataset.add_release(name, version, files=[f"{name.replace('-', '_')}-{version}.tar.gz"])
        uploaded[f"{name}/{version}"] = time.monotonic()
        time.sleep(max(0.0, started + (index + 1) * STREAM_EVERY - time.monotonic()))


def _arrivals(db: Database, uploaded: dict[str, float], producer: threading.Thread) -> dict[str, float]:
    """When each uploaded release's document was first seen in the database (sampled every 50 ms)."""
    arrived: dict[str, float] = {}
    deadline = time.monotonic() + STREAM_SECONDS + 60
    while (producer.is_alive() or len(arrived) < len(uploaded)) and time.monotonic() < deadline:
        pending = [doc_id for doc_id in list(uploaded) if doc_id not in arrived]
        now = time.monotonic()
        for doc_id in db.fetch(pending):
            arrived[doc_id] = now
        time.sleep(0.05)
    assert len(arrived) == len(uploaded), f"{len(uploaded) - len(arrived)} releases never arrived"
    return arrived


# ---- 2. a warm 304 against a full 200 --------------------------------------------------------------

def conditional_figures(server: AnyServer, releases: int, seed: int) -> dict[str, Any]:
    """One project of ``releases`` x 100 files: the 200 and the 304 (when it has an ETag) of its
    Simple page as served (the stored page, ETag from its head) and as built per request
    (`simple-from-documents/`, ETag hashed from the body), and the built page's 200 from the
    design document without the ETag code; views built, interleaved."""
    db = new_app_database(server, f"bench-client-{releases}")
    project = next(iter(generate_dataset(projects=1, releases_per_project=releases, files_per_release=FILES,
                                         seed=seed)))
    docs = build_project_documents(json_api_project(project, UrlPolicy("http://files.example")), renderer=None).all()
    for start in range(0, len(docs), 200):
        db.bulk_docs(docs[start:start + 200])
    _push_without_http_cache(db)
    base = f"{server.base_url}/{db.location.name}/_design"
    pages = {"stored": f"{base}/pypi/_rewrite/simple/{project.normalized}/",
             "built": f"{base}/pypi/_rewrite/simple-from-documents/{project.normalized}/"}
    baseline = f"{base}/nocache/_rewrite/simple-from-documents/{project.normalized}/"
    session = requests.Session()
    session.headers.update({"Accept": PIP_ACCEPT, "Accept-Encoding": "identity"})
    firsts = {label: _warm(session, url) for label, url in pages.items()}  # builds the views: not measured
    _warm(session, baseline)
    # A built page past MAX_HASHED has no ETag of ours (PouchDB Server's Express then puts its own
    # on it). So: does a revalidation answer 304?
    etags = {label: first.headers.get("ETag") for label, first in firsts.items()}
    revalidates = {label: bool(etag) and session.get(pages[label], headers={"If-None-Match": etag},
                                                     timeout=600).status_code == 304 for label, etag in etags.items()}
    timings: dict[str, list[float]] = {}
    for _ in range(REPEATS):  # interleaved, so drift hits all alike
        for label, url in pages.items():
            timings.setdefault(f"{label} 200", []).append(_timed(lambda: _get(session, url, 200)))
            if revalidates[label]:
                timings.setdefault(f"{label} 304", []).append(
                    _timed(lambda: _get(session, url, 304, {"If-None-Match": etags[label]})))
        timings.setdefault("built 200 without lib/http_cache.js", []).append(_timed(lambda: _get(session, baseline, 200)))
    return {"files": releases * FILES, "bytes": len(firsts["stored"].content), "etag": revalidates,
            "medians": {label: statistics.median(values) for label, values in timings.items()}}


def _push_without_http_cache(db: Database) -> None:
    """``_design/nocache``: the pushed design document with the lists' one-line call taken out.
    Same views, so both servers share the built index (designdoc.py)."""
    ddoc = db.get("_design/pypi")
    assert ddoc is not None
    copy = {key: value for key, value in ddoc.items() if key not in ("_id", "_rev", "_attachments")}
    copy["lists"] = {name: source.replace(HOOK, "  //") for name, source in ddoc["lists"].items()}
    assert all(HOOK not in source for source in copy["lists"].values())
    copy["_id"] = "_design/nocache"
    db.put(copy)


def _warm(session: requests.Session, url: str) -> requests.Response:
    """The first answer, which builds the view. PouchDB Server has answered it with a 500 on a
    loaded machine (once in three runs here); it is asked again, up to three times."""
    for attempt in range(3):
        response = session.get(url, timeout=1800)
        if response.status_code == 200:
            return response
        print(f"bench_client: warm-up of {url} answered {response.status_code}; again", file=sys.stderr)
    raise AssertionError((url, response.status_code, response.text[:300]))


def _get(session: requests.Session, url: str, status: int, headers: dict[str, str] | None = None) -> requests.Response:
    response = session.get(url, headers=headers, timeout=600)
    assert response.status_code == status, (url, response.status_code)
    return response


def _timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


# ---- report ------------------------------------------------------------------------------------------

def _spread(values: list[float]) -> str:
    return f"**{statistics.median(values):.2f} s** / {values[int(len(values) * 0.95) - 1]:.2f} s / {values[-1]:.2f} s"


def markdown(lags: dict[str, dict[str, list[float]]], pages: dict[str, list[dict[str, Any]]], seconds: float,
             load: float) -> str:
    lines = [
        "## The client: following a node, and conditional requests (bench/bench_client.py)",
        "",
        f"Lag: the follower (`--follow {FOLLOW_INTERVAL:g}`) imports from the emulator while a producer uploads a "
        f"release every {STREAM_EVERY} s for {STREAM_SECONDS:.0f} s; `Node.changes()` follows the node (CouchDB: "
        f"long poll; PouchDB Server: polling every {CLIENT_POLL:g} s). Upload to document in the database is sampled "
        "every 50 ms (as in the replication benchmark); upload to the client's `new` event is timed by the client. "
        "Median / p95 / max.",
        "",
        "| server | releases | follower: upload to document | client: upload to event | client: document to event |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind, figures in lags.items():
        lines.append(f"| {LABELS[kind]} | {len(figures['client'])} | {_spread(figures['follower'])} | "
                     f"{_spread(figures['client'])} | {_spread(figures['client after document'])} |")
    lines += [
        "",
        "Simple pages, views built, pip's Accept header, uncompressed, one keep-alive session, median of "
        f"{REPEATS} interleaved requests each: the full 200 and the 304 for the If-None-Match of a cache "
        "holding the page, for the page as served (*stored*: the page the importer rendered, its ETag from "
        "the stored head's revision, so a 304 reads one row) and as built per request "
        "(`simple-from-documents/`, its ETag hashed from the rendered body, none past 4 million characters: "
        "`MAX_HASHED`), and the built page from a copy of the design document without the lists' "
        "`lib/http_cache.js` call (what hashing costs).",
        "",
        "| server | files | page bytes | page | ETag and 304 | 200 | 304 | 304 / 200 | 200 without the ETag code |",
        "|---|---:|---:|---|---|---:|---:|---:|---:|",
    ]
    for kind, rows in pages.items():
        for figures in rows:
            m = figures["medians"]
            for label in ("stored", "built"):
                with_304 = ((f"{m[label + ' 304'] * 1000:,.0f} ms", f"{m[label + ' 304'] / m[label + ' 200']:.2f}")
                            if label + " 304" in m else ("-", "-"))
                without = (f"{m['built 200 without lib/http_cache.js'] * 1000:,.0f} ms" if label == "built" else "")
                lines.append(f"| {LABELS[kind]} | {figures['files']:,} | {figures['bytes']:,} | {label} | "
                             f"{'yes' if figures['etag'][label] else 'no'} | {m[label + ' 200'] * 1000:,.0f} ms | "
                             f"{with_304[0]} | {with_304[1]} | {without} |")
    lines += [
        "",
        "A list built per request computes its validator from the bytes it renders (a CouchDB list gets no "
        "ETag from CouchDB, docs/couchdb-vs-pouchdb.md), so its 304 saves the transfer, not the server's work; "
        "the stored page's 304 reads the project's row and stops.",
        "",
        f"Whole benchmark: {seconds:.0f} s; load average when it started: {load:.1f} on {os.cpu_count()} CPUs.",
        "",
    ]
    return "\n".join(lines)


def run() -> str:
    started, load = time.perf_counter(), os.getloadavg()[0]
    lags, pages = {}, {}
    for kind in bench_server_kinds():
        with tempfile.TemporaryDirectory(prefix="bench-client-") as tmp:
            with bench_server(kind, Path(tmp)) as server:
                lags[kind] = lag_figures(server)
                pages[kind] = [conditional_figures(server, releases, seed) for releases, seed in PAGES]
    return markdown(lags, pages, time.perf_counter() - started, load)


if __name__ == "__main__":
    print(run())
