"""The read-only public front (docs/nginx-public-node.conf) in front of the run's server.

CouchDB lets anyone who may read a database write its ``_local`` documents, and
``validate_doc_update`` never sees them, so a node opened to anonymous readers by ``--setup``
takes anonymous writes. The documented public setup puts Debian's nginx in front with that
file; here it runs on a free loopback port in front of the suite's server (PouchDB Server, or
CouchDB 3.5 with ``PYPIONCOUCH_SERVER=couchdb``), and:

- reads work through it: pip downloads a stored wheel through the Simple API and the
  ``/files/*`` rule (with the emulator, PyPI's stand-in, stopped), pages, the JSON API,
  documents, ``_changes``, ``_all_docs``, ``_bulk_get``, ``_find``, a view, attachments;
- a mirror's ``POST /_replicate`` from the front's address copies everything, and sends nothing
  but reads (on CouchDB with ``"use_checkpoints": false``: its replicator writes a checkpoint
  on the source, which the front refuses like any other write);
- a long table of anonymous write attempts all stop at nginx, and the same requests sent to
  the server directly do write where the table says so: that the front is what refuses them;
- only the front's own headers reach the server (no credentials, no method override, no
  client-chosen Host), and the request line reaches it byte for byte.

nginx is not installed here: ``make test`` installs Debian's (``make nginx-deps``); without it
these tests skip.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

import pytest
import requests

from pypioncouch.couch import Database
from pypioncouch.emulator import EmulatorServer, generate_dataset, installable_project
from pypioncouch.embedded import REPO_ROOT, free_port
from pypioncouch.importer import XmlRpcImporter
from pypioncouch.servers import start_local_server
from tests.conftest import new_database, on_couchdb, push_app

CONFIG_TEMPLATE = REPO_ROOT / "docs" / "nginx-public-node.conf"
NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)),
                                      None)
pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed: `make nginx-deps` (run by `make test`) "
                                                      "installs Debian's")

PIP_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"
DEMO = "front-demo"
TIMEOUT = 120
# What the front answers when it refuses (docs/nginx-public-node.conf): no server says these.
FRONT_REASONS = ("this address is read-only", "dot segments are not allowed", "not served at this address")


# --- nginx running the template ------------------------------------------------------------------

class Front:
    """nginx with docs/nginx-public-node.conf, filled in, in front of ``upstream_port``."""

    def __init__(self, workdir: Path, upstream_port: int, db_name: str) -> None:
        self.dir = workdir
        self.port = free_port()
        self.public_host = f"127.0.0.1:{self.port}"
        self.db_name = db_name
        self.upstream_port = upstream_port
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def access_log(self) -> Path:
        return self.dir / "access.log"

    def config(self) -> str:
        return (CONFIG_TEMPLATE.read_text(encoding="utf-8")
                .replace("@DB@", self.db_name)
                .replace("@COUCHDB@", f"127.0.0.1:{self.upstream_port}")
                .replace("@LISTEN@", f"127.0.0.1:{self.port}")
                .replace("@PUBLIC_HOST@", self.public_host))

    def start(self) -> "Front":
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / "front.conf").write_text(self.config(), encoding="utf-8")
        temp = "".join(f"  {kind}_temp_path {self.dir / kind};\n"
                       for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        # Run as root (as here, in CI), nginx's workers would become "nobody", which may not enter
        # pytest's temporary folders: keep them the invoking user. Elsewhere no `user` is allowed.
        user = "user root;\n" if os.geteuid() == 0 else ""
        (self.dir / "nginx.conf").write_text(
            f"daemon off;\nmaster_process on;\nworker_processes 1;\n{user}pid {self.dir / 'nginx.pid'};\n"
            f"error_log {self.dir / 'error.log'} warn;\n"
            "events { worker_connections 256; }\n"
            "http {\n"
            "  log_format front '$upstream_addr $status $request_method $request_uri';\n"
            f"  access_log {self.access_log} front;\n{temp}"
            f"  include {self.dir / 'front.conf'};\n"
            "}\n", encoding="utf-8")
        self.process = subprocess.Popen([str(NGINX), "-p", str(self.dir), "-c", str(self.dir / "nginx.conf"),
                                         "-e", str(self.dir / "error.log")],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited with {self.process.returncode}: {self.error_log()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"nginx did not listen on {self.port}: {self.error_log()}")
                time.sleep(0.05)

    def error_log(self) -> str:
        path = self.dir / "error.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def log(self) -> list[tuple[str, int, str, str]]:
        """(upstream address or "-", status, method, raw URI) of each request the front answered."""
        rows = []
        for line in self.access_log.read_text(errors="replace").splitlines():
            upstream, status, method, uri = line.split(" ", 3)
            rows.append((upstream, int(status), method, uri))
        return rows

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # fast shutdown
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


# --- requests sent exactly as written --------------------------------------------------------------

@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def from_front(self) -> bool:
        """The front answered itself: its own refusal, or nginx's 400 for a request it cannot parse."""
        body = self.json()
        if isinstance(body, dict) and body.get("reason") in FRONT_REASONS:
            return True
        return self.status == 400 and b"<center>nginx" in self.body

    @property
    def wrote(self) -> bool:
        """The server took the write: a 2xx answer that reports no error, for every document it names."""
        if not 200 <= self.status < 300:
            return False
        body = self.json()
        items = body if isinstance(body, list) else [body]
        return all(not (isinstance(item, dict) and "error" in item) for item in items)


