"""The HTTP side: routes requests to the payload builders, applying faults, logging requests.

`EmulatorServer` binds 127.0.0.1 (never anything else) on a free port and serves from a
thread; the URL base is fixed at bind time, so payload URLs point back at this server.
`flavour` picks the kind of index it plays (`flavours.py`): pypi.org by default, or a proxy
of it, devpi, a static Simple tree, or one of the broken ones.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from .dataset import Dataset, Project, normalize
from .faults import FaultKind, FaultRule, Faults, LoggedRequest
from .files import StoredFile
from .flavours import Flavour, flavour as flavour_named
from .payloads import UrlPolicy, json_api_project, json_api_release, provenance_object, simple_detail, simple_index
from .simple import SIMPLE_V1_JSON, TEXT_HTML, negotiate, render
from .xmlrpc_api import DEFAULT_PAGE_SIZE, XmlRpcApi, method_name

_JSON_PROJECT = re.compile(r"^/pypi/(?P<name>[^/]+)/json/?$")
_JSON_RELEASE = re.compile(r"^/pypi/(?P<name>[^/]+)/(?P<version>[^/]+)/json/?$")
_INTEGRITY = re.compile(r"^/integrity/(?P<name>[^/]+)/(?P<version>[^/]+)/(?P<filename>[^/]+)/provenance$")
NOT_FOUND = json.dumps({"message": "Not Found"}).encode()
HOME_PAGE = (b'<!DOCTYPE html><html><head><title>Welcome</title><link rel="stylesheet" href="/static/site.css">'
             b'</head><body><h1>Welcome to our intranet</h1><p><a href="/login">Sign in</a> | '
             b'<a href="https://help.example.com/">Help</a> | <a href="#news">News</a></p></body></html>')


class Response:
    """What a route answers; kept apart from the socket so faults can alter it."""

    def __init__(self, status: int, body: bytes = b"", content_type: str = "application/json",
                 headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.body = body
        self.headers = {"Content-Type": content_type, **(headers or {})}


class EmulatorServer:
    """A fake PyPI on loopback.  Use as a context manager, or call start()/stop()."""

    def __init__(self, dataset: Dataset, *, port: int = 0, page_size: int = DEFAULT_PAGE_SIZE,
                 rewrite_file_urls: bool = False, cache_payloads: bool = False,
                 flavour: "str | Flavour" = "pypi") -> None:
        self.dataset = dataset
        self.flavour = flavour_named(flavour)
        self._simple_project = re.compile("^" + re.escape(self.flavour.simple_root) + r"(?P<name>[^/]+)/?$")
        # Benchmarks measure the importer, not the emulator: with the cache, a project's JSON is
        # built once per serial (PyPI's CDN serves it prebuilt too).
        self._payload_cache: dict[tuple[str, int], bytes] | None = {} if cache_payloads else None
        self.faults = Faults()
        self.requests_log: list[LoggedRequest] = []
        self.xmlrpc = XmlRpcApi(dataset, page_size)
        self.rewrite_file_urls = rewrite_file_urls
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self.urls = UrlPolicy(self.url, rewrite_file_urls, self.flavour)

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def page_size(self) -> int:
        return self.xmlrpc.page_size

    @page_size.setter
    def page_size(self, value: int) -> None:
        self.xmlrpc.page_size = value

    def start(self) -> "EmulatorServer":
        # A short poll interval keeps stop() (and so each test's teardown) fast.
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), name="pypi-emulator",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def __enter__(self) -> "EmulatorServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def index_url(self) -> str:
        """What to give the importer (and pip, with `simple_url`): the base, or devpi's Simple root."""
        return self.simple_url if self.flavour.devpi else self.url

    @property
    def simple_url(self) -> str:
        return self.url + self.flavour.simple_root

    def prewarm(self) -> None:
        """Build every project's JSON API payload and pages now (needs ``cache_payloads=True``)."""
        for project in self.dataset:
            if self.flavour.json_api:
                self._project_json(project)
            for content_type in ((SIMPLE_V1_JSON, TEXT_HTML) if self.flavour.detail_json else (TEXT_HTML,)):
                self._page(project, content_type)

    def _cached(self, key: tuple[Any, ...], build: Any) -> bytes | None:
        if self._payload_cache is None:
            return build()
        body = self._payload_cache.get(key)
        if body is None:
            body = build()
            if body is not None:
                self._payload_cache[key] = body
        return body

    def _project_json(self, project: Project) -> Response:
        def build() -> bytes | None:
            with self.dataset.lock:
                payload = json_api_project(project, self.urls)
            return None if payload is None else json.dumps(payload).encode("ascii")
        body = self._cached(("json", project.normalized, project.last_serial, project.status), build)
        if body is None:
            return Response(404, NOT_FOUND)
        return Response(200, body, "application/json", self._serial_header(project.last_serial))

    def _page(self, project: Project, content_type: str) -> bytes:
        def build() -> bytes:
            with self.dataset.lock:
                page = simple_detail(project, self.urls)
            return render(page, content_type, self.flavour)
        body = self._cached(("page", project.normalized, project.last_serial, project.status, content_type), build)
        assert body is not None
        return body

    def _serial_header(self, serial: int) -> dict[str, str]:
        return {"X-PyPI-Last-Serial": str(serial)} if self.flavour.serial_header else {}

    def clear_log(self) -> None:
        self.requests_log.clear()

    # ---- routing -------------------------------------------------------------------------

    def route_get(self, target: str, accept: str | None, stale: bool) -> Response:
        parts = urlsplit(target)
        path = unquote(parts.path)
        broken = self._broken(parts.path)
        if broken is not None:
            return broken
        if path.startswith(self.flavour.files_prefix):
            return self._file(path)
        root = self.flavour.simple_root
        if path == root.rstrip("/"):
            return Response(self.flavour.slash_redirect, b"", "text/plain", {"Location": root})
        if path == root:
            return self._simple_index(self._content_type(accept, parts.query, self.flavour.index_json))
        match = _INTEGRITY.match(path)
        if match and self.flavour.provenance:
            return self._provenance(match.groupdict())
        views = [(self._simple_project, self._simple_project_view)]
        if self.flavour.json_api and self.flavour.broken != "json-404":
            views += [(_JSON_PROJECT, self._json_api), (_JSON_RELEASE, self._json_api)]
        for pattern, view in views:
            match = pattern.match(path)
            if match:
                return view(path, match.groupdict(), accept, parts.query, stale)
        return self._not_found()

    def _broken(self, raw_path: str) -> Response | None:
        if self.flavour.broken == "not-an-index":
            return Response(200, HOME_PAGE, "text/html; charset=utf-8")
        if self.flavour.broken == "redirect-loop":
            return Response(302, b"", "text/plain", {"Location": raw_path})
        return None

    def _not_found(self) -> Response:
        if self.flavour.static:
            return Response(404, b"<html><body><h1>Error response</h1><p>Error code: 404</p></body></html>",
                            "text/html;charset=utf-8")
        return Response(404, NOT_FOUND)

    def _content_type(self, accept: str | None, query: str, json_offered: bool) -> str:
        if not json_offered:
            return TEXT_HTML
        return negotiate(accept, parse_qs(query).get("format", [None])[0])

    def route_post(self, path: str, body: bytes) -> Response:
        broken = self._broken(path)
        if broken is not None:
            return broken
        if self.flavour.static:
            return Response(501, b"<html><body><h1>Error response</h1><p>Error code: 501</p>"
                                 b"<p>Message: Unsupported method ('POST').</p></body></html>", "text/html;charset=utf-8")
        if not self.flavour.xmlrpc or path.rstrip("/") not in ("/pypi", "/RPC2"):
            return Response(404, NOT_FOUND)
        return Response(200, self.xmlrpc.handle(body), "text/xml")

    def _project(self, name: str, stale: bool) -> Project | None:
        return self.dataset.previous_state(name) if stale else self.dataset.get(name)

    def _redirect(self, path: str, name: str, query: str) -> Response | None:
        """301 to the PEP 503 normalized URL when the name in the URL is not normalized."""
        if name == normalize(name):
            return None
        location = path.replace(f"/{name}/", f"/{quote(normalize(name))}/", 1)
        return Response(301, b"", "text/plain", {"Location": location + (f"?{query}" if query else "")})

    def _simple_index(self, content_type: str) -> Response:
        page = simple_index(self.dataset, self.flavour)
        headers = {"Vary": "Accept"} if not self.flavour.static else {}
        if self.flavour.serial_header and not self.flavour.devpi:
            headers["X-PyPI-Last-Serial"] = str(self.dataset.last_serial)
        return Response(200, render(page, content_type, self.flavour), _with_charset(content_type), headers)

    def _simple_project_view(self, path: str, groups: dict[str, str], accept: str | None, query: str,
                             stale: bool) -> Response:
        name = groups["name"]
        if not self.flavour.devpi and not self.flavour.static:
            redirect = self._redirect(path if path.endswith("/") else path + "/", name, query)
            if redirect is not None:
                return redirect
        if not path.endswith("/"):
            return Response(self.flavour.slash_redirect, b"", "text/plain", {"Location": path + "/"})
        if self.flavour.broken == "json-404":
            return self._not_found()
        with self.dataset.lock:
            project = self._project(name, stale)
        if project is None:
            return self._not_found() if self.flavour.static else Response(404, b"Not Found", "text/plain")
        content_type = self._content_type(accept, query, self.flavour.detail_json)
        headers = {} if self.flavour.static else {"Vary": "Accept"}
        if self.flavour.serial_header or self.flavour.devpi:
            headers["X-PyPI-Last-Serial"] = str(project.last_serial)
        body = render(simple_detail(project, self.urls), content_type, self.flavour) if stale else \
            self._page(project, content_type)
        return Response(200, body, _with_charset(content_type), headers)

    def _provenance(self, groups: dict[str, str]) -> Response:
        with self.dataset.lock:
            project = self.dataset.get(groups["name"])
            release = project.releases.get(groups["version"]) if project is not None else None
            stored = next((f for f in release.files if f.filename == groups["filename"]), None) if release else None
            if project is None or release is None or stored is None or not stored.attested:
                return Response(404, NOT_FOUND)
            body = json.dumps(provenance_object(project, release, stored)).encode("ascii")
        return Response(200, body, "application/vnd.pypi.integrity.v1+json")

    def _json_api(self, path: str, groups: dict[str, str], accept: str | None, query: str,
                  stale: bool) -> Response:
        """``/pypi/<name>/json`` and ``/pypi/<name>/<version>/json``."""
        redirect = self._redirect(path, groups["name"], query)
        if redirect is not None:
            return redirect
        with self.dataset.lock:
            project = self._project(groups["name"], stale)
            if project is None:
                return Response(404, NOT_FOUND)
            if groups.get("version") is not None:
                release = project.releases.get(groups["version"])
                payload = json_api_release(project, release, self.urls) if release else None
                if payload is None:
                    return Response(404, NOT_FOUND)
                return Response(200, json.dumps(payload).encode("ascii"), "application/json",
                                self._serial_header(project.last_serial))
            if stale:
                payload = json_api_project(project, self.urls)
                if payload is None:
                    return Response(404, NOT_FOUND)
                return Response(200, json.dumps(payload).encode("ascii"), "application/json",
                                self._serial_header(project.last_serial))
        return self._project_json(project)  # the whole project's payload: cached, built outside the lock

    def _file_at(self, path: str) -> StoredFile | None:
        if not self.flavour.devpi:
            return self.dataset.file_at(path)
        stored = self.dataset.file_by_name(path.rsplit("/", 1)[-1])
        return stored if stored is not None and self.urls.served_path(stored) == path else None

    def _file(self, path: str) -> Response:
        stored = self._file_at(path)
        is_metadata = stored is None and path.endswith(".metadata")
        if is_metadata:
            stored = self._file_at(path[:-len(".metadata")])
        if stored is None or (is_metadata and (stored.metadata_sha256 is None or not self.flavour.metadata_files)):
            return self._not_found() if self.flavour.static else Response(404, b"Not Found", "text/plain")
        headers = {"X-Emulator-Placeholder": "sha256-mismatch"} if stored.upstream is not None else {}
        if is_metadata:
            body = stored.metadata() if stored.metadata else b""
            return Response(200, body, "text/plain; charset=utf-8", headers)
        return Response(200, stored.content(), "application/octet-stream", headers)


