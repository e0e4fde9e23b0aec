"""Following PyPI: ``pypioncouch --update URL --follow INTERVAL``, a long-lived update loop.

The loop calls ``XmlRpcImporter.update()``, waits ``interval`` seconds, and
does it again. It is built to run for months under a service manager:

- An upstream or database failure is logged and waited out with exponential
  backoff (capped), and the loop goes on; one bad poll never ends it.
- SIGTERM or SIGINT asks it to stop: the update under way finishes (the serial
  only advances after its documents are written) and the loop exits with 0.
  A second signal abandons the update at once, which is just as safe: the
  next run resumes from the last serial that was complete.
"""

from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass
from types import FrameType
from typing import Protocol

from .couch import CouchError, CouchUnavailable
from .sync import SyncReport
from .upstream import UpstreamError

__all__ = ["Follower", "FollowReport", "Abandoned", "install_signal_handlers"]

log = logging.getLogger(__name__)

# Failures worth waiting out: the upstream or the database is down, slow or refusing.
TRANSIENT = (UpstreamError, CouchError, CouchUnavailable, OSError)


class Updater(Protocol):
    """What the follower drives (``XmlRpcImporter``)."""

    def update(self) -> SyncReport: ...


class Abandoned(BaseException):
    """Raised by a second stop signal to leave the update under way (safe: see module doc)."""


@dataclass
class FollowReport:
    """What a follower did, for the log line at exit and for tests."""

    polls: int = 0
    updates: int = 0  # polls that wrote or deleted something
    failures: int = 0
    consecutive_failures: int = 0
    documents_written: int = 0


class Follower:
    """Runs ``updater.update()`` every ``interval`` seconds until ``stop()``."""

    def __init__(self, updater: Updater, interval: float, *, max_backoff: float = 300.0) -> None:
        if interval <= 0:
            raise ValueError("the follow interval must be positive")
        self.updater = updater
        self.interval = interval
        self.max_backoff = max(max_backoff, interval)
        self.report = FollowReport()
        self._stop = threading.Event()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def stop(self) -> None:
        """Ask the loop to end after the update under way (callable from any thread or a signal handler)."""
        self._stop.set()

    def run(self) -> FollowReport:
        log.info("following every %.1f s", self.interval)
        while not self._stop.is_set():
            self._stop.wait(self._poll())
        log.info("stopped after %d polls (%d with changes, %d failed)",
                 self.report.polls, self.report.updates, self.report.failures)
        return self.report

    def _poll(self) -> float:
        """One update; returns how long to wait before the next one."""
        self.report.polls += 1
        try:
            result = self.updater.update()
        except TRANSIENT as exc:
            return self._failed(exc)
        except Exception as exc:  # a bug must not end a service that is meant to keep going; it is logged in full
            log.exception("update failed unexpectedly")
            return self._failed(exc)
        self.report.consecutive_failures = 0
        changed = result.written + result.deleted
        self.report.documents_written += changed
        if changed or result.failed:
            self.report.updates += 1
            log.info("update: %d projects fetched, %d documents written, %d deleted, %d projects failed",
                     result.fetched, result.written, result.deleted, len(result.failed))
        return self.interval

    def _failed(self, exc: BaseException) -> float:
        self.report.failures += 1
        self.report.consecutive_failures += 1
        delay = min(self.interval * 2 ** (self.report.consecutive_failures - 1), self.max_backoff)
        log.warning("update failed (%s: %s); trying again in %.1f s", type(exc).__name__, exc, delay)
        return delay


def install_signal_handlers(follower: Follower) -> None:
    """SIGTERM/SIGINT: the first stops after the current update, the second abandons it."""

    def handle(signum: int, frame: FrameType | None) -> None:
        if follower.stopping:
            log.warning("second %s: abandoning the update under way", signal.Signals(signum).name)
            raise Abandoned()
        log.warning("%s: stopping after the update under way (send it again to abandon it)",
                    signal.Signals(signum).name)
        follower.stop()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)

