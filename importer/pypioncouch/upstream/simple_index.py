"""The Simple index (``/simple/``) as a change feed, the way bandersnatch 8 does it.

``GET /simple/`` with JSON preferred. A PEP 691 JSON index lists every project with its
``_last-serial`` (a number, or a string where a proxy rewrote it) and ``meta._last-serial``
the newest: changes since a serial are the projects whose serial is newer. An index that
lists names only (an HTML index, devpi's JSON index) can say which projects exist, not
which changed: every listed project may have, and its own pages tell (serials then come
from each project's answers). Neither form has removal events, so ``changes_since``
hands back the complete listing and the importer checks what it no longer names.
"""

from __future__ import annotations

from .base import ChangeSet
from .http import HttpClient
from .location import IndexLocation
from .simple_page import ACCEPT, Listing, parse_index


class SimpleIndex:
    journal = False  # no change journal: only the whole listing answers

    def __init__(self, http: HttpClient, location: IndexLocation | None = None) -> None:
        self.http = http
        self.location = location or IndexLocation.parse(http.base_url)
        self.name = "simple"

    def listing(self) -> Listing:
        response = self.http.request("GET", self.location.simple, headers={"Accept": ACCEPT})
        listing = parse_index(response, self.location.simple)
        self.name = "json-simple" if listing.form == "json" and listing.serials_known else "simple-names"
        return listing

    def last_serial(self) -> int:
        return _newest(self.listing())

    def all_projects(self) -> dict[str, int]:
        return {name: serial or 0 for name, serial in self.listing().projects.items()}

    def changes_since(self, serial: int) -> ChangeSet:
        listing = self.listing()
        projects = {name: s or 0 for name, s in listing.projects.items()}
        last = max(serial, _newest(listing))
        if not listing.serials_known:
            return ChangeSet(since=serial, last_serial=last, projects=dict(projects), complete_listing=projects,
                             serials_known=False)
        changed = {name: s for name, s in projects.items() if s > serial}
        return ChangeSet(since=serial, last_serial=last, projects=changed, complete_listing=projects)

    def journal_serial(self) -> int | None:
        return None

    def journal_changes(self, serial: int) -> ChangeSet | None:
        return None


def _newest(listing: Listing) -> int:
    if listing.serial is not None:
        return listing.serial
    return max((s for s in listing.projects.values() if s is not None), default=0)


# The name this class had when it read JSON indexes only.
SimpleJsonIndex = SimpleIndex