def _with_charset(content_type: str) -> str:
    return content_type if content_type == SIMPLE_V1_JSON else f"{content_type}; charset=utf-8"


def _handler_for(emulator: EmulatorServer) -> type[BaseHTTPRequestHandler]:
    class Handler(_Handler):
        server_app = emulator

    return Handler


class _Handler(BaseHTTPRequestHandler):
    """Socket plumbing: read, consult faults, answer, log."""

    protocol_version = "HTTP/1.1"
    server_app: EmulatorServer

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without this, Nagle plus delayed ACKs add
        # 40 ms to every keep-alive request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # tests read requests_log instead
        pass

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        rule = self.server_app.faults.take(path)
        stale = rule is not None and rule.kind is FaultKind.STALE
        if rule is not None and not stale and self._apply_fault(rule, None):
            return
        response = self.server_app.route_get(self.path, self.headers.get("Accept"), stale)
        self._finish(response, rule, None)

    def do_HEAD(self) -> None:
        """As GET, without the body (uv asks a wheel's headers before it reads its metadata)."""
        self._head_only = True
        try:
            self.do_GET()
        finally:
            self._head_only = False

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        method = method_name(body)
        rule = self.server_app.faults.take(path, method)
        if rule is not None and rule.kind is not FaultKind.STALE and self._apply_fault(rule, method):
            return
        self._finish(self.server_app.route_post(path, body), rule, method)

    def _apply_fault(self, rule: FaultRule, method: str | None) -> bool:
        """Apply a fault that replaces the answer; True when the request is fully handled."""
        if rule.kind is FaultKind.DELAY:
            time.sleep(rule.delay)
            return False
        if rule.kind is FaultKind.DROP:
            self._log(None, method)
            self.close_connection = True
            return True
        if rule.kind is FaultKind.STATUS:
            headers = {"Retry-After": str(rule.retry_after)} if rule.retry_after is not None else {}
            body = json.dumps({"message": f"emulated fault {rule.status}"}).encode()
            self._send(Response(rule.status, body, "application/json", headers), method)
            return True
        return False

    def _finish(self, response: Response, rule: FaultRule | None, method: str | None) -> None:
        if rule is not None and rule.kind is FaultKind.MALFORMED and response.status == 200:
            response.body = response.body[: max(1, len(response.body) // 2)] + b"\x00{<"
        self._send(response, method)

    def _send(self, response: Response, method: str | None) -> None:
        self.send_response(response.status)
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self._log(response.status, method)  # before the body: a client may read the log at once
        if not getattr(self, "_head_only", False):
            self.wfile.write(response.body)

    def _log(self, status: int | None, method: str | None) -> None:
        self.server_app.requests_log.append(LoggedRequest(self.command, self.path, status, method))
