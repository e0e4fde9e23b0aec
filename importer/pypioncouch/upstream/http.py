"""HTTP to the upstream, with bounded, polite retries.

Every request has a timeout. Connection failures, timeouts, 5xx and 429
answers are retried with exponential backoff (429 honours Retry-After) up to
``RetryPolicy.attempts``; then ``UpstreamError`` is raised, never an empty
answer: a failure must not pass for "nothing changed".
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from typing import Any

import requests

from .. import __version__
from ..http_session import new_session
from .base import UpstreamError

USER_AGENT = f"pypioncouch/{__version__} (+https://github.com/pypioncouch)"
RETRYABLE_STATUS = {429, 500, 502, 503, 504}


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


class HttpClient:
    """A requests session per thread (sessions are not thread-safe), sharing one retry policy."""

    def __init__(self, base_url: str, policy: RetryPolicy | None = None, *, _counter: list[int] | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.policy = policy or RetryPolicy()
        self._local = threading.local()
        self._counter = _counter if _counter is not None else [0]
        self._count_lock = threading.Lock()

    @property
    def requests_made(self) -> int:
        """Requests sent by this client and every client made from it with ``with_policy``."""
        return self._counter[0]

    def with_policy(self, policy: RetryPolicy) -> "HttpClient":
        """A client for the same upstream with other retries, counting into the same total."""
        return HttpClient(self.base_url, policy, _counter=self._counter)

    @property
    def session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = new_session(self.base_url)
            session.headers["User-Agent"] = USER_AGENT
            self._local.session = session
        return session

    def request(self, method: str, path: str, *, ok: tuple[int, ...] = (200,), **kwargs: Any) -> requests.Response:
        """Send a request, retrying transient failures; statuses in ``ok`` are returned as they are."""
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        problem = ""
        for attempt in range(1, self.policy.attempts + 1):
            retry_after = None
            try:
                with self._count_lock:
                    self._counter[0] += 1
                response = self.session.request(method, url, timeout=self.policy.timeout, **kwargs)
            except (requests.ConnectionError, requests.Timeout) as exc:
                problem = f"{type(exc).__name__}"
            else:
                if response.status_code in ok:
                    return response
                if response.status_code not in RETRYABLE_STATUS:
                    raise UpstreamError(f"{method} {url}: HTTP {response.status_code}")
                problem = f"HTTP {response.status_code}"
                retry_after = response.headers.get("Retry-After")
            if attempt < self.policy.attempts:
                time.sleep(self.policy.delay(attempt, retry_after))
        raise UpstreamError(f"{method} {url}: {problem} after {self.policy.attempts} attempts")
