"""Choosing the index implementation: XML-RPC while it answers, else the Simple index.

The order of preference: PyPI's XML-RPC journal; then the JSON Simple index with its
``_last-serial``s; then a Simple index that lists names only (HTML, or JSON without
serials), whose serials come from each project's own answers. The Simple index is one
request whichever form it answers in, so the last two cost the same to try.

The choice is made by the first real call, not by a probe, so an update that finds
nothing new still costs exactly one upstream request.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Callable

from .base import ChangeSet, UpstreamError
from .http import HttpClient, RetryPolicy
from .location import IndexLocation
from .simple_index import SimpleIndex
from .simple_page import Listing
from .xmlrpc import XmlRpcIndex

log = logging.getLogger(__name__)


class FallbackIndex:
    """XML-RPC first; after a failure, the Simple index, trying XML-RPC again now and then.

    A long-lived follower that meets one XML-RPC outage must not read the whole
    listing on every poll for the rest of its life: ``reprobe_after`` seconds after
    falling back, the next call tries XML-RPC again. When neither answers, the error
    names the index and what each interface said.
    """

    def __init__(self, http: HttpClient, location: IndexLocation | None = None, *, reprobe_after: float = 3600.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        # Fail over quickly: an index without XML-RPC refuses at once or times out.
        quick = http.with_policy(RetryPolicy(attempts=2, backoff=0.2, timeout=http.policy.timeout))
        self.location = location or IndexLocation.parse(http.base_url)
        self.primary = XmlRpcIndex(quick)
        self.fallback = SimpleIndex(http, self.location)
        self.chosen: XmlRpcIndex | SimpleIndex | None = None
        self.reprobe_after = reprobe_after
        self.clock = clock
        self._fell_back_at = 0.0
        self._primary_problem = ""

    @property
    def name(self) -> str:
        return self.chosen.name if self.chosen else "auto"

    @property
    def journal(self) -> bool:
        return self.chosen is not self.fallback

    def _primary_usable(self) -> bool:
        if self.chosen is self.fallback and self.clock() - self._fell_back_at >= self.reprobe_after:
            self.chosen = None
        return self.chosen is not self.fallback

    def _try_primary(self, method: Callable[[XmlRpcIndex], Any]) -> tuple[bool, Any]:
        try:
            result = method(self.primary)
        except UpstreamError as exc:
            log.warning("XML-RPC does not answer (%s): using the Simple index", exc)
            self.chosen, self._fell_back_at, self._primary_problem = self.fallback, self.clock(), str(exc)
            return False, None
        self.chosen = self.primary
        return True, result

    def _call(self, method: Callable[[Any], Any]) -> Any:
        if self._primary_usable():
            answered, result = self._try_primary(method)
            if answered:
                return result
        try:
            return method(self.fallback)
        except UpstreamError as exc:
            if not self._primary_problem:
                raise
            raise type(exc)(f"{self.location.url} is not a usable package index: XML-RPC: {self._primary_problem}; "
                            f"Simple index: {exc}") from None

    def last_serial(self) -> int:
        return self._call(lambda index: index.last_serial())

    def all_projects(self) -> dict[str, int]:
        return self._call(lambda index: index.all_projects())

    def listing(self) -> Listing:
        return self._call(lambda index: index.listing())

    def changes_since(self, serial: int) -> ChangeSet:
        return self._call(lambda index: index.changes_since(serial))

    # What only a journal answers without the whole listing (None when XML-RPC does not answer).

    def journal_serial(self) -> int | None:
        if not self._primary_usable():
            return None
        return self._try_primary(lambda index: index.last_serial())[1]

    def journal_changes(self, serial: int) -> ChangeSet | None:
        if not self._primary_usable():
            return None
        return self._try_primary(lambda index: index.changes_since(serial))[1]


def connect(http: HttpClient, prefer: str = "auto", location: IndexLocation | None = None
            ) -> FallbackIndex | XmlRpcIndex | SimpleIndex:
    """``prefer``: "xmlrpc", "json" (the Simple index, JSON or HTML) or "auto" (XML-RPC, falling back)."""
    if prefer == "json":
        return SimpleIndex(http, location)
    if prefer == "xmlrpc":
        return XmlRpcIndex(http)
    if prefer != "auto":
        raise ValueError(f"unknown index protocol {prefer!r} (xmlrpc, json or auto)")
    return FallbackIndex(http, location)
