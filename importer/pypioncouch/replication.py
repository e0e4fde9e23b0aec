"""Mirrors of a node: the replication requests, full or partial (docs/mirrors.md shows them by hand).

A second node needs nothing but CouchDB's replication: the design document is
a document like the others, so one ``POST /_replicate`` (or one ``_replicator``
document, for a mirror that stays current) brings the index and the CouchApp.

Partial mirrors go through the design doc's filter ``pypi/projects``, which
picks documents by the project their id names. A mirror by classifier is a
mirror by project: release documents do not carry their project's classifiers
(8 million releases would each repeat them), so the classifiers are resolved to
project names on the source with Mango, and those names go to the filter.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterable, Union

from .couch import Database, DatabaseURL, _redact
from .designdoc import DESIGN_DOC_ID
from .names import normalize

__all__ = ["replication", "endpoint", "ReplicationBody", "project_selector", "projects_with_classifiers",
           "PROJECTS_FILTER"]

PROJECTS_FILTER = "pypi/projects"
_FIND_PAGE = 10_000
# Characters both servers read the same inside a URL's user:password@ (RFC 3986 "unreserved").
_LITERAL_CREDENTIALS = re.compile(r"[A-Za-z0-9._~-]*")

Endpoint = Union[str, DatabaseURL, Database]


class ReplicationBody(dict):
    """A replication body: a plain dict as JSON, with every password hidden when printed."""

    def __repr__(self) -> str:
        return repr(_hide_passwords(dict(self)))

    __str__ = __repr__

    def __or__(self, other: dict[str, Any]) -> "ReplicationBody":  # type: ignore[override]
        return ReplicationBody({**self, **other})


def endpoint(where: Endpoint) -> str | dict[str, Any]:
    """One end of a replication: a full database URL, with the credentials ``where`` carries.

    A string is taken as given. A :class:`DatabaseURL` (or :class:`Database`) with
    credentials puts them in the URL (``http://user:pw@host/db``) when they hold
    only letters, digits and ``.-_~``: both servers read those alike. Other
    credentials go in CouchDB's ``{"url", "auth": {"basic": ...}}`` form: CouchDB
    3.x takes a URL's user and password literally, without percent-decoding, and
    PouchDB Server 4.2.0, which decodes them, takes no endpoint objects
    (docs/couchdb-vs-pouchdb.md).
    """
    if isinstance(where, str):
        return where
    location = where.location if isinstance(where, Database) else where
    if not location.username:
        return location.url
    user, password = location.username, location.password or ""
    if _LITERAL_CREDENTIALS.fullmatch(user) and _LITERAL_CREDENTIALS.fullmatch(password):
        scheme, rest = location.url.split("://", 1)
        return f"{scheme}://{user}:{password}@{rest}"
    return {"url": location.url, "auth": {"basic": {"username": user, "password": password}}}


def replication(source: Endpoint, target: Endpoint, *, projects: Iterable[str] | None = None,
                continuous: bool = False, create_target: bool = True,
                selector: dict[str, Any] | None = None) -> ReplicationBody:
    """The body of ``POST /_replicate`` or a ``_replicator`` document (full URLs, as CouchDB 3.x requires).

    ``source`` and ``target`` are URLs, or :class:`DatabaseURL` values whose
    credentials go into the body (see :func:`endpoint`); the body never shows them when printed.
    ``projects`` makes a partial mirror of those projects (names in any spelling);
    ``selector`` a Mango one (:func:`project_selector`; CouchDB only in ``_replicate``).
    """
    body = ReplicationBody(source=endpoint(source), target=endpoint(target), create_target=create_target)
    if continuous:
        body["continuous"] = True
    if projects is not None:
        body["filter"] = PROJECTS_FILTER
        # A JSON array: one form that both servers hand the filter unambiguously.
        body["query_params"] = {"projects": json.dumps(sorted({normalize(name) for name in projects}))}
    if selector is not None:
        body["selector"] = selector
    return body


def _hide_passwords(value: Any) -> Any:
    if isinstance(value, str):
        return _redact(value) if "://" in value else value
    if isinstance(value, dict):
        return {key: "***" if key == "password" else _hide_passwords(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_hide_passwords(item) for item in value]
    return value


def project_selector(projects: Iterable[str]) -> dict[str, Any]:
    """A Mango ``selector`` (``_replicate``'s ``selector`` field) equivalent to the ``projects`` filter.

    One regular expression on ``_id``: PouchDB's selector engine never answers
    an ``$or`` holding a ``$regex``.
    """
    names = "|".join(re.escape(name) for name in sorted({normalize(n) for n in projects}))
    return {"_id": {"$regex": f"^({re.escape(DESIGN_DOC_ID)}$|({names})(/|:dist:|:simple:|:json:|$))"}}


def projects_with_classifiers(db: Database, classifiers: Iterable[str]) -> list[str]:
    """Ids of the projects on ``db`` that carry every one of ``classifiers`` (Mango ``_find``, paged)."""
    selector = {"type": "project", "classifiers": {"$all": list(classifiers)}}
    found: list[str] = []
    bookmark = None
    while True:
        query: dict[str, Any] = {"selector": selector, "fields": ["_id"], "limit": _FIND_PAGE}
        if bookmark:
            query["bookmark"] = bookmark
        answer = db.request("POST", f"{db.url}/_find", what="find projects by classifier", body=query).json()
        found += [doc["_id"] for doc in answer["docs"]]
        bookmark = answer.get("bookmark")  # CouchDB pages with bookmarks; PouchDB Server answers all at once
        if len(answer["docs"]) < _FIND_PAGE or not bookmark:
            return sorted(found)
