"""PyPI's XML-RPC journal: the three methods a mirror may still rely on.

Calls go through ``HttpClient`` (timeouts, retries) rather than
``xmlrpc.client.ServerProxy``, which has neither.
"""

from __future__ import annotations

import xmlrpc.client
from typing import Any

from .base import ChangeSet, UpstreamError
from .http import HttpClient
from .simple_page import Listing


class XmlRpcIndex:
    name = "xml-rpc"
    journal = True

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    def call(self, method: str, *params: Any) -> Any:
        body = xmlrpc.client.dumps(params, method, allow_none=True).encode("utf-8")
        response = self.http.request("POST", "/pypi", data=body, headers={"Content-Type": "text/xml"})
        try:
            (result,), _ = xmlrpc.client.loads(response.content, use_builtin_types=True)
        except xmlrpc.client.Fault as fault:
            raise UpstreamError(f"XML-RPC {method}: fault {fault.faultCode}: {fault.faultString}") from None
        except Exception as exc:  # malformed XML (an HTML page, a cut body): expat and ValueError variants
            raise UpstreamError(f"XML-RPC {method}: unreadable answer ({type(exc).__name__})") from None
        return result

    def last_serial(self) -> int:
        return int(self.call("changelog_last_serial"))

    def all_projects(self) -> dict[str, int]:
        listing = self.call("list_packages_with_serial")
        if not isinstance(listing, dict):
            raise UpstreamError("XML-RPC list_packages_with_serial: not a mapping")
        # PyPI's 900,000 names: the answer's own dict, checked, not a copy of it (another 40 MB).
        if not all(type(name) is str and type(serial) is int for name, serial in listing.items()):
            return {str(name): int(serial) for name, serial in listing.items()}
        return listing

    def listing(self) -> Listing:
        serial = self.last_serial()  # first: nothing can fall between it and the listing
        return Listing(self.all_projects(), serial, "xml-rpc")

    def changes_since(self, serial: int) -> ChangeSet:
        """Every journal row after ``serial``.

        PyPI answers at most 50,000 rows a call; other indexes may page smaller,
        so pages are asked for until one comes back empty (with nothing new,
        that is the only call).
        """
        changes = ChangeSet(since=serial, last_serial=serial)
        cursor = serial
        while True:
            rows = self.call("changelog_since_serial", cursor)
            for row in rows:
                name, row_serial = str(row[0]), int(row[4])
                changes.projects[name] = max(changes.projects.get(name, 0), row_serial)
                cursor = max(cursor, row_serial)
            changes.last_serial = cursor
            if not rows:
                return changes

    def journal_serial(self) -> int | None:
        return self.last_serial()

    def journal_changes(self, serial: int) -> ChangeSet | None:
        return self.changes_since(serial)
