"""Pushing the CouchApp (the design document in ``couchapp/``) with the couchapp tool.

The folder layout is the source of truth; ``couchapp push`` (from the
``cmscouchapp`` package) turns it into ``_design/pypi``. Run as
``python -m pypioncouch.designdoc http://host:5984/pypi``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .couch import DatabaseURL, parse_database_url
from .embedded import REPO_ROOT

__all__ = ["COUCHAPP_DIR", "DESIGN_DOC_ID", "push_design_doc", "DesignDocError"]

COUCHAPP_DIR = Path(os.environ.get("PYPIONCOUCH_COUCHAPP", REPO_ROOT / "couchapp"))
DESIGN_DOC_ID = "_design/pypi"


class DesignDocError(RuntimeError):
    """``couchapp push`` failed."""


def _couchapp_command() -> list[str]:
    script = Path(sys.executable).with_name("couchapp")
    if not script.exists():
        raise DesignDocError(f"the couchapp tool is not installed next to {sys.executable} (pip install cmscouchapp)")
    return [str(script)]


def _url_with_credentials(location: DatabaseURL) -> str:
    if not location.username:
        return location.url
    scheme, rest = location.url.split("://", 1)
    from urllib.parse import quote
    return f"{scheme}://{quote(location.username, safe='')}:{quote(location.password or '', safe='')}@{rest}"


def push_design_doc(database: DatabaseURL | str, app_dir: Path = COUCHAPP_DIR) -> None:
    """Push ``app_dir`` to the database, creating the database if needed."""
    location = parse_database_url(database) if isinstance(database, str) else database
    result = subprocess.run(
        [*_couchapp_command(), "push", "-p", str(Path(app_dir).resolve()), "-c", _url_with_credentials(location)],
        cwd=Path(app_dir).resolve().parent, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300,
    )
    if result.returncode != 0 or "Traceback" in result.stderr:
        output = (result.stdout + result.stderr).replace(location.password or "\0", "***")
        raise DesignDocError(f"couchapp push to {location} failed:\n{output.strip()}")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m pypioncouch.designdoc http://host:5984/pypi", file=sys.stderr)
        return 2
    push_design_doc(args[0])
    print(f"pushed {DESIGN_DOC_ID} to {parse_database_url(args[0])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
