"""``make run``: a working PyPI-on-CouchDB on this machine, in one command.

Starts the embedded server (data under ``var/couch``), pushes the CouchApp,
imports a small default set of projects (this project's own dependencies) from
the configured index, prints what to open and what to give pip, and keeps
serving until interrupted.

The import names its projects, so it needs no more of the index than their own
pages: a proxy without XML-RPC or a JSON index serves it. Only when the index
does not answer for them does it fall back to the emulator's bundled copy, whose
pages link the projects' real files on files.pythonhosted.org (never the
emulator, which stops once the copy is imported): then it says that installing
needs that host.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from contextlib import ExitStack
from pathlib import Path

from .couch import parse_database_url
from .designdoc import push_design_doc
from .embedded import REPO_ROOT, EmbeddedServer, free_port
from .emulator.capture import CAPTURED_PROJECTS
from .importer import DEFAULT_INDEX_URL, import_all
from .sync import SyncReport
from .upstream import RetryPolicy, UpstreamError

# This project's own dependencies: the projects the emulator bundles real captures of.
DEFAULT_PROJECTS = CAPTURED_PROJECTS


def port_is_free(host: str, port: int) -> bool:
    import socket
    with socket.socket() as sock:
        return sock.connect_ex((host, port)) != 0


BUNDLED = "the bundled copy"
FILES_HOST = "files.pythonhosted.org"


def import_defaults(db_url: str, index_url: str) -> tuple[SyncReport, str]:
    """Import from ``index_url``; when it does not answer, from the emulator's bundled data."""
    quick = RetryPolicy(attempts=2, timeout=20)
    try:
        return import_all(db_url, index_url=index_url, projects=DEFAULT_PROJECTS, retry=quick), index_url
    except UpstreamError as exc:
        print(f"  {index_url} cannot be used here ({exc});\n  importing the emulator's bundled copy instead")
    from .emulator import EmulatorServer, bundled_dataset
    # As pypi.org serves them: every file URL is the real file's, so nothing stored points at the emulator.
    with EmulatorServer(bundled_dataset()) as emulator:
        return import_all(db_url, index_url=emulator.url, projects=DEFAULT_PROJECTS), BUNDLED


RUNNING_FILE = "make-run.json"  # in the data folder: which `make run` serves it, and where


def already_serving(data: Path) -> dict | None:
    """The other `make run` serving this data folder, if one is alive: PouchDB Server's LevelDB
    lock lets only one server open the folder, and a second one would fail with a lock error
    that only its log tells."""
    try:
        running = json.loads((data / RUNNING_FILE).read_text(encoding="utf-8"))
        os.kill(int(running["pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return running


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make run", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5984)
    parser.add_argument("--db", default="pypi")
    parser.add_argument("--data", default=str(REPO_ROOT / "var" / "couch"))
    parser.add_argument("--index-url", default=os.environ.get("PYPIONCOUCH_INDEX_URL", DEFAULT_INDEX_URL))
    parser.add_argument("--exit", action="store_true", help="stop after importing (for scripts and tests)")
    args = parser.parse_args(argv)

    data = Path(args.data)
    other = already_serving(data)
    if other is not None:
        print(f"make run is already serving {data} (PID {other['pid']}) at {other.get('url')}:\n"
              f"  browse and install from it, or stop it (Ctrl-C in its terminal, or kill {other['pid']}) "
              f"and run make run again", file=sys.stderr)
        return 1
    port = args.port if port_is_free(args.host, args.port) else free_port(args.host)
    if port != args.port:
        print(f"port {args.port} is taken: using {port}")
    with ExitStack() as stack:
        server = stack.enter_context(EmbeddedServer(data, host=args.host, port=port))
        running = data / RUNNING_FILE
        running.write_text(json.dumps({"pid": os.getpid(), "url": f"{server.url}/{args.db}/_design/pypi/_rewrite/"}),
                           encoding="utf-8")
        stack.callback(running.unlink, missing_ok=True)
        # Its own server, in admin party: no credentials, whatever COUCHDB_USER/COUCHDB_PASSWORD say.
        db_url = parse_database_url(f"{server.url}/{args.db}", env={})
        print(f"embedded PouchDB Server: {server.url} (data in {args.data})")
        push_design_doc(db_url)
        print(f"pushed the CouchApp to {db_url}")
        report, source = import_defaults(db_url, args.index_url)
        print(f"projects from {source}: {report.fetched} imported, {report.skipped} already up to date, "
              f"{len(report.failed)} failed ({report.written} documents written)")
        app = f"{db_url}/_design/pypi/_rewrite"
        print("\nBrowse:      " + f"{app}/")
        print("pip:         " + f"pip install --index-url {app}/simple/ requests")
        print("uv:          " + f"uv pip install --index-url {app}/simple/ requests")
        print("JSON API:    " + f"{app}/pypi/requests/json")
        if source == BUNDLED:
            print(f"\nOffline copy: browsing and the JSON API work here. pip and uv resolve from this index but "
                  f"download each file from {FILES_HOST}, as pypi.org's pages link them: they install only where "
                  f"that host can be reached. Run `make run` again with access to {args.index_url} "
                  f"(or PYPIONCOUCH_INDEX_URL=<an index you can reach>) for a complete index.")
        else:
            print(f"Update:      pypioncouch --update {db_url} --index-url {source}")
        if args.exit:
            return 0
        print("\nServing; press Ctrl-C to stop.")
        stopped = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stopped.set())
        try:
            stopped.wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
