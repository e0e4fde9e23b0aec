"""The JSON Simple index (PEP 691) as a change feed, the way bandersnatch 8 does it.

``GET /simple/`` with ``Accept: application/vnd.pypi.simple.v1+json`` lists
every project with its ``_last-serial``; ``meta._last-serial`` is the newest.
Changes since a serial are the projects whose serial is newer. The index has
no removal events, so ``changes_since`` hands back the complete listing and the
importer removes what it no longer names.
"""

from __future__ import annotations

from typing import Any

from .base import ChangeSet, UpstreamError
from .http import HttpClient

SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"


class SimpleJsonIndex:
    name = "json-simple"

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    def _index(self) -> dict[str, Any]:
        response = self.http.request("GET", "/simple/", headers={"Accept": SIMPLE_JSON})
        try:
            index = response.json()
            projects = index["projects"]
            int(index["meta"]["_last-serial"])
        except (ValueError, KeyError, TypeError) as exc:
            raise UpstreamError(f"/simple/ is not a PEP 691 JSON index with serials ({exc})") from None
        if not isinstance(projects, list):
            raise UpstreamError("/simple/: 'projects' is not a list")
        return index

    def last_serial(self) -> int:
        return int(self._index()["meta"]["_last-serial"])

    def all_projects(self) -> dict[str, int]:
        return {str(p["name"]): int(p.get("_last-serial", 0)) for p in self._index()["projects"]}

    def changes_since(self, serial: int) -> ChangeSet:
        index = self._index()
        listing = {str(p["name"]): int(p.get("_last-serial", 0)) for p in index["projects"]}
        last = max(serial, int(index["meta"]["_last-serial"]))
        changed = {name: s for name, s in listing.items() if s > serial}
        return ChangeSet(since=serial, last_serial=last, projects=changed, complete_listing=listing)
