"""``pypioncouch --fullimport URL``, ``--update URL [--follow SECONDS]`` and ``--setup URL``.

Exit codes: 0 done; 1 done, but some projects failed (recorded in the database
and retried by the next update); 2 bad usage; 3 the database failed; 4 the
upstream failed; 130 interrupted.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Sequence

from . import __version__
from .couch import CouchError, CouchUnavailable, parse_database_url
from .filters import read_project_list
from .importer import DEFAULT_INDEX_URL, NotInitialized, XmlRpcImporter
from .sync import SyncReport
from .upstream import UpstreamError

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_DATABASE, EXIT_UPSTREAM, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pypioncouch",
        description="Import PyPI's metadata into CouchDB and keep it up to date.",
        epilog="URL is the CouchDB server (database 'pypi') or a database URL (http://host:5984/mirror). "
               "Credentials come from the URL or from COUCHDB_USER / COUCHDB_PASSWORD; they are never printed.",
    )
    job = parser.add_mutually_exclusive_group(required=True)
    job.add_argument("--fullimport", metavar="URL", help="import every project (resumable)")
    job.add_argument("--update", metavar="URL", help="apply the changes since the last complete run")
    job.add_argument("--setup", metavar="URL", help="set up a node: create the database, push the CouchApp, "
                                                   "open it for reading and restrict writes to --writer-role")
    parser.add_argument("--follow", metavar="SECONDS", type=float,
                        help="with --update: keep running, applying changes every SECONDS (stop with SIGTERM)")
    parser.add_argument("--writer-role", default="pypioncouch",
                        help="with --setup: the role allowed to write (default: %(default)s)")
    parser.add_argument("--index-url", default=os.environ.get("PYPIONCOUCH_INDEX_URL", DEFAULT_INDEX_URL),
                        help="the upstream index: its base URL, or its Simple API root as pip is given it "
                             "(https://pypi.org/simple/, devpi's .../+simple/) (default: %(default)s)")
    parser.add_argument("--protocol", choices=("auto", "xmlrpc", "json"), default="auto",
                        help="how to list and follow projects: XML-RPC, the Simple index (JSON with serials, "
                             "or names only), or XML-RPC falling back to it (default)")
    parser.add_argument("--projects", nargs="+", metavar="NAME", help="mirror only these projects")
    parser.add_argument("--projects-file", metavar="FILE",
                        help="mirror only the projects named in FILE (one a line; requirements files work)")
    parser.add_argument("--mirror-files", nargs="+", metavar="NAME",
                        help="also store these projects' distribution files in the database, for mirrors "
                             "that serve pip with no access to PyPI")
    parser.add_argument("--site-url", default=os.environ.get("PYPIONCOUCH_SITE_URL"), metavar="URL",
                        help="public URL of the CouchApp (its _rewrite/ URL or a vhost root) for the links in "
                             "each project's OPML and DOAP files (default: this database's _rewrite/ URL)")
    parser.add_argument("--release-metadata", action="store_true",
                        help="also fetch each release's own metadata (one request per release)")
    parser.add_argument("--workers", type=int, default=8, help="concurrent upstream requests (default: 8)")
    parser.add_argument("--batch-size", type=int, default=100, help="projects per database write (default: 100)")
    progress = parser.add_mutually_exclusive_group()
    progress.add_argument("--progress", dest="progress", action="store_true", default=None,
                          help="show a progress bar (default: when stderr is a terminal)")
    progress.add_argument("--no-progress", dest="progress", action="store_false")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each step")
    parser.add_argument("--version", action="version", version=f"pypioncouch {__version__}")
    return parser


def _allowlist(args: argparse.Namespace, parser: argparse.ArgumentParser) -> list[str] | None:
    names = list(args.projects or [])
    if args.projects_file:
        try:
            names += read_project_list(args.projects_file)
        except OSError as exc:
            parser.error(f"cannot read --projects-file: {exc.strerror}: {args.projects_file}")
    return names if (args.projects or args.projects_file) else None


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("show", "search", "projects", "newest", "watch"):  # reading a node: query_cli.py
        from .query_cli import main as query_main
        return query_main(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if args.setup:
        return setup_node(args.setup, args.writer_role, parser)
    if args.follow is not None and (not args.update or args.follow <= 0):
        parser.error("--follow needs --update and a positive number of seconds")
    url = args.fullimport or args.update
    try:
        location = parse_database_url(url)
    except ValueError as exc:
        parser.error(str(exc))
    if args.workers < 1 or args.batch_size < 1:
        parser.error("--workers and --batch-size must be at least 1")
    try:
        importer = XmlRpcImporter(
            location, index_url=args.index_url, projects=_allowlist(args, parser), protocol=args.protocol,
            workers=args.workers, batch_size=args.batch_size, release_metadata=args.release_metadata,
            progress=sys.stderr.isatty() if args.progress is None else args.progress, mirror_files=args.mirror_files,
            site_url=args.site_url,
        )
    except ValueError as exc:  # an --index-url that is not an http(s) URL
        parser.error(f"--index-url: {exc}")
    if args.follow is not None:
        return follow(importer, args.follow)
    return run(importer, full=bool(args.fullimport))


def follow(importer: XmlRpcImporter, interval: float) -> int:
    """``--update URL --follow SECONDS``: refuses an uninitialized database, then loops until signalled."""
    from .follow import Abandoned, Follower, install_signal_handlers
    logging.getLogger("pypioncouch.follow").setLevel(logging.INFO)
    follower = Follower(importer, interval)
    install_signal_handlers(follower)
    try:
        if importer.state.load().last_serial is None:
            print(f"pypioncouch: {importer.location} has no completed import: run --fullimport first", file=sys.stderr)
            return EXIT_USAGE
        follower.run()
    except (CouchError, CouchUnavailable) as exc:
        print(f"pypioncouch: database error: {exc}", file=sys.stderr)
        return EXIT_DATABASE
    except Abandoned:
        print("pypioncouch: update abandoned; the next run resumes from the last complete serial", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_OK


def setup_node(url: str, writer_role: str, parser: argparse.ArgumentParser) -> int:
    """``--setup URL``: see ``pypioncouch.node``."""
    from .node import NodeSetupError, setup
    try:
        location = parse_database_url(url)
    except ValueError as exc:
        parser.error(str(exc))
    try:
        print(setup(location, writer_role=writer_role))
    except (NodeSetupError, CouchError, CouchUnavailable) as exc:
        print(f"pypioncouch: setup failed: {exc}", file=sys.stderr)
        return EXIT_DATABASE
    return EXIT_OK


def run(importer: XmlRpcImporter, *, full: bool) -> int:
    try:
        report = importer.import_all() if full else importer.update()
    except NotInitialized as exc:
        print(f"pypioncouch: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (CouchError, CouchUnavailable) as exc:
        print(f"pypioncouch: database error: {exc}", file=sys.stderr)
        return EXIT_DATABASE
    except UpstreamError as exc:
        print(f"pypioncouch: upstream error: {exc}", file=sys.stderr)
        return EXIT_UPSTREAM
    except KeyboardInterrupt:
        print("pypioncouch: interrupted; run the same command again to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    print(summary(report, importer))
    return EXIT_PARTIAL if report.failed else EXIT_OK


def summary(report: SyncReport, importer: XmlRpcImporter) -> str:
    lines = [
        f"{importer.location}: {report.fetched} projects fetched, {report.skipped} already current, "
        f"{report.written} documents written, {report.unchanged} unchanged, {report.deleted} deleted, "
        f"{len(report.removed_projects)} projects removed",
    ]
    if report.failed:
        lines.append(f"{len(report.failed)} projects failed (recorded; the next --update retries them):")
        lines.extend(f"  {name}: {error}" for name, error in sorted(report.failed.items())[:20])
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
