"""Misbehaviour on demand: tests tell the server to fail the way PyPI and its CDN do.

A rule matches a request by path prefix and/or XML-RPC method name and applies for a number
of requests (`times`) or forever (`times=None`).  The first matching rule with requests left
wins.  Every request, faulty or not, goes into the request log.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import Enum


class FaultKind(str, Enum):
    STATUS = "status"        # answer `status` (500, 503, 429 with Retry-After, ...)
    DELAY = "delay"          # wait `delay` seconds, then answer normally (client timeouts)
    DROP = "drop"            # close the connection without any answer
    MALFORMED = "malformed"  # 200 with a truncated, unparsable body
    STALE = "stale"          # the project's previous state and older X-PyPI-Last-Serial


@dataclass
class FaultRule:
    kind: FaultKind
    path_prefix: str | None = None
    method: str | None = None
    status: int = 500
    retry_after: int | None = None
    delay: float = 0.0
    times: int | None = None
    hits: int = 0

    def matches(self, path: str, method: str | None) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        if self.path_prefix is not None and not path.startswith(self.path_prefix):
            return False
        return self.method is None or self.method == method


@dataclass(frozen=True)
class LoggedRequest:
    """What reached the server: `status` None means the connection was dropped."""

    method: str
    path: str
    status: int | None
    xmlrpc_method: str | None = None


class Faults:
    """The rule set of one server; safe to change from a test while requests run."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []

    def add(self, path_prefix: str | None = None, *, method: str | None = None,
            status: int | None = None, retry_after: int | None = None, delay: float | None = None,
            drop: bool = False, malformed: bool = False, stale: bool = False,
            times: int | None = None) -> FaultRule:
        """Add one rule; exactly one of status/delay/drop/malformed/stale says what it does."""
        kinds = [k for k, on in ((FaultKind.STATUS, status is not None), (FaultKind.DELAY, delay is not None),
                                 (FaultKind.DROP, drop), (FaultKind.MALFORMED, malformed),
                                 (FaultKind.STALE, stale)) if on]
        if len(kinds) != 1:
            raise ValueError("give exactly one of status=, delay=, drop=, malformed=, stale=")
        if status == 429 and retry_after is None:
            retry_after = 1
        rule = FaultRule(kinds[0], path_prefix, method, status or 500, retry_after, delay or 0.0, times)
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def take(self, path: str, method: str | None = None) -> FaultRule | None:
        """The rule that applies to this request, counting the request against it."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(path, method):
                    rule.hits += 1
                    return rule
        return None

    @property
    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)
