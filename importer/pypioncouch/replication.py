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
from typing import Any, Iterable

from .couch import Database
from .designdoc import DESIGN_DOC_ID
from .names import normalize

__all__ = ["replication", "project_selector", "projects_with_classifiers", "PROJECTS_FILTER"]

PROJECTS_FILTER = "pypi/projects"
_FIND_PAGE = 10_000


def replication(source: str, target: str, *, projects: Iterable[str] | None = None, continuous: bool = False,
                create_target: bool = True) -> dict[str, Any]:
    """The body of ``POST /_replicate`` or a ``_replicator`` document (full URLs, as CouchDB 3.x requires).

    ``projects`` makes a partial mirror of those projects (names in any spelling).
    """
    body: dict[str, Any] = {"source": source, "target": target, "create_target": create_target}
    if continuous:
        body["continuous"] = True
    if projects is not None:
        body["filter"] = PROJECTS_FILTER
        # A JSON array: one form that both servers hand the filter unambiguously.
        body["query_params"] = {"projects": json.dumps(sorted({normalize(name) for name in projects}))}
    return body


def project_selector(projects: Iterable[str]) -> dict[str, Any]:
    """A Mango ``selector`` (``_replicate``'s ``selector`` field) equivalent to the ``projects`` filter.

    One regular expression on ``_id``: PouchDB's selector engine never answers
    an ``$or`` holding a ``$regex``.
    """
    names = "|".join(re.escape(name) for name in sorted({normalize(n) for n in projects}))
    return {"_id": {"$regex": f"^({re.escape(DESIGN_DOC_ID)}$|({names})(/|:dist:|$))"}}


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
