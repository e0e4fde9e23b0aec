"""``Node``: one pypioncouch node, read as REST JSON (documents, views, ``_changes``).

What it reads (docs/schema.md): the ``project`` document (``<name>``), its ``release``
documents (``<name>/<version>``) and their ``release_files`` spill-over
(``<name>/<version>/files-<n>``) for projects and releases; the view ``browse_facets``
(``[kind, value, project]``, the browsing pages' index) for listings and search; the
view ``releases_by_upload_time`` (this client's own) for the newest releases; and
``_changes`` for ``changes()`` (client/changes.py).
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterator, Mapping, TypeVar
from urllib.parse import quote

import requests
from packaging.version import InvalidVersion, Version

from ..names import InvalidProjectName, NormalizedName, normalize
from .changes import ChangeFeed, ChangeFilter
from .errors import ProjectNotFound, ReleaseNotFound
from .models import Page, Project, ProjectSummary, Release, ReleaseSummary, document_time
from .text import fold_text, summary_words
from .transport import DESIGN_DOC, Transport, document_url, locate, split_credentials
from ..versions import parse_version

__all__ = ["Node", "FACETS"]

T = TypeVar("T")
FACETS = ("classifier", "author", "maintainer", "keyword")
ID_BATCH = 500          # rows of an _all_docs range per request
SCAN_BATCH = 200        # view rows per request when a listing filters what it reads
HIGH = "\ufff0"         # after every character a name or word holds


def _classifier(text: str) -> str:
    """A classifier written as the view keeps it (couchapp/lib/browse_index.js classifierLevels)."""
    levels = []
    for segment in str(text).split("::"):
        if not segment.strip():
            break
        levels.append(segment.strip())
    return " :: ".join(levels)


class Node:
    """A pypioncouch node, from its database URL, its server's URL (database ``pypi``) or its
    CouchApp URL (``.../_design/pypi/_rewrite/``); client/transport.py. Construction checks the
    node: ``NodeUnreachable``, ``AccessDenied`` or ``NotANode`` say what is wrong. Credentials,
    when a node needs them, go in the URL."""

    def __init__(self, url: str, *, timeout: float = 60.0, session: requests.Session | None = None) -> None:
        bare, auth = split_credentials(url)
        self.transport = Transport(timeout=timeout, auth=auth, session=session)
        location = locate(bare, self.transport)
        self.database_url = location.database_url
        self.app_url = location.app_url
        self.server = location.server

    def __repr__(self) -> str:
        return f"Node({self.database_url!r})"

    # -- projects and releases ---------------------------------------------------------------

    def project(self, name: str, *, releases: bool = True) -> Project:
        """One project; with ``releases`` (the default) every release and file, oldest first."""
        key = self._normalized(name)
        doc = self._document(key)
        if doc is None or doc.get("type") != "project":
            raise ProjectNotFound(name)
        return Project.from_documents(self._with_whole_history(key, doc), self._releases(key, doc) if releases else ())

    def _with_whole_history(self, key: str, doc: dict[str, Any]) -> dict[str, Any]:
        """The project document with every release in its history: past a page of releases it
        keeps only the newest page, and history documents ``<name>//history/<page>`` the others."""
        newest = doc.get("release_history") or []
        if int(doc.get("release_count") or 0) <= len(newest):
            return doc
        pages = [row["doc"] for row in self._id_range(f"{key}//history/")
                 if (row.get("doc") or {}).get("type") == "release_history" and isinstance(row["doc"].get("releases"), list)]
        pages.sort(key=lambda page: int(page.get("page") or 0), reverse=True)  # the oldest releases first
        return {**doc, "release_history": [entry for page in pages for entry in page["releases"]] + newest}

    def release(self, name: str, version: str) -> Release:
        """One release and its files; ``"1.0"`` finds ``1.0.0`` (PEP 440 equality) when no
        release is spelled ``1.0``."""
        key = self._normalized(name)
        doc = self._document(f"{key}/{version}")
        if doc is None or doc.get("type") != "release":
            doc = self._release_by_equality(name, key, version)
        return Release.from_documents(doc, self._spilled_files(doc), self.database_url)

    def _release_by_equality(self, name: str, key: str, version: str) -> dict[str, Any]:
        project = self._document(key)
        if project is None or project.get("type") != "project":
            raise ProjectNotFound(name)
        try:
            wanted = Version(version)
        except InvalidVersion:
            raise ReleaseNotFound(name, version) from None
        for candidate in project.get("versions") or []:
            if parse_version(candidate) == wanted:
                doc = self._document(f"{key}/{candidate}")
                if doc is not None and doc.get("type") == "release":
                    return doc
        raise ReleaseNotFound(name, version)

    def _releases(self, key: str, project: Mapping[str, Any]) -> list[Release]:
        heads: dict[str, dict[str, Any]] = {}
        chunks: dict[str, list[dict[str, Any]]] = {}
        for row in self._id_range(f"{key}/"):
            doc = row.get("doc") or {}
            if doc.get("type") == "release":
                heads[str(doc["version"])] = doc
            elif doc.get("type") == "release_files":
                chunks.setdefault(str(doc["version"]), []).append(doc)
        order = {version: index for index, version in enumerate(project.get("versions") or [])}
        releases = []
        for version in sorted(heads, key=lambda v: (order.get(v, len(order)), v)):
            extra = [f for chunk in sorted(chunks.get(version, []), key=lambda d: d.get("chunk", 0))
                     for f in chunk.get("files") or []]
            releases.append(Release.from_documents(heads[version], extra, self.database_url))
        return releases

    def _spilled_files(self, doc: Mapping[str, Any]) -> list[dict[str, Any]]:
        count = doc.get("file_chunks") or 1
        ids = [f"{doc['_id']}/files-{n}" for n in range(2, int(count) + 1)]
        return [f for chunk in self.documents(ids) for f in chunk.get("files") or []]

    # -- listings ------------------------------------------------------------------------------

    def projects(self, *, classifier: str | None = None, author: str | None = None,
                 maintainer: str | None = None, keyword: str | None = None,
                 limit: int = 50, after: str | None = None) -> Page[ProjectSummary]:
        """The projects with a classifier (any level of its ``::`` tree: ``"Framework :: Django"``
        also finds ``... :: Django :: 5.0``), an author, a maintainer or a keyword (those three
        compared case- and space-insensitively), by name, ``limit`` at a time. ``after`` is the
        ``next`` of the page before."""
        given = {kind: value for kind, value in (("classifier", classifier), ("author", author),
                                                 ("maintainer", maintainer), ("keyword", keyword)) if value}
        if len(given) != 1:
            raise ValueError("give exactly one of classifier=, author=, maintainer=, keyword=")
        kind, text = next(iter(given.items()))
        value = _classifier(text) if kind == "classifier" else fold_text(text)
        return self._facet_page([kind, value], lambda row: row["value"][0] == value, limit, after)

    def iter_projects(self, **query: Any) -> Iterator[ProjectSummary]:
        """Every project ``projects(**query)`` would list, page after page."""
        return _all_pages(lambda after: self.projects(after=after, **query))

    def search_names(self, text: str, *, limit: int = 50, after: str | None = None) -> Page[ProjectSummary]:
        """Projects whose normalized name starts with ``text`` (normalized too)."""
        try:
            prefix = normalize(text.strip()) if text.strip() else ""
        except InvalidProjectName:
            return Page((), None)
        if not prefix:
            return Page((), None)
        def named(row: Mapping[str, Any]) -> bool:
            return row["key"][1] == row["value"][0] and str(row["value"][0]).startswith(prefix)
        return self._facet_page(["project", prefix], named, limit, after, end=["project", prefix + HIGH])

    def search_summaries(self, text: str, *, limit: int = 50, after: str | None = None) -> Page[ProjectSummary]:
        """Projects whose summary holds every word of ``text`` (as the site's summary search:
        words folded to lower case, stop words and one-letter words left out)."""
        words = summary_words(text)
        if not words:
            return Page((), None)
        longest = max(words, key=len)

        def holds_all(row: Mapping[str, Any]) -> bool:
            found = summary_words(row["value"][4])
            return row["value"][0] == longest and all(word in found for word in words)
        return self._facet_page(["word", longest], holds_all, limit, after)

    def newest_releases(self, *, limit: int = 20, after: str | None = None) -> Page[ReleaseSummary]:
        """Releases by upload time, newest first (its earliest file's upload)."""
        params: dict[str, Any] = {"descending": True, "limit": limit + 1}
        if after is not None:
            params["startkey"] = _decode_cursor(after)
        rows = self._view("releases_by_upload_time", params)["rows"]
        items = tuple(ReleaseSummary(project=NormalizedName(row["key"][1]), version=str(row["key"][2]),
                                     parsed_version=parse_version(str(row["key"][2])),
                                     upload_time=document_time(row["key"][0]), yanked=bool(row["value"][1]),
                                     files=row["value"][2], requires_python_text=row["value"][0])
                      for row in rows[:limit])
        return Page(items, _encode_cursor(rows[limit]["key"]) if len(rows) > limit else None)

    def _facet_page(self, prefix: list[Any], keep: Callable[[Mapping[str, Any]], bool], limit: int,
                    after: str | None, *, end: list[Any] | None = None) -> Page[ProjectSummary]:
        """``limit`` kept rows of browse_facets from ``prefix`` (or the cursor ``after``); ``next``
        is the key of the first kept row past them. The view emits some values twice
        (rewrite_keys.js) and a listing filters what it reads, so rows are scanned in batches."""
        kept: list[Mapping[str, Any]] = []
        start: list[Any] = _decode_cursor(after) if after else list(prefix)
        end_key = end if end is not None else prefix + [{}]
        skip_first = False
        while len(kept) <= limit:
            params = {"startkey": start, "endkey": end_key, "limit": SCAN_BATCH + (1 if skip_first else 0)}
            rows = self._view("browse_facets", params)["rows"][1 if skip_first else 0:]
            kept.extend(row for row in rows if keep(row))
            if len(rows) < SCAN_BATCH:
                break
            start, skip_first = rows[-1]["key"], True
        items = tuple(ProjectSummary(name=NormalizedName(row["key"][-1]), display_name=str(row["value"][2]),
                                     latest_version=row["value"][3], summary=str(row["value"][4] or ""))
                      for row in kept[:limit])
        return Page(items, _encode_cursor(kept[limit]["key"]) if len(kept) > limit else None)

    # -- changes ---------------------------------------------------------------------------------

    def changes(self, *, since: Any = "now", filter: ChangeFilter | None = None, follow: bool = True,
                poll_interval: float = 1.0, batch: int = 500) -> ChangeFeed:
        """New, changed, yanked, un-yanked and removed releases, as ``ReleaseChange`` objects, in
        feed order (the order the node stored them on PouchDB Server; on a sharded CouchDB
        database no set order: docs/couchdb-vs-pouchdb.md, "Order"), from ``since`` (``"now"``, ``0`` for everything, or the
        ``seq`` of the last change a previous run handled). ``filter``: ``Projects(...)`` or
        ``Classifier(...)`` (client/changes.py). ``follow=False`` stops once caught up."""
        return ChangeFeed(self, since=since, filter=filter, follow=follow, poll_interval=poll_interval, batch=batch)

    # -- REST reads, for the pieces above -------------------------------------------------------

    def documents(self, ids: list[str]) -> list[dict[str, Any]]:
        """The current documents of ``ids`` that exist, in that order: GET ``_all_docs?keys=``, in
        batches that keep URLs short (a GET passes any read-only front; PouchDB Server also drops
        a POST's body under ``_rewrite``)."""
        found: list[dict[str, Any]] = []
        for batch in _url_sized(ids):
            answer = self.transport.get(f"{self.database_url}/_all_docs", params={"keys": batch, "include_docs": True})
            found.extend(row["doc"] for row in answer.get("rows") or [] if row.get("doc"))
        return found

    def _document(self, doc_id: str) -> dict[str, Any] | None:
        return self.transport.get(document_url(self.database_url, doc_id), ok_missing=True)

    def _id_range(self, prefix: str) -> Iterator[dict[str, Any]]:
        """Rows of ``_all_docs`` (with docs) whose id starts with ``prefix``, a batch at a time."""
        params: dict[str, Any] = {"startkey": prefix, "endkey": prefix + HIGH, "include_docs": True,
                                  "limit": ID_BATCH + 1}
        while True:
            rows = self.transport.get(f"{self.database_url}/_all_docs", params=params).get("rows") or []
            yield from rows[:ID_BATCH]
            if len(rows) <= ID_BATCH:
                return
            params["startkey"] = rows[ID_BATCH]["id"]

    def _view(self, name: str, params: Mapping[str, Any]) -> dict[str, Any]:
        return self.transport.get(f"{self.database_url}/_design/{DESIGN_DOC}/_view/{name}", params=params)

    @staticmethod
    def _normalized(name: str) -> str:
        try:
            return normalize(name)
        except InvalidProjectName:
            raise ProjectNotFound(name) from None


def _url_sized(ids: list[str], budget: int = 3000) -> Iterator[list[str]]:
    batch: list[str] = []
    size = 0
    for doc_id in ids:
        cost = len(quote(json.dumps(doc_id), safe="")) + 3
        if batch and size + cost > budget:
            yield batch
            batch, size = [], 0
        batch.append(doc_id)
        size += cost
    if batch:
        yield batch


def _all_pages(fetch: Callable[[str | None], Page[T]]) -> Iterator[T]:
    after: str | None = None
    while True:
        page = fetch(after)
        yield from page.items
        if page.next is None:
            return
        after = page.next


def _encode_cursor(key: Any) -> str:
    """A page's ``next``: the view key of its first row, as compact JSON."""
    return json.dumps(key, separators=(",", ":"), ensure_ascii=False)


def _decode_cursor(cursor: str) -> Any:
    try:
        return json.loads(cursor)
    except ValueError:
        raise ValueError(f"not a cursor this client made: {cursor!r}") from None
