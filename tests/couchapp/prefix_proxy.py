"""A tiny reverse proxy on loopback that puts the CouchApp under a prefix of its own, the way
docs/deployment.md's nginx rule does: ``http://127.0.0.1:<port>/pypi/<rest>`` is fetched from
``<database>/_design/pypi/_rewrite/<rest>``. It passes the client's ``Host`` through (nginx:
``proxy_set_header Host $http_host``), adds ``X-Forwarded-Prefix`` and ``X-Forwarded-Proto``
when told to, and hands back status, headers (``Location`` untouched) and body as they came.
Standard library only; GET and HEAD, which is all a reader sends."""

from __future__ import annotations

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
              "transfer-encoding", "upgrade", "content-length"}


class PrefixProxy:
    def __init__(self, upstream_root: str, prefix: str = "/pypi", *, forwarded_headers: bool = True) -> None:
        """``upstream_root``: the ``_rewrite/`` URL (with its trailing slash); ``prefix``: where the
        proxy puts it (no trailing slash)."""
        self.upstream = urlsplit(upstream_root)
        self.prefix = prefix.rstrip("/")
        self.forwarded_headers = forwarded_headers
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            wbufsize = -1  # headers and body leave in one write (small writes wait on delayed ACKs)

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                proxy.forward(self)

            do_HEAD = do_GET

            def log_message(self, format: str, *args: object) -> None:  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def root(self) -> str:
        """The public URL of the CouchApp's root through the proxy."""
        return f"http://127.0.0.1:{self.server.server_address[1]}{self.prefix}/"

    def start(self) -> "PrefixProxy":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> "PrefixProxy":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def forward(self, handler: BaseHTTPRequestHandler) -> None:
        if not handler.path.startswith(self.prefix + "/"):
            self._answer(handler, 404, [("Content-Type", "text/plain")], b"not under the proxy's prefix\n")
            return
        target = self.upstream.path + handler.path[len(self.prefix) + 1:]
        headers = {key: value for key, value in handler.headers.items() if key.lower() not in HOP_BY_HOP}
        if self.forwarded_headers:
            headers["X-Forwarded-Prefix"] = self.prefix
            headers["X-Forwarded-Proto"] = "http"
        connection = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=120)
        try:
            connection.request(handler.command, target, headers=headers)
            response = connection.getresponse()
            body = response.read()
            kept = [(key, value) for key, value in response.getheaders() if key.lower() not in HOP_BY_HOP]
            self._answer(handler, response.status, kept, b"" if handler.command == "HEAD" else body, len(body))
        finally:
            connection.close()

    @staticmethod
    def _answer(handler: BaseHTTPRequestHandler, status: int, headers: list[tuple[str, str]], body: bytes,
                length: int | None = None) -> None:
        handler.send_response(status)
        for key, value in headers:
            handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(body) if length is None else length))
        handler.end_headers()
        handler.wfile.write(body)
