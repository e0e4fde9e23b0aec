"""Choosing the index implementation: XML-RPC while it answers, else the JSON Simple index.

The choice is made by the first real call, not by a probe, so an update that
finds nothing new still costs exactly one upstream request.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Callable

from .base import ChangeSet, Index, UpstreamError
from .http import HttpClient, RetryPolicy
from .simple_index import SimpleJsonIndex
from .xmlrpc import XmlRpcIndex

log = logging.getLogger(__name__)


class FallbackIndex:
    """XML-RPC first; after a failure, the JSON Simple index, trying XML-RPC again now and then.

    A long-lived follower that meets one XML-RPC outage must not read the whole
    JSON listing on every poll for the rest of its life: ``reprobe_after``
    seconds after falling back, the next call tries XML-RPC again.
    """

    def __init__(self, http: HttpClient, *, reprobe_after: float = 3600.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        # Fail over quickly: an index without XML-RPC refuses at once or times out.
        quick = http.with_policy(RetryPolicy(attempts=2, backoff=0.2, timeout=http.policy.timeout))
        self.primary: Index = XmlRpcIndex(quick)
        self.fallback: Index = SimpleJsonIndex(http)
        self.chosen: Index | None = None
        self.reprobe_after = reprobe_after
        self.clock = clock
        self._fell_back_at = 0.0

    @property
    def name(self) -> str:
        return self.chosen.name if self.chosen else "auto"

    def _call(self, method: Callable[[Index], Any]) -> Any:
        if self.chosen is self.fallback and self.clock() - self._fell_back_at >= self.reprobe_after:
            self.chosen = None
        if self.chosen is not None:
            return method(self.chosen)
        try:
            result = method(self.primary)
        except UpstreamError as exc:
            log.warning("XML-RPC does not answer (%s): using the JSON Simple index", exc)
            self.chosen, self._fell_back_at = self.fallback, self.clock()
            return method(self.fallback)
        self.chosen = self.primary
        return result

    def last_serial(self) -> int:
        return self._call(lambda index: index.last_serial())

    def all_projects(self) -> dict[str, int]:
        return self._call(lambda index: index.all_projects())

    def changes_since(self, serial: int) -> ChangeSet:
        return self._call(lambda index: index.changes_since(serial))


def connect(http: HttpClient, prefer: str = "auto") -> Index:
    """``prefer``: "xmlrpc", "json" or "auto" (XML-RPC, falling back to JSON)."""
    if prefer == "json":
        return SimpleJsonIndex(http)
    if prefer == "xmlrpc":
        return XmlRpcIndex(http)
    if prefer != "auto":
        raise ValueError(f"unknown index protocol {prefer!r} (xmlrpc, json or auto)")
    return FallbackIndex(http)