def send(port: int, method: str, target: str, headers: dict[str, str] | None = None, body: bytes | None = None,
         *, chunked: bool = False) -> Answer:
    """One request with the method and target exactly as given (http.client neither normalizes dot
    segments nor re-encodes, unlike requests/urllib3), a Host of our own unless one is given."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        headers = dict(headers or {})
        headers.setdefault("Host", f"127.0.0.1:{port}")
        for key, value in headers.items():
            connection.putheader(key, value)
        if chunked:
            connection.putheader("Transfer-Encoding", "chunked")
            connection.endheaders()
            if body:
                connection.send(f"{len(body):x}\r\n".encode() + body + b"\r\n")
            connection.send(b"0\r\n\r\n")
        else:
            if body is not None:
                connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body)
        response = connection.getresponse()
        return Answer(response.status, response.read(), {k.lower(): v for k, v in response.getheaders()})
    finally:
        connection.close()


# --- the node behind the front ---------------------------------------------------------------------

@dataclass
class Node:
    db: Database
    front: Front
    server: Any

    @property
    def public_db(self) -> str:
        return f"{self.front.url}/{self.db.location.name}"

    @property
    def public_root(self) -> str:
        return f"{self.public_db}/_design/pypi/_rewrite/"


def server_port(server: Any) -> int:
    return int(urlsplit(server.base_url).port)


@pytest.fixture(scope="module")
def node(couch_server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    """A database set up as a node (``--setup`` on CouchDB), imported from the emulator with one
    project's files stored in it (``--mirror-files``), the emulator stopped, nginx in front."""
    dataset = generate_dataset(projects=5, releases_per_project=2, seed=13)
    installable_project("Front.Demo", ["1.0", "2.0"], dataset=dataset)
    db = push_app(new_database(couch_server.url, prefix="front"))
    with EmulatorServer(dataset) as emulator:
        report = XmlRpcImporter(db.location, index_url=emulator.url, mirror_files=["Front.Demo"]).import_all()
        assert not report.failed, report.failed
    front = Front(tmp_path_factory.mktemp("front"), server_port(couch_server), db.location.name).start()
    try:
        yield Node(db, front, couch_server)
    finally:
        front.stop()
        db.request("DELETE", db.url, what="drop test database", ok=(200, 202, 404))


# --- reads -----------------------------------------------------------------------------------------

