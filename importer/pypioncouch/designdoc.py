"""Pushing the CouchApp (the design document in ``couchapp/``), its views built before it goes live.

The folder layout is the source of truth; the couchapp tool (the ``cmscouchapp``
package) turns it into the design document. Run as
``python -m pypioncouch.designdoc http://host:5984/pypi`` (``make push``);
``pypioncouch --setup`` pushes the same way.

A new view means a new index, and an index is built on the first query that
needs it: pushed straight over the live ``_design/pypi``, a changed view would
make pip wait minutes (hours at PyPI's size) for its page. So a push whose
views differ from the live ones goes through a scratch design document, as
npm-registry-couchapp deploys:

1. the new document is written as ``_design/pypi-staging``;
2. each of its views is queried until the query answers (the index is built);
3. ``_design/pypi-staging`` is copied over ``_design/pypi`` (COPY; PouchDB
   Server refuses COPY of a design document, and gets a PUT of the same body).

Both servers keep an index by the view's signature, not by the design
document's name (CouchDB: the design document's views, language and options;
PouchDB Server: each view's map and reduce), so the live document takes over the
built index and readers go from the old views to the new ones without a build
in between. The scratch document stays, identical to the live one: on PouchDB
Server, deleting it would let ``_view_cleanup`` destroy the index the live
document now shares (PouchDB registers only the first design document to use an
index), and on CouchDB it costs nothing (same signature, same index).

A push whose views are those of the live document (only shows, lists,
templates or rewrites changed) is written to the live document directly: its
index is the built one. A database holding no documents has nothing to build.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import requests

from .couch import CouchError, Database, DatabaseURL, parse_database_url
from .embedded import REPO_ROOT

__all__ = ["COUCHAPP_DIR", "DESIGN_DOC_ID", "STAGING_ID", "push_design_doc", "export_design_doc", "PushReport",
           "DesignDocError"]

log = logging.getLogger(__name__)

COUCHAPP_DIR = Path(os.environ.get("PYPIONCOUCH_COUCHAPP", REPO_ROOT / "couchapp"))
DESIGN_DOC_ID = "_design/pypi"
STAGING_ID = "_design/pypi-staging"
# One view query waits this long before it is asked again (the build goes on in the server).
QUERY_TIMEOUT = 300.0
_INDEX_KEYS = ("views", "language", "options")  # what a view index's signature is made of


class DesignDocError(RuntimeError):
    """The design document could not be exported, built or pushed."""


@dataclass
class PushReport:
    """What a push did: ``how`` is ``unchanged``, ``direct`` (written over the live document:
    no view changed, or nothing to index) or ``warmed`` (built as the scratch document, then copied)."""

    database: str
    how: str
    build_seconds: dict[str, float] = field(default_factory=dict)  # view -> until its first query answered

    @property
    def seconds(self) -> float:
        return sum(self.build_seconds.values())

    def __str__(self) -> str:
        if self.how == "unchanged":
            return f"{DESIGN_DOC_ID} in {self.database} is up to date"
        if self.how == "direct":
            return f"pushed {DESIGN_DOC_ID} to {self.database} (views unchanged: their index is the built one)"
        return (f"pushed {DESIGN_DOC_ID} to {self.database}: {len(self.build_seconds)} views built as "
                f"{STAGING_ID} in {self.seconds:.1f} s, then copied over the live one")


def _couchapp_command() -> list[str]:
    script = Path(sys.executable).with_name("couchapp")
    if not script.exists():
        raise DesignDocError(f"the couchapp tool is not installed next to {sys.executable} (pip install cmscouchapp)")
    return [str(script)]


def export_design_doc(app_dir: Path = COUCHAPP_DIR) -> dict[str, Any]:
    """The design document the couchapp tool makes of ``app_dir`` (``couchapp push --export``),
    attachments inline."""
    app = Path(app_dir).resolve()
    result = subprocess.run(
        [*_couchapp_command(), "push", "--export", "-p", str(app), "-c", "http://127.0.0.1:1/export"],
        cwd=app.parent, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300,
    )
    start = result.stdout.find("{")  # the JSON follows an "Installing ..." line
    if result.returncode != 0 or start < 0 or "Traceback" in result.stderr:
        raise DesignDocError(f"couchapp push --export of {app} failed:\n{(result.stdout + result.stderr).strip()}")
    return json.loads(result.stdout[start:])


def _same_content(stored: dict[str, Any] | None, doc: dict[str, Any]) -> bool:
    """Same functions, templates and attachments? Attachments are compared by the couchapp
    tool's own ``couchapp.signatures`` (MD5 of each file): CouchDB's ``digest`` is of the
    stored, gzipped, form of a compressible type such as text/css."""
    if stored is None:
        return False
    body = {k: v for k, v in doc.items() if not k.startswith("_")}
    old = {k: v for k, v in stored.items() if not k.startswith("_")}
    return body == old and set(doc.get("_attachments") or {}) == set(stored.get("_attachments") or {})


def _same_index(stored: dict[str, Any] | None, doc: dict[str, Any]) -> bool:
    return stored is not None and all(stored.get(key) == doc.get(key) for key in _INDEX_KEYS)


def _holds_documents(db: Database) -> bool:
    """Anything besides design documents to index?"""
    design = db.request("GET", f"{db.url}/_all_docs", what="count design documents",
                        params={"startkey": "_design/", "endkey": "_design0"}).json()["rows"]
    return db.info().get("doc_count", 0) > len(design)


def _write(db: Database, doc: dict[str, Any], doc_id: str) -> None:
    current = db.get(doc_id)
    body = {k: v for k, v in doc.items() if k != "_rev"}
    body["_id"] = doc_id
    if current is not None:
        body["_rev"] = current["_rev"]
    db.put(body)


def build_views(db: Database, design_id: str, views: dict[str, Any], *, deadline: float | None = None,
                on_view: Callable[[str, float], None] | None = None) -> dict[str, float]:
    """Query each view of ``design_id`` until it answers: its index is then built.
    Returns view -> seconds; raises DesignDocError past ``deadline`` (time.monotonic())."""
    seconds = {}
    for name in sorted(views):
        params: dict[str, Any] = {"limit": "0"}
        if views[name].get("reduce"):
            params["reduce"] = "false"
        url = f"{db.url}/{design_id}/_view/{name}"
        started = time.monotonic()
        while True:
            try:
                response = db.session.get(url, params=params, timeout=QUERY_TIMEOUT)
                if response.status_code == 200:
                    break
                problem = f"HTTP {response.status_code}: {response.text[:200]}"
                if response.status_code < 500:
                    raise DesignDocError(f"building {design_id}/_view/{name}: {problem}")
            except (requests.Timeout, requests.ConnectionError) as exc:  # still building; ask again
                problem = type(exc).__name__
            if deadline is not None and time.monotonic() > deadline:
                raise DesignDocError(f"{design_id}/_view/{name} not built in time ({problem}); "
                                     f"{DESIGN_DOC_ID} left as it was")
            time.sleep(1.0)
        seconds[name] = time.monotonic() - started
        if on_view:
            on_view(name, seconds[name])
    return seconds


def _copy_over_live(db: Database, doc: dict[str, Any]) -> None:
    """``_design/pypi-staging`` over ``_design/pypi``: COPY where the server takes it, else a PUT of the same body."""
    live = db.get(DESIGN_DOC_ID)
    destination = DESIGN_DOC_ID + (f"?rev={live['_rev']}" if live else "")
    response = db.session.request("COPY", f"{db.url}/{STAGING_ID}", headers={"Destination": destination},
                                  timeout=120)
    if response.status_code in (201, 202):
        return
    if response.status_code in (404, 405, 501):  # PouchDB Server 4.2.0: 404 for COPY of a design document
        _write(db, doc, DESIGN_DOC_ID)
        return
    raise DesignDocError(f"COPY {STAGING_ID} to {DESIGN_DOC_ID}: HTTP {response.status_code}: {response.text[:200]}")


def push_design_doc(database: DatabaseURL | str, app_dir: Path = COUCHAPP_DIR, *, warm: bool = True,
                    timeout: float | None = None,
                    on_view: Callable[[str, float], None] | None = None) -> PushReport:
    """Push ``app_dir`` to the database (created if needed), its views built first when they
    changed (see the module docstring). ``warm=False`` writes the live document directly
    (benchmarks that measure a build on first query); ``timeout``: seconds the views may take
    to build before the push gives up, leaving the live document as it was."""
    location = parse_database_url(database) if isinstance(database, str) else database
    doc = export_design_doc(app_dir)
    db = Database(location, timeout=120, max_wait=60)
    try:
        db.create()
        live = db.get(DESIGN_DOC_ID)
        if _same_content(live, doc):
            return PushReport(str(location), "unchanged")
        if not warm or _same_index(live, doc) or not _holds_documents(db):
            _write(db, doc, DESIGN_DOC_ID)
            return PushReport(str(location), "direct")
        deadline = None if timeout is None else time.monotonic() + timeout
        _write(db, doc, STAGING_ID)
        built = build_views(db, STAGING_ID, doc.get("views") or {}, deadline=deadline, on_view=on_view)
        _copy_over_live(db, doc)
        log.info("%s: views built as %s in %.1f s", location, STAGING_ID, sum(built.values()))
        return PushReport(str(location), "warmed", built)
    except CouchError as exc:
        raise DesignDocError(f"pushing {DESIGN_DOC_ID} to {location}: {exc}") from exc


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m pypioncouch.designdoc http://host:5984/pypi", file=sys.stderr)
        return 2

    def say(view: str, seconds: float) -> None:
        print(f"  {STAGING_ID}/_view/{view}: built in {seconds:.1f} s", flush=True)

    print(push_design_doc(args[0], COUCHAPP_DIR, on_view=say))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
