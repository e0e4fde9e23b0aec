"""HTTP to the upstream, with bounded, polite retries.

Every request has a timeout. Connection failures, timeouts, 5xx and 429
answers are retried with exponential backoff (429 honours Retry-After) up to
``RetryPolicy.attempts``; then ``UpstreamError`` is raised, never an empty
answer: a failure must not pass for "nothing changed". A redirect loop is not
retried: it raises ``RedirectLoop`` at once, naming the URL.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import urlencode, urljoin

import certifi
import requests
import urllib3

from .. import __version__
from .base import RedirectLoop, UpstreamError

USER_AGENT = f"pypioncouch/{__version__} (+https://github.com/pypioncouch)"
RETRYABLE_STATUS = {429, 500, 502, 503, 504}
# What one attempt can fail with before an answer arrives: refused or dropped connections,
# timeouts, cut or undecodable bodies (urllib3 wraps most of these in its own HTTPError).
TRANSPORT_ERRORS = (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError)
MAX_REDIRECTS = 10


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    backoff: float = 0.5  # seconds before the second attempt; doubles each time
    max_backoff: float = 30.0
    timeout: float = 30.0

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        if retry_after and retry_after.isdigit():
            return min(float(retry_after), self.max_backoff)
        base = min(self.backoff * (2 ** (attempt - 1)), self.max_backoff)
        return base * (0.75 + random.random() / 2)


@dataclass(frozen=True)
class Response:
    """One complete answer: status, headers (case-insensitive), body, and the URL it came from
    (after redirects, so relative links in it resolve right)."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes
    url: str

    def json(self) -> Any:
        """The body as JSON; ``ValueError`` when it is not."""
        return json.loads(self.content)


class HttpClient:
    """The upstream's HTTP, with bounded retries; safe to share between threads.

    urllib3 directly, not requests: the importer makes one GET per project, and
    requests' per-request work (merging settings, cookies, hooks) cost about a
    third of each one's CPU. The environment's proxy and CA bundle (what requests
    would read: HTTPS_PROXY, NO_PROXY, REQUESTS_CA_BUNDLE, ...) are resolved
    once, for the upstream's host.
    """

    def __init__(self, base_url: str, policy: RetryPolicy | None = None, *, _counter: list[int] | None = None,
                 _pool: urllib3.PoolManager | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.policy = policy or RetryPolicy()
        self.pool = _pool or _pool_manager(self.base_url)
        # [requests sent, body bytes received], shared with the clients made by with_policy.
        self._counter = _counter if _counter is not None else [0, 0]
        self._count_lock = threading.Lock()

    @property
    def requests_made(self) -> int:
        """Requests sent by this client and every client made from it with ``with_policy``."""
        return self._counter[0]

    @property
    def bytes_received(self) -> int:
        """Body bytes (decoded) of every answer these clients received."""
        return self._counter[1]

    def with_policy(self, policy: RetryPolicy) -> "HttpClient":
        """A client for the same upstream with other retries, counting into the same total."""
        return HttpClient(self.base_url, policy, _counter=self._counter, _pool=self.pool)

    def request(self, method: str, path: str, *, ok: tuple[int, ...] = (200,), params: Mapping[str, str] | None = None,
                data: bytes | None = None, headers: Mapping[str, str] | None = None) -> Response:
        """Send a request, retrying transient failures; statuses in ``ok`` are returned as they are."""
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        if params:
            url = f"{url}?{urlencode(params)}"
        problem = ""
        for attempt in range(1, self.policy.attempts + 1):
            retry_after = None
            try:
                with self._count_lock:
                    self._counter[0] += 1
                response = self._send(method, url, data, headers)
            except urllib3.exceptions.MaxRetryError as exc:
                if isinstance(exc.reason, urllib3.exceptions.ResponseError) and "redirect" in str(exc.reason):
                    raise RedirectLoop(f"{method} {url}: more than {MAX_REDIRECTS} redirects (a redirect loop)") from None
                problem = type(exc.reason or exc).__name__
            except TRANSPORT_ERRORS as exc:
                problem = type(getattr(exc, "reason", None) or exc).__name__
            else:
                with self._count_lock:
                    self._counter[1] += len(response.content)
                if response.status_code in ok:
                    return response
                if response.status_code not in RETRYABLE_STATUS:
                    raise UpstreamError(f"{method} {url}: HTTP {response.status_code}")
                problem = f"HTTP {response.status_code}"
                retry_after = response.headers.get("Retry-After")
            if attempt < self.policy.attempts:
                time.sleep(self.policy.delay(attempt, retry_after))
        raise UpstreamError(f"{method} {url}: {problem} after {self.policy.attempts} attempts")

    def _send(self, method: str, url: str, data: bytes | None, headers: Mapping[str, str] | None) -> Response:
        answer = self.pool.request(
            method, url, body=data, headers={**self.pool.headers, **(headers or {})},
            timeout=urllib3.Timeout(connect=self.policy.timeout, read=self.policy.timeout),
            retries=urllib3.Retry(total=None, connect=0, read=0, status=0, other=0, redirect=MAX_REDIRECTS))
        return Response(answer.status, answer.headers, answer.data, urljoin(url, answer.geturl() or ""))


def _pool_manager(base_url: str) -> urllib3.PoolManager:
    """Connections to the upstream, through the environment's proxy if it names one."""
    settings = requests.Session().merge_environment_settings(base_url, {}, None, None, None)
    verify = settings["verify"]
    tls: dict[str, Any] = {"cert_reqs": "CERT_NONE"} if verify is False else {
        "cert_reqs": "CERT_REQUIRED", "ca_certs": verify if isinstance(verify, str) else certifi.where()}
    headers = {**urllib3.make_headers(accept_encoding=True), "User-Agent": USER_AGENT}
    proxies = settings["proxies"]
    proxy = proxies.get(base_url.split(":", 1)[0].lower()) or proxies.get("all")
    # maxsize: connections kept per host, enough for any sensible number of fetch threads.
    if proxy:
        return urllib3.ProxyManager(proxy, num_pools=4, maxsize=64, headers=headers, **tls)
    return urllib3.PoolManager(num_pools=4, maxsize=64, headers=headers, **tls)
