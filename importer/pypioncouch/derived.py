"""What the tallies and the ``/simple/`` index share: documents derived from the CouchApp's
views, rendered again at the end of an import run, or on demand from the command line.

Both are derived data: a refresh that fails loses nothing (the pages serve the previous
documents, or build their answer from the views), so at the end of a run a failure is logged,
not raised, and the next run renders again.
"""

from __future__ import annotations

import logging
import sys
from typing import Callable, TypeVar

from .couch import CouchError, CouchUnavailable, Database

Report = TypeVar("Report")


def refresh_logged(db: Database, refresh: Callable[[Database], Report], *, log: logging.Logger,
                   no_views: str, failed: str) -> Report | None:
    """``refresh(db)``; a database without the CouchApp's views logs ``no_views`` (info), any other
    failure ``failed`` (a warning), and gives None."""
    try:
        return refresh(db)
    except CouchError as exc:
        if exc.status == 404:
            log.info(no_views, db)
        else:
            log.warning("%s: %s", failed, exc)
    except CouchUnavailable as exc:
        log.warning("%s: %s", failed, exc)
    return None


def command(argv: list[str] | None, module: str, refresh: Callable[[str], Report],
            summary: Callable[[Report], str]) -> int:
    """``python -m pypioncouch.<module> URL``: refresh the database at URL, print ``summary``."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(f"usage: python -m pypioncouch.{module} http://host:5984/pypi", file=sys.stderr)
        return 2
    print(summary(refresh(args[0])))
    return 0
