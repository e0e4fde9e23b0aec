"""HttpClient: what real upstreams do that the emulator does not (gzip, redirects), and the
environment's proxy and CA settings."""

from __future__ import annotations

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import pytest
import urllib3

from pypioncouch.upstream import HttpClient, RetryPolicy, UpstreamError
from pypioncouch.upstream.http import USER_AGENT, _pool_manager

FAST = RetryPolicy(attempts=2, backoff=0.01, timeout=5)


class Upstream(BaseHTTPRequestHandler):
    """/gzip answers compressed JSON, /moved redirects to it, /drop closes the connection."""

    seen: list[dict[str, str]] = []

    def do_GET(self) -> None:
        Upstream.seen.append({name.lower(): value for name, value in self.headers.items()})
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/gzip")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path.startswith("/gzip"):
            body = gzip.compress(json.dumps({"path": self.path}).encode())
            self.send_response(200)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.close_connection = True  # /drop: no answer at all

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def upstream() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Upstream.seen = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_compressed_answers_are_decoded_and_our_user_agent_is_sent(upstream: str) -> None:
    response = HttpClient(upstream, FAST).request("GET", "/gzip", params={"serial": "7"})
    assert response.json() == {"path": "/gzip?serial=7"}
    assert "gzip" in Upstream.seen[0]["accept-encoding"] and Upstream.seen[0]["user-agent"] == USER_AGENT


def test_redirects_are_followed_and_the_final_url_is_kept(upstream: str) -> None:
    response = HttpClient(upstream, FAST).request("GET", "/moved")
    assert response.json() == {"path": "/gzip"} and response.url == f"{upstream}/gzip"


def test_a_dropped_connection_is_retried_then_reported(upstream: str) -> None:
    client = HttpClient(upstream, FAST)
    with pytest.raises(UpstreamError, match=r"GET .*/drop: ProtocolError after 2 attempts"):
        client.request("GET", "/drop")
    assert client.requests_made == 2


def test_the_environment_proxy_is_used_unless_no_proxy_names_the_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    pool = _pool_manager("https://pypi.example.org")
    assert isinstance(pool, urllib3.ProxyManager) and pool.proxy.host == "proxy.invalid"
    monkeypatch.setenv("NO_PROXY", "pypi.example.org")
    assert not isinstance(_pool_manager("https://pypi.example.org"), urllib3.ProxyManager)


def test_the_environment_ca_bundle_is_used(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    bundle = tmp_path / "ca.pem"
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    assert _pool_manager("https://pypi.example.org").connection_pool_kw["ca_certs"] == str(bundle)
