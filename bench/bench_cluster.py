"""Benchmark: a full import into a three-node CouchDB cluster, one CouchDB node and PouchDB Server.

The same generated index (``PROJECTS`` projects × 10 releases × 2 files) from the emulator
(own process, payloads prebuilt) is imported with ``XmlRpcImporter.import_all()`` in a fresh
process into a new database on each target, next to that target's ``_bulk_docs`` ceiling
(the same documents, built beforehand, in 500-document requests):

- PouchDB Server 4.2.0 (the embedded server);
- CouchDB 3.5 as one node (``single_node``: q = 2, n = 1);
- CouchDB 3.5 as three nodes on loopback joined with ``/_cluster_setup`` (``CouchDBCluster``), the
  database created with ``?q=4&n=3`` as in tests/cluster, the importer writing through the first node.

All servers run at once; each round runs ceiling and import on every target in turn, ``ROUNDS``
rounds, and the table gives medians. On one machine the cluster's three nodes share its cores
and every document is written three times, so this is what a cluster costs on one host, not
what three hosts give. ``run()`` returns the Markdown section; ``python -m bench.bench_cluster``
prints it. About 4 minutes on 2 cores with the defaults (``BENCH_CLUSTER_PROJECTS``,
``BENCH_CLUSTER_ROUNDS``); without a CouchDB release only PouchDB Server is measured.
"""

from __future__ import annotations

import os
import statistics
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import requests

from pypioncouch.local_couchdb import CouchDBCluster, find_release
from pypioncouch.servers import start_local_server

from .bench_import import BULK_SIZE, FILES, RELEASES, ceiling_documents, ceiling_seconds, cpu_seconds, emulator_process, \
    import_in_child

PROJECTS = int(os.environ.get("BENCH_CLUSTER_PROJECTS", "2000"))
ROUNDS = int(os.environ.get("BENCH_CLUSTER_ROUNDS", "3"))
Q, N = 4, 3


@dataclass
class Target:
    label: str
    url: str  # the server, with the admin's credentials where there is one
    pids: list[int]  # the server processes whose CPU time is counted
    create: Callable[[str], None]  # creates a database by name
    ceilings: list[tuple[float, float]] = field(default_factory=list)  # (seconds, server CPU-s)
    imports: list[tuple[float, float]] = field(default_factory=list)


def _created_with(url: str, params: dict[str, int] | None = None) -> Callable[[str], None]:
    def create(name: str) -> None:
        response = requests.put(f"{url}/{name}", params=params, timeout=120)
        assert response.status_code in (201, 202), response.text
    return create


def timed(target: Target, job: Callable[[], float]) -> tuple[float, float]:
    before = sum(cpu_seconds(pid) for pid in target.pids)
    seconds = job()
    return seconds, sum(cpu_seconds(pid) for pid in target.pids) - before


def measure(workdir: Path) -> tuple[list[Target], int]:
    with ExitStack() as stack:
        targets = []
        pouchdb = start_local_server(workdir / "pouchdb", kind="pouchdb")
        stack.callback(pouchdb.stop)
        targets.append(Target("PouchDB Server 4.2.0", pouchdb.url, [pouchdb.process.pid], _created_with(pouchdb.url)))
        if find_release() is not None:
            single = start_local_server(workdir / "couchdb", kind="couchdb")
            stack.callback(single.stop)
            targets.append(Target("CouchDB 3.5, one node (q = 2, n = 1)", single.url, [single.process.pid],
                                  _created_with(single.url)))
            cluster = stack.enter_context(CouchDBCluster(workdir / "cluster"))
            targets.append(Target(f"CouchDB 3.5, three nodes (q = {Q}, n = {N})", cluster.url,
                                  [node.process.pid for node in cluster.nodes],
                                  _created_with(cluster.url, {"q": Q, "n": N})))
        with emulator_process(PROJECTS) as (index_url, _):
            docs = ceiling_documents(index_url)
            for round_ in range(ROUNDS):
                for target in targets:
                    ceiling, imported = f"ceiling-{round_}", f"imported-{round_}"
                    target.create(ceiling)
                    target.ceilings.append(timed(target, lambda: ceiling_seconds(f"{target.url}/{ceiling}", docs)))
                    target.create(imported)
                    target.imports.append(timed(target, lambda: import_in_child(f"{target.url}/{imported}", index_url)["seconds"]))
    return targets, len(docs)


def markdown(targets: list[Target], documents: int) -> str:
    def median(runs: list[tuple[float, float]]) -> tuple[float, float]:
        return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)

    base_import = median(targets[0].imports)[0]
    lines = [
        "## A cluster: import into three nodes, one node, PouchDB Server (`bench/bench_cluster.py`)",
        "",
        f"Method: {PROJECTS:,} generated projects × {RELEASES} releases × {FILES} files ({documents:,} documents) "
        "from the emulator (own process, payloads prebuilt), imported by `XmlRpcImporter.import_all()` in a fresh "
        "process into a new database, next to the same documents written with `_bulk_docs` in "
        f"{BULK_SIZE}-document requests (the ceiling). All servers run at once; {ROUNDS} rounds, each running ceiling "
        "and import on every server in turn; medians. The cluster's three nodes share this machine's "
        f"{os.cpu_count()} cores and store every document {N} times: the cost of a cluster on one host.",
        "",
        "| server | ceiling s | import s | import vs ceiling | import vs PouchDB Server | server CPU-s (import) | documents/s (import) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for target in targets:
        (ceiling, _), (imported, cpu) = median(target.ceilings), median(target.imports)
        lines.append(f"| {target.label} | {ceiling:.1f} | {imported:.1f} | {imported / ceiling:.2f}× "
                     f"| {imported / base_import:.2f}× | {cpu:.1f} | {documents / imported:,.0f} |")
    lines += ["", "All runs, seconds (ceiling / import): " + "; ".join(
        f"{t.label}: " + ", ".join(f"{c[0]:.1f}/{i[0]:.1f}" for c, i in zip(t.ceilings, t.imports)) for t in targets) + "."]
    return "\n".join(lines)


def run() -> str:
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as workdir:
        return markdown(*measure(Path(workdir)))


if __name__ == "__main__":
    print(run())
