"""The HTTP side: routes requests to the payload builders, applying faults, logging requests.

`EmulatorServer` binds 127.0.0.1 (never anything else) on a free port and serves from a
thread; the URL base is fixed at bind time, so payload URLs point back at this server.
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
from .payloads import UrlPolicy, json_api_project, json_api_release, simple_detail, simple_index
from .simple import SIMPLE_V1_JSON, negotiate, render
from .xmlrpc_api import DEFAULT_PAGE_SIZE, XmlRpcApi, method_name

_JSON_PROJECT = re.compile(r"^/pypi/(?P<name>[^/]+)/json/?$")
_JSON_RELEASE = re.compile(r"^/pypi/(?P<name>[^/]+)/(?P<version>[^/]+)/json/?$")
_SIMPLE_PROJECT = re.compile(r"^/simple/(?P<name>[^/]+)/?$")
NOT_FOUND = json.dumps({"message": "Not Found"}).encode()


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
                 rewrite_file_urls: bool = False, cache_payloads: bool = False) -> None:
        self.dataset = dataset
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
        self.urls = UrlPolicy(self.url, rewrite_file_urls)

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

    def prewarm(self) -> None:
        """Build every project's JSON API payload now (needs ``cache_payloads=True``)."""
        for project in self.dataset:
            self._project_json(project)

    def _project_json(self, project: Project) -> Response:
        key = (project.normalized, project.last_serial)
        cached = self._payload_cache.get(key) if self._payload_cache is not None else None
        if cached is None:
            with self.dataset.lock:
                response = _json_response(json_api_project(project, self.urls), project)
            if self._payload_cache is not None and response.status == 200:
                self._payload_cache[key] = response.body
            return response
        return Response(200, cached, "application/json", {"X-PyPI-Last-Serial": str(project.last_serial)})

    def clear_log(self) -> None:
        self.requests_log.clear()

    # ---- routing -------------------------------------------------------------------------

    def route_get(self, target: str, accept: str | None, stale: bool) -> Response:
        parts = urlsplit(target)
        path = unquote(parts.path)
        if path.startswith("/packages/"):
            return self._file(path)
        if path == "/simple" or path == "/simple/":
            query = parse_qs(parts.query)
            return self._simple_index(negotiate(accept, query.get("format", [None])[0]))
        for pattern, view in ((_SIMPLE_PROJECT, self._simple_project), (_JSON_PROJECT, self._json_api),
                              (_JSON_RELEASE, self._json_api)):
            match = pattern.match(path)
            if match:
                return view(path, match.groupdict(), accept, parts.query, stale)
        return Response(404, NOT_FOUND)

    def _project(self, name: str, stale: bool) -> Project | None:
        return self.dataset.previous_state(name) if stale else self.dataset.get(name)

    def _redirect(self, path: str, name: str, query: str) -> Response | None:
        """301 to the PEP 503 normalized URL when the name in the URL is not normalized."""
        if name == normalize(name):
            return None
        location = path.replace(f"/{name}/", f"/{quote(normalize(name))}/", 1)
        return Response(301, b"", "text/plain", {"Location": location + (f"?{query}" if query else "")})

    def _simple_index(self, content_type: str) -> Response:
        page = simple_index(self.dataset)
        serial = str(page["meta"]["_last-serial"])
        return Response(200, render(page, content_type), _with_charset(content_type),
                        {"X-PyPI-Last-Serial": serial, "Vary": "Accept"})

    def _simple_project(self, path: str, groups: dict[str, str], accept: str | None, query: str,
                        stale: bool) -> Response:
        name = groups["name"]
        redirect = self._redirect(path if path.endswith("/") else path + "/", name, query)
        if redirect is None and not path.endswith("/"):
            return Response(301, b"", "text/plain", {"Location": path + "/"})
        if redirect is not None:
            return redirect
        with self.dataset.lock:
            project = self._project(name, stale)
            if project is None:
                return Response(404, b"Not Found", "text/plain")
            page = simple_detail(project, self.urls)
        content_type = negotiate(accept, parse_qs(query).get("format", [None])[0])
        return Response(200, render(page, content_type), _with_charset(content_type),
                        {"X-PyPI-Last-Serial": str(project.last_serial), "Vary": "Accept"})

    def _json_api(self, path: str, groups: dict[str, str], accept: str | None, query: str,
                  stale: bool) -> Response:
        """``/pypi/<name>/json`` and ``/pypi/<name>/<version>/json``."""
        redirect = self._redirect(path, groups["name"], query)
        if redirect is not None:
            return redirect
        with self.dataset.lock:
            project = self._project(groups["name"], stale)
            if project is None:
                return _json_response(None, None)
            if groups.get("version") is not None:
                release = project.releases.get(groups["version"])
                return _json_response(json_api_release(project, release, self.urls) if release else None, project)
        return self._project_json(project)  # the whole project's payload: cached, built outside the lock

    def _file(self, path: str) -> Response:
        stored = self.dataset.file_at(path)
        is_metadata = stored is None and path.endswith(".metadata")
        if is_metadata:
            stored = self.dataset.file_at(path[:-len(".metadata")])
        if stored is None or (is_metadata and stored.metadata_sha256 is None):
            return Response(404, b"Not Found", "text/plain")
        headers = {"X-Emulator-Placeholder": "sha256-mismatch"} if stored.upstream is not None else {}
        if is_metadata:
            body = stored.metadata() if stored.metadata else b""
            return Response(200, body, "text/plain; charset=utf-8", headers)
        return Response(200, stored.content(), "application/octet-stream", headers)


def _with_charset(content_type: str) -> str:
    return content_type if content_type == SIMPLE_V1_JSON else f"{content_type}; charset=utf-8"


def _json_response(payload: dict[str, Any] | None, project: Project | None) -> Response:
    if payload is None or project is None:
        return Response(404, NOT_FOUND)
    return Response(200, json.dumps(payload).encode("ascii"), "application/json",
                    {"X-PyPI-Last-Serial": str(project.last_serial)})


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

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        method = method_name(body)
        rule = self.server_app.faults.take(path, method)
        if rule is not None and rule.kind is not FaultKind.STALE and self._apply_fault(rule, method):
            return
        if path.rstrip("/") not in ("/pypi", "/RPC2"):
            response = Response(404, NOT_FOUND)
        else:
            response = Response(200, self.server_app.xmlrpc.handle(body), "text/xml")
        self._finish(response, rule, method)

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
        self.wfile.write(response.body)

    def _log(self, status: int | None, method: str | None) -> None:
        self.server_app.requests_log.append(LoggedRequest(self.command, self.path, status, method))