def test_pip_downloads_through_the_front_with_pypi_gone(node: Node, tmp_path: Path) -> None:
    """The Simple API for pip, and the stored wheel through the CouchApp's ``/files/*`` rule."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_"))}
    env.update(PIP_CONFIG_FILE="/dev/null", PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    result = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-cache-dir",
                             "--only-binary", ":all:", "--dest", str(tmp_path / "dl"),
                             "--index-url", node.public_root + "simple/", "Front.Demo==2.0"],
                            env=env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stdout + result.stderr
    wheels = [p.name for p in (tmp_path / "dl").iterdir()]
    assert len(wheels) == 1 and wheels[0].startswith("front_demo-2.0-") and wheels[0].endswith(".whl"), wheels
    fetched = [(status, uri) for _, status, method, uri in node.front.log() if method == "GET" and wheels[0] in uri]
    assert fetched and all(status == 200 for status, _ in fetched), fetched
    assert all("/_design/pypi/_rewrite/files/" in uri for _, uri in fetched), fetched


def test_reads_pass_the_front(node: Node) -> None:
    db = f"/{node.db.location.name}"
    rw = f"{db}/_design/pypi/_rewrite"
    release_id = f"{DEMO}%2F2.0"  # a release document: the %2F must reach the server as it is
    json_headers = {"Content-Type": "application/json", "Accept": "application/json"}
    reads = [
        ("GET", "/", {}, None, b"Welcome"),
        ("GET", db, {}, None, b'"db_name"'),
        ("GET", f"{rw}/simple/", {"Accept": PIP_ACCEPT}, None, b"Front.Demo"),
        ("GET", f"{rw}/simple/{DEMO}/", {"Accept": PIP_ACCEPT}, None, b"front_demo-2.0"),
        ("GET", f"{rw}/simple/{DEMO}/", {"Accept": "text/html"}, None, b"front_demo-2.0"),
        ("GET", f"{rw}/", {"Accept": "text/html"}, None, b"<html"),
        ("GET", f"{rw}/project/{DEMO}/", {"Accept": "text/html"}, None, DEMO.encode()),
        ("GET", f"{rw}/pypi/{DEMO}/json", {}, None, b'"releases"'),
        ("GET", f"{rw}/static/browse.css", {}, None, b"{"),
        ("GET", f"{db}/{DEMO}", {}, None, DEMO.encode()),
        ("GET", f"{db}/{release_id}", {}, None, f"{DEMO}/2.0".encode()),
        ("HEAD", f"{db}/{DEMO}", {}, None, b""),
        ("GET", f"{db}/_design/pypi/browse.css", {}, None, b"{"),
        ("GET", f"{db}/_changes?limit=3", {}, None, b'"results"'),
        ("POST", f"{db}/_changes?filter=_doc_ids", json_headers, json.dumps({"doc_ids": [DEMO]}).encode(),
         DEMO.encode()),
        ("GET", f"{db}/_all_docs?limit=3", {}, None, b'"rows"'),
        ("POST", f"{db}/_all_docs", json_headers, json.dumps({"keys": [DEMO]}).encode(), DEMO.encode()),
        ("POST", f"{db}/_bulk_get", json_headers, json.dumps({"docs": [{"id": DEMO}]}).encode(), DEMO.encode()),
        ("POST", f"{db}/_find", json_headers,
         json.dumps({"selector": {"_id": DEMO}, "fields": ["_id"]}).encode(), DEMO.encode()),
        ("POST", f"{db}/_design/pypi/_view/simple_projects", json_headers, json.dumps({"keys": [DEMO]}).encode(),
         b'"rows"'),
    ]
    problems = []
    for method, target, headers, body, expected in reads:
        answer = send(node.front.port, method, target, headers, body)
        if answer.status != 200 or expected not in answer.body:
            problems.append(f"{method} {target}: {answer.status} {answer.body[:200]!r}")
    assert not problems, "\n".join(problems)


def test_the_security_object_is_not_served_by_the_front(node: Node) -> None:
    """Reads the server gives any reader (the security object, also through ``/files/*`` and a
    ``%2E%2E`` the rewriter resolves) that the front keeps to itself."""
    db = f"/{node.db.location.name}"
    rw = f"{db}/_design/pypi/_rewrite"
    for target in (f"{db}/_security", f"{rw}/files/_security", f"{rw}/files/x/%2E%2E/_security",
                   f"{rw}/files/x/../_security", f"{db}/%5Fsecurity", f"{db}/{DEMO}/%2e%2e/{DEMO}"):
        answer = send(node.front.port, "GET", target)
        assert answer.status == 403 and answer.from_front, (target, answer.status, answer.body[:200])
    direct = send(server_port(node.server), "GET", f"{db}/_security")
    assert direct.status == 200 and isinstance(direct.json(), dict), direct.body[:200]


# --- a mirror replicating from the front -----------------------------------------------------------

def all_revisions(db_url: str, auth: tuple[str, str] | None) -> dict[str, str]:
    response = requests.get(f"{db_url}/_all_docs", auth=auth, timeout=TIMEOUT)
    response.raise_for_status()
    return {row["id"]: row["value"]["rev"] for row in response.json()["rows"]}


def attachment_digests(db_url: str, auth: tuple[str, str] | None, doc_ids: list[str]) -> dict[str, Any]:
    response = requests.post(f"{db_url}/_all_docs?include_docs=true", json={"keys": doc_ids}, auth=auth,
                             timeout=TIMEOUT)
    response.raise_for_status()
    return {row["id"]: {name: a.get("digest") for name, a in row["doc"].get("_attachments", {}).items()}
            for row in response.json()["rows"]}


def replicate(mirror, body: dict[str, Any]) -> requests.Response:
    return requests.post(f"{mirror.base_url}/_replicate", json=body, auth=mirror.admin, timeout=300)


def mirror_target(mirror, name: str) -> str:
    host = urlsplit(mirror.url)
    return f"{mirror.url}/{name}" if host.password else f"{mirror.base_url}/{name}"


@pytest.fixture(scope="module")
def mirror(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A second server of the run's kind: the mirror (with the admin's credentials where it has an admin)."""
    server = start_local_server(tmp_path_factory.mktemp("front-mirror"))
    yield server
    server.stop()


def test_a_mirror_replicates_from_the_front_with_reads_only(node: Node, mirror) -> None:
    before = len(node.front.log())
    body = {"source": node.public_db, "target": mirror_target(mirror, "copy"), "create_target": True,
            "use_checkpoints": False}
    response = replicate(mirror, body)
    assert response.status_code == 200 and response.json().get("ok"), response.text[:500]

    origin = all_revisions(node.db.url, None)
    copied = all_revisions(f"{mirror.url}/copy", None)
    assert copied == origin
    stored = [doc_id for doc_id in origin if ":dist:" in doc_id]
    assert stored, "the origin stores Front.Demo's files"
    assert attachment_digests(f"{mirror.url}/copy", None, stored) == attachment_digests(node.db.url, None, stored)

    during = node.front.log()[before:]
    assert during, "the replication went through the front"
    refused = [(method, uri) for upstream, _, method, uri in during if upstream == "-"]
    if on_couchdb(mirror):
        # CouchDB's replicator sent reads only: GET, and POST _bulk_get.
        assert refused == [], refused
    else:
        # PouchDB's replicator still tries its checkpoint on the source (it ignores use_checkpoints),
        # takes the 403, and keeps its checkpoint on the target only.
        local = f"/{node.db.location.name}/_local/"
        assert all(method == "PUT" and uri.startswith(local) for method, uri in refused), refused
    writes = [(m, u) for upstream, _, m, u in during if upstream != "-" and m not in ("GET", "HEAD")
              and not u.startswith(f"/{node.db.location.name}/_bulk_get")
              and not u.startswith(f"/{node.db.location.name}/_all_docs")
              and not u.startswith(f"/{node.db.location.name}/_changes")]
    assert writes == [], writes


def test_couchdb_replication_needs_use_checkpoints_false_from_a_read_only_source(node: Node, mirror) -> None:
    """What docs/deployment.md tells mirror operators, checked: CouchDB 3.5's replicator commits a
    checkpoint on the source (``POST _ensure_full_commit``, then ``PUT _local/<replication id>``);
    refused, the replication ends in ``checkpoint_commit_failure`` after copying the documents.
    PouchDB's replicator takes the refusal and checkpoints on the target only."""
    response = replicate(mirror, {"source": node.public_db, "target": mirror_target(mirror, "copy-checkpoints"),
                                  "create_target": True})
    if on_couchdb(mirror):
        assert response.status_code == 500 and "checkpoint_commit_failure" in response.text, response.text[:500]
    else:
        assert response.status_code == 200 and response.json().get("ok"), response.text[:500]


# --- writes ----------------------------------------------------------------------------------------

@dataclass
class Attempt:
    """One anonymous write. ``target``/``headers``/``body`` may hold ``{db}`` (the database's path),
    ``{rw}`` (its ``_rewrite``), ``{server}`` (the address it is sent to), ``{config}`` (the server's
    configuration API), ``{vhost}`` (a Host a CouchDB vhost maps onto ``{rw}``). ``writes``: the
    servers on which the request, sent directly, does write (the rest note that the server refuses
    it itself, or cannot take it: the front must refuse it all the same)."""

    what: str
    method: str
    target: str
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    writes: frozenset[str] = frozenset({"couchdb", "pouchdb"})
    chunked: bool = False

    def render(self, values: dict[str, str]) -> tuple[str, dict[str, str], bytes | None]:
        def fill(text: str) -> str:
            for key, value in values.items():
                text = text.replace("{" + key + "}", value)
            return text
        headers = {key: fill(value) for key, value in self.headers.items()}
        if self.body is None:
            body = None
        elif isinstance(self.body, bytes):
            body = self.body
        else:
            body = fill(json.dumps(self.body)).encode()
            headers.setdefault("Content-Type", "application/json")
        return fill(self.target), headers, body


COUCHDB, POUCHDB = frozenset({"couchdb"}), frozenset({"pouchdb"})
NEITHER: frozenset[str] = frozenset()
LOCAL = {"a": 1}
OVERRIDE_PUT = {"X-HTTP-Method-Override": "PUT"}

ATTEMPTS = [
    # First, while the database holds only what PouchDB Server's replicator copies without a hitch.
    Attempt("_replicate the node into itself", "POST", "/_replicate",
            {"source": "{server}{db}", "target": "{server}{db}-w-copy", "create_target": True}, writes=POUCHDB),
    # _local documents: what CouchDB lets every reader write. Through the CouchApp's /files/ rule
    # (GET only, two segments: an offline mirror's stored files) nothing writes, even directly.
    Attempt("_local document", "PUT", "{db}/_local/w1", LOCAL),
    Attempt("_local through /files/*", "PUT", "{rw}/files/_local/w2", LOCAL, writes=NEITHER),
    Attempt("_local, %5F for the underscore", "PUT", "{db}/%5Flocal/w3", LOCAL),
    Attempt("_local, %2F for the slash", "PUT", "{db}/_local%2Fw4", LOCAL),
    Attempt("_local after an empty segment", "PUT", "{db}//_local/w5", LOCAL),
    Attempt("_local after a .. segment", "PUT", "{db}/x/../_local/w6", LOCAL, writes=POUCHDB),
    Attempt("_local through /files/* and ..", "PUT", "{rw}/files/x/../_local/w7", LOCAL, writes=NEITHER),
    Attempt("_local through /files/* and %2E%2E", "PUT", "{rw}/files/x/%2E%2E/_local/w8", LOCAL, writes=NEITHER),
    Attempt("_local through /files/*, %5F", "PUT", "{rw}/files/%5Flocal/w9", LOCAL, writes=NEITHER),
    Attempt("_local through /files/*, %2F", "PUT", "{rw}/files/_local%2Fw10", LOCAL, writes=NEITHER),
    Attempt("_local, POST with X-HTTP-Method-Override: PUT", "POST", "{db}/_local/w11", LOCAL, OVERRIDE_PUT,
            writes=COUCHDB),
    Attempt("_local through /files/*, method override", "POST", "{rw}/files/_local/w12", LOCAL, OVERRIDE_PUT,
            writes=NEITHER),
    Attempt("_local in _bulk_docs", "POST", "{db}/_bulk_docs", {"docs": [{"_id": "_local/w13"}]}),
    Attempt("_local in _bulk_docs through /files/*", "POST", "{rw}/files/_bulk_docs",
            {"docs": [{"_id": "_local/w14"}]}, writes=NEITHER),
    Attempt("_local by POST to the database", "POST", "{db}", {"_id": "_local/w15"}),
    Attempt("_local by COPY", "COPY", "{db}/_local/existing", headers={"Destination": "_local/w16"},
            writes=COUCHDB),
    Attempt("_local, absolute URI in the request line", "PUT", "{server}{db}/_local/w17", LOCAL, writes=COUCHDB),
    Attempt("_local, chunked body", "PUT", "{db}/_local/w18", LOCAL, chunked=True),
    Attempt("_local through a vhost's Host", "PUT", "/files/_local/w19", LOCAL, {"Host": "{vhost}"}, writes=NEITHER),
    Attempt("_local in _bulk_docs through a vhost", "POST", "/files/_bulk_docs", {"docs": [{"_id": "_local/w20"}]},
            {"Host": "{vhost}"}, writes=NEITHER),
    Attempt("lower-case method", "put", "{db}/_local/w21", LOCAL, writes=NEITHER),
    Attempt("_local deleted", "DELETE", "{db}/_local/existing?rev=0-1"),
    # Documents, attachments, design documents: CouchDB's guard and admin checks refuse these for
    # anonymous users; PouchDB Server in admin party takes them.
    Attempt("document", "PUT", "{db}/w-doc", {"type": "project"}, writes=POUCHDB),
    Attempt("document through /files/*", "PUT", "{rw}/files/w-doc2", {"type": "project"}, writes=NEITHER),
    Attempt("document in _bulk_docs", "POST", "{db}/_bulk_docs", {"docs": [{"_id": "w-doc3"}]}, writes=POUCHDB),
    Attempt("attachment", "PUT", "{db}/w-doc4/file.txt", b"hi", {"Content-Type": "text/plain"}, writes=POUCHDB),
    Attempt("attachment through /files/*", "PUT", "{rw}/files/w-doc5/file.txt", b"hi",
            {"Content-Type": "text/plain"}, writes=NEITHER),
    Attempt("design document", "PUT", "{db}/_design/w-ddoc", {"views": {}}, writes=POUCHDB),
    Attempt("design document, %2F", "PUT", "{db}/_design%2Fw-ddoc2", {"views": {}}, writes=POUCHDB),
    Attempt("design document through /files/*", "PUT", "{rw}/files/_design/w-ddoc3", {"views": {}}, writes=NEITHER),
    Attempt("Mango index (a design document)", "POST", "{db}/_index", {"index": {"fields": ["w"]}}, writes=POUCHDB),
    Attempt("_purge", "POST", "{db}/_purge", {"w-doc": ["1-0"]}, writes=NEITHER),
    Attempt("_compact", "POST", "{db}/_compact", {}, writes=POUCHDB),
    Attempt("_view_cleanup", "POST", "{db}/_view_cleanup", {}, writes=POUCHDB),
    Attempt("create a database", "PUT", "{db}-w-new", writes=POUCHDB),
    Attempt("sign up a user", "PUT", "/_users/org.couchdb.user:w-mallory",
            {"name": "w-mallory", "password": "x", "roles": [], "type": "user"}, writes=POUCHDB),
    Attempt("server configuration", "PUT", "{config}/pypioncouch_front_test/w", "1", writes=POUCHDB),
    # Last: what changes who may read the database, takes its CouchApp or the database itself away.
    Attempt("security object", "PUT", "{db}/_security", {"members": {"names": ["w"], "roles": []}}, writes=POUCHDB),
    Attempt("security object through /files/*", "PUT", "{rw}/files/_security",
            {"members": {"names": ["w"], "roles": []}}, writes=NEITHER),
    Attempt("design document deleted", "DELETE", "{db}/_design/pypi?rev={ddoc_rev}", writes=POUCHDB),
    Attempt("database deleted", "DELETE", "{db}", writes=POUCHDB),
]


def config_path(server: Any) -> str:
    return "/_node/_local/_config" if on_couchdb(server) else "/_config"


def prepare(db: Database) -> dict[str, str]:
    """What the attempts need in ``db``: a ``_local`` document to copy and delete; the CouchApp's revision."""
    db.request("PUT", f"{db.url}/_local/existing", what="write a _local document", body={"a": 1},
               ok=(200, 201, 202, 409))
    return {"ddoc_rev": db.get("_design/pypi")["_rev"]}


def values_for(server_address: str, db: Database, server: Any, vhost: str, extra: dict[str, str]) -> dict[str, str]:
    db_path = f"/{db.location.name}"
    return {"db": db_path, "rw": f"{db_path}/_design/pypi/_rewrite", "server": server_address,
            "config": config_path(server), "vhost": vhost, **extra}


def run(port: int, attempt: Attempt, values: dict[str, str]) -> Answer:
    target, headers, body = attempt.render(values)
    return send(port, attempt.method, target, headers, body, chunked=attempt.chunked)


def local_documents(db: Database) -> dict[str, Any]:
    """The ``_local`` documents the attempts name (PouchDB Server 4.2.0 has no ``_local_docs``)."""
    found = {}
    for name in ["existing"] + [f"w{n}" for n in range(1, 25)]:
        response = requests.get(f"{db.url}/_local/{name}", auth=admin_auth(db), timeout=TIMEOUT)
        if response.status_code != 404:
            found[name] = (response.status_code, response.text)
    return found


def admin_auth(db: Database) -> tuple[str, str] | None:
    location = db.location
    return (location.username, location.password or "") if location.username else None


def test_no_anonymous_write_passes_the_front(node: Node) -> None:
    db = node.db
    extra = prepare(db)
    before = {"docs": all_revisions(db.url, None), "local": local_documents(db),
              "security": db.request("GET", f"{db.url}/_security", what="read _security").json()}
    values = values_for(node.front.url, db, node.server, f"w.{db.location.name}.pypi.test", extra)
    table, problems = [], []
    for attempt in ATTEMPTS:
        answer = run(node.front.port, attempt, values)
        table.append(f"{answer.status} {'front' if answer.from_front else 'SERVER'}  {attempt.what}")
        if not (answer.from_front and answer.status in (400, 403)):
            problems.append(f"{attempt.what}: {answer.status} {answer.body[:200]!r}")
    reached = [(m, u) for upstream, _, m, u in node.front.log() if upstream != "-" and m not in ("GET", "HEAD")
               and "/_bulk_get" not in u and "/_all_docs" not in u and "/_changes" not in u
               and "/_find" not in u and "/_view/" not in u]
    print("through the front:", *table, sep="\n")
    assert not problems, "\n".join(problems + ["", *table])
    assert reached == [], reached
    # And nothing changed behind it.
    assert all_revisions(db.url, None) == before["docs"]
    assert local_documents(db) == before["local"]
    assert db.request("GET", f"{db.url}/_security", what="read _security").json() == before["security"]
    for path in (f"{db.location.name}-w-new", f"{db.location.name}-w-copy"):
        assert requests.head(f"{node.server.url}/{path}", timeout=TIMEOUT).status_code == 404, path


@pytest.fixture
def victim(couch_server) -> Iterator[Database]:
    """A second node database, set up like the first, that the writes are sent to directly."""
    db = push_app(new_database(couch_server.url, prefix="front-direct"))
    yield db
    server = couch_server.url
    for leftover in (f"{server}/{db.location.name}", f"{server}/{db.location.name}-w-new",
                     f"{server}/{db.location.name}-w-copy", f"{server}/_users/org.couchdb.user:w-mallory",
                     f"{server}{config_path(couch_server)}/pypioncouch_front_test/w"):
        current = requests.get(leftover, timeout=TIMEOUT)
        if current.status_code != 200:
            continue
        rev = current.json().get("_rev") if "/_users/" in leftover else None
        requests.delete(leftover, params={"rev": rev} if rev else None, timeout=TIMEOUT)


def vhost_url(server: Any, host: str) -> str:
    return f"{server.url}{config_path(server)}/vhosts/{host}"


def test_the_same_writes_sent_directly_to_the_server(victim: Database, couch_server) -> None:
    """Without the front, each attempt the table marks writes on this server: what the front refuses
    is what the server would take. The others are refused by the server too (noted in the table)."""
    extra = prepare(victim)
    vhost = f"w.{victim.location.name}.pypi.test"
    config = vhost_url(couch_server, vhost)
    requests.put(config, data=json.dumps(f"/{victim.location.name}/_design/pypi/_rewrite"),
                 headers={"Content-Type": "application/json"}, timeout=TIMEOUT).raise_for_status()
    port = server_port(couch_server)
    values = values_for(couch_server.base_url, victim, couch_server, vhost, extra)
    table, problems = [], []
    try:
        for attempt in ATTEMPTS:
            answer = run(port, attempt, values)
            expected = couch_server.kind in attempt.writes
            table.append(f"{answer.status} {'writes' if answer.wrote else 'refused'}  {attempt.what}")
            if answer.wrote != expected:
                problems.append(f"{attempt.what}: expected {'a write' if expected else 'a refusal'}, got "
                                f"{answer.status} {answer.body[:200]!r}")
    finally:
        requests.delete(config, timeout=TIMEOUT)
    print(f"directly to {couch_server.kind}:", *table, sep="\n")
    assert not problems, "\n".join(problems + ["", *table])


# --- what reaches the server -------------------------------------------------------------------------

class Recorder:
    """An upstream that records each request it gets (method, raw target, headers) and answers ``{}``."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, dict[str, str]]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def handle_one_request(self) -> None:  # every method, whatever its name
                self.raw_requestline = self.rfile.readline(65537)
                if not self.raw_requestline or not self.parse_request():
                    self.close_connection = True
                    return
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                recorder.seen.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}))
                body = b"{}"
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def __enter__(self) -> "Recorder":
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_only_the_fronts_own_headers_reach_the_server(tmp_path: Path) -> None:
    tricks = {
        "Authorization": "Basic YWRtaW46cHc=", "Cookie": "AuthSession=c3R1ZmY",
        "X-HTTP-Method-Override": "PUT", "X-HTTP-Method": "PUT", "X-Method-Override": "PUT",
        "X-Auth-CouchDB-UserName": "admin", "X-Auth-CouchDB-Roles": "_admin", "X-Auth-CouchDB-Token": "t",
        "X-CouchDB-VHost-Path": "/pypi/_local", "X-CouchDB-Requested-Path": "/pypi/_local/x",
        "Destination": "_local/x", "X-Forwarded-Host": "evil.example", "X-Forwarded-Prefix": "/evil",
        "X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "on", "Host": "evil.example",
        "Accept": "application/json", "If-None-Match": '"1-abc"',
    }
    kept = {"accept", "if-none-match", "host", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-for",
            "user-agent", "content-type", "content-length", "accept-encoding", "range", "if-range",
            "if-modified-since", "connection"}
    requests_sent = [
        ("GET", "/pypi/front-demo%2F2.0?attachments=true&x=%2F", None),
        ("HEAD", "/pypi/front-demo", None),
        ("OPTIONS", "/pypi/front-demo", None),
        ("POST", "/pypi/_bulk_get?revs=true", b'{"docs": []}'),
        ("GET", "/pypi/_design/pypi/_rewrite/files/front-demo%3Adist%3Aa.whl/a.whl", None),
        ("GET", "/", None),
    ]
    with Recorder() as recorder:
        front = Front(tmp_path / "front", recorder.port, "pypi").start()
        try:
            for method, target, body in requests_sent:
                headers = dict(tricks, **({"Content-Type": "application/json"} if body else {}))
                answer = send(front.port, method, target, headers, body)
                assert answer.status == 200, (method, target, answer.status, answer.body[:200])
        finally:
            front.stop()
    assert [(method, path) for method, path, _ in recorder.seen] == [(m, t) for m, t, _ in requests_sent]
    for method, path, headers in recorder.seen:
        assert set(headers) <= kept, (method, path, sorted(set(headers) - kept))
        assert headers["host"] == front.public_host and headers["x-forwarded-host"] == front.public_host
        assert headers["x-forwarded-proto"] == "http"
        assert headers.get("accept") == "application/json" and headers.get("if-none-match") == '"1-abc"'
