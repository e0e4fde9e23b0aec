"""``pypioncouch show|search|projects|newest|watch``: a node read for people (pypioncouch.client).

    pypioncouch show requests                 # versions, upload times, requires-python, yanked
    pypioncouch show requests 2.31.0          # one release's files
    pypioncouch search http client            # by name, then by summary words
    pypioncouch projects --classifier "Framework :: Django"
    pypioncouch newest
    pypioncouch watch --classifier "Framework :: Django" --state django.seq

The node is ``--node URL`` or ``$PYPIONCOUCH_NODE`` (default: what ``make run`` serves). Exit
codes: 0 done, 1 no such project or release, 2 bad usage, 3 the node failed or is not one,
130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Sequence, TextIO

from .client import (Classifier, Node, NodeError, Page, Project, ProjectNotFound, Projects, ProjectSummary, Release,
                     ReleaseChange, ReleaseNotFound)

__all__ = ["COMMANDS", "main"]

COMMANDS = ("show", "search", "projects", "newest", "watch")
DEFAULT_NODE = "http://127.0.0.1:5984/pypi"
EXIT_OK, EXIT_NOT_FOUND, EXIT_USAGE, EXIT_NODE, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pypioncouch", description="Read a pypioncouch node: projects, releases, "
                                     "search and changes, as pip users see them.")
    node = argparse.ArgumentParser(add_help=False)
    node.add_argument("--node", default=os.environ.get("PYPIONCOUCH_NODE", DEFAULT_NODE), metavar="URL",
                      help="the node: its database, server or CouchApp URL "
                           "(default: $PYPIONCOUCH_NODE or %(default)s)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    show = commands.add_parser("show", parents=[node], help="a project's releases, or one release's files")
    show.add_argument("name")
    show.add_argument("version", nargs="?")
    show.add_argument("--json", action="store_true", help="print the stored documents' data as JSON")

    search = commands.add_parser("search", parents=[node], help="projects by name prefix and by summary words")
    search.add_argument("words", nargs="+")
    search.add_argument("--limit", type=int, default=20, help="projects of each kind (default: %(default)s)")

    projects = commands.add_parser("projects", parents=[node], help="projects with a classifier, author, "
                                   "maintainer or keyword")
    facet = projects.add_mutually_exclusive_group(required=True)
    for kind in ("classifier", "author", "maintainer", "keyword"):
        facet.add_argument(f"--{kind}")
    projects.add_argument("--limit", type=int, default=50)
    projects.add_argument("--after", metavar="CURSOR", help="the cursor printed at the end of the page before")
    projects.add_argument("--all", action="store_true", help="every page")

    newest = commands.add_parser("newest", parents=[node], help="the newest releases")
    newest.add_argument("--limit", type=int, default=20)

    watch = commands.add_parser("watch", parents=[node], help="print releases as the node gets them")
    which = watch.add_mutually_exclusive_group()
    which.add_argument("--classifier", help="only projects with this classifier (any level)")
    which.add_argument("--project", nargs="+", metavar="NAME", help="only these projects")
    watch.add_argument("--since", default=None, help="a sequence to start after (default: now, or the --state file)")
    watch.add_argument("--state", type=Path, metavar="FILE", help="read the sequence from FILE and keep it there "
                                                                 "after each change, so a new run resumes")
    watch.add_argument("--once", action="store_true", help="stop when caught up instead of following")
    watch.add_argument("--poll", type=float, default=1.0, metavar="SECONDS",
                       help="how often to ask when the node cannot long-poll (default: %(default)s)")
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "limit", 1) < 1:
        parser.error("--limit must be at least 1")
    try:
        node = Node(args.node)
        return COMMAND_FUNCTIONS[args.command](node, args, out)
    except (ProjectNotFound, ReleaseNotFound) as exc:
        print(f"pypioncouch: {exc}", file=sys.stderr)
        return EXIT_NOT_FOUND
    except NodeError as exc:
        print(f"pypioncouch: {exc}", file=sys.stderr)
        return EXIT_NODE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


# -- the commands --------------------------------------------------------------------------------

def show(node: Node, args: argparse.Namespace, out: TextIO) -> int:
    if args.version:
        release = node.release(args.name, args.version)
        if args.json:
            print(json.dumps(release.raw, indent=2, sort_keys=True), file=out)
        else:
            print_release(release, out)
        return EXIT_OK
    project = node.project(args.name)
    if args.json:
        print(json.dumps(project.raw, indent=2, sort_keys=True), file=out)
    else:
        print_project(project, out)
    return EXIT_OK


def search(node: Node, args: argparse.Namespace, out: TextIO) -> int:
    text = " ".join(args.words)
    by_name = node.search_names(text, limit=args.limit)
    by_summary = node.search_summaries(text, limit=args.limit)
    print_summaries(f"Names starting with {text!r}", by_name, out)
    print_summaries(f"Summaries with {text!r}", by_summary, out)
    return EXIT_OK


def projects(node: Node, args: argparse.Namespace, out: TextIO) -> int:
    query = {kind: getattr(args, kind) for kind in ("classifier", "author", "maintainer", "keyword")
             if getattr(args, kind)}
    if args.all:
        rows = list(node.iter_projects(**query))
        print_summaries(None, Page(tuple(rows), None), out)
    else:
        print_summaries(None, node.projects(limit=args.limit, after=args.after, **query), out)
    return EXIT_OK


def newest(node: Node, args: argparse.Namespace, out: TextIO) -> int:
    page = node.newest_releases(limit=args.limit)
    table = [(when(r.upload_time), r.project, r.version, r.requires_python_text or "",
              "yanked" if r.yanked else "") for r in page]
    print_table(("UPLOADED (UTC)", "PROJECT", "VERSION", "REQUIRES-PYTHON", ""), table, out)
    return EXIT_OK


def watch(node: Node, args: argparse.Namespace, out: TextIO) -> int:
    since: Any = args.since
    if since is None and args.state and args.state.exists():
        since = json.loads(args.state.read_text(encoding="utf-8"))["seq"]
    filter_ = Classifier(args.classifier) if args.classifier else (Projects(args.project) if args.project else None)
    feed = node.changes(since="now" if since is None else since, filter=filter_, follow=not args.once,
                        poll_interval=args.poll)
    try:
        for change in feed:
            print(change_line(change), file=out, flush=True)
            save_state(args.state, change.seq)
    finally:
        save_state(args.state, feed.last_seq)
    return EXIT_OK


COMMAND_FUNCTIONS = {"show": show, "search": search, "projects": projects, "newest": newest, "watch": watch}


# -- printing --------------------------------------------------------------------------------------

def when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


def yanked_text(yanked: bool, reason: str | None) -> str:
    return f"yanked: {reason}" if yanked and reason else ("yanked" if yanked else "")


def print_table(header: Sequence[str], rows: Iterable[Sequence[str]], out: TextIO) -> None:
    rows = [tuple(str(cell) for cell in row) for row in rows]
    widths = [max(len(str(h)), *(len(r[i]) for r in rows)) if rows else len(str(h)) for i, h in enumerate(header)]
    for row in (tuple(header), *rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip(), file=out)


def print_project(project: Project, out: TextIO) -> None:
    print(f"{project.display_name} {project.latest_version or ''}: {project.summary}".rstrip(": "), file=out)
    facts = [("requires-python", project.requires_python_text), ("license", project.license),
             ("home", project.home_page), ("author", project.author)]
    for label, value in facts:
        if value:
            print(f"  {label}: {value}", file=out)
    releases = list(reversed(project.releases))  # the client gives them oldest first
    print(f"  {len(releases)} releases, newest first:", file=out)
    print_table(("VERSION", "UPLOADED (UTC)", "REQUIRES-PYTHON", "FILES", ""),
                [(r.version, when(r.upload_time), r.requires_python_text or "", str(len(r.files)),
                  yanked_text(r.yanked, r.yanked_reason)) for r in releases], out)


def print_release(release: Release, out: TextIO) -> None:
    head = f"{release.project} {release.version}, uploaded {when(release.upload_time)} UTC"
    if release.requires_python_text:
        head += f", requires-python {release.requires_python_text}"
    if release.yanked:
        head += f", {yanked_text(True, release.yanked_reason)}"
    print(head, file=out)
    print_table(("FILE", "BYTES", "UPLOADED (UTC)", "PYTHON", "SHA256", ""),
                [(f.filename, f"{f.size:,}" if f.size is not None else "-", when(f.upload_time),
                  f.python_version or "", f.sha256 or "", yanked_text(f.yanked, f.yanked_reason))
                 for f in release.files], out)


def print_summaries(title: str | None, page: Page[ProjectSummary], out: TextIO) -> None:
    if title:
        print(f"{title}: {len(page)}{'+' if page.next else ''}", file=out)
    print_table(("PROJECT", "VERSION", "SUMMARY"), [(p.display_name, p.latest_version or "", p.summary)
                                                      for p in page], out)
    if page.next:
        print(f"more: --after '{page.next}'", file=out)


def change_line(change: ReleaseChange) -> str:
    release = change.release
    parts = [change.kind.ljust(8), f"{change.project} {change.version}"]
    if release is not None:
        parts.append(f"uploaded {when(release.upload_time)}")
        if release.requires_python_text:
            parts.append(f"requires-python {release.requires_python_text}")
        if release.yanked:
            parts.append(yanked_text(True, release.yanked_reason))
    return "  ".join(parts)


def save_state(path: Path | None, seq: Any) -> None:
    if path is None:
        return
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps({"seq": seq}) + "\n", encoding="utf-8")
    temporary.replace(path)
