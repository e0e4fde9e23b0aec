"""PyPI's XML-RPC interface at `POST /pypi`: the journal methods, and faults for the rest."""

from __future__ import annotations

import xmlrpc.client
from typing import Any, Callable

from .dataset import Dataset

DEFAULT_PAGE_SIZE = 50_000

# Methods PyPI has switched off: they answer a Fault, not a 404, so clients see why.
DISABLED = {
    "package_releases": "2024-09-26", "release_urls": "2024-09-26", "release_data": "2024-09-26",
    "list_packages": "2024-09-26", "search": "2020-12-14",
}


class XmlRpcApi:
    """Dispatches one decoded call to the data set."""

    def __init__(self, dataset: Dataset, page_size: int = DEFAULT_PAGE_SIZE) -> None:
        self.dataset = dataset
        self.page_size = page_size

    def methods(self) -> dict[str, Callable[..., Any]]:
        return {
            "changelog_last_serial": lambda: self.dataset.last_serial,
            "changelog_since_serial": self.changelog_since_serial,
            "list_packages_with_serial": self.dataset.packages_with_serial,
        }

    def changelog_since_serial(self, since: int) -> list[list[Any]]:
        """Rows after `since`, at most `page_size` of them: clients page until a short page."""
        return [list(row) for row in self.dataset.changelog_since(int(since), self.page_size)]

    def handle(self, body: bytes) -> bytes:
        """One XML-RPC request body to one response body (a Fault for any failure)."""
        try:
            params, method = xmlrpc.client.loads(body, use_builtin_types=True)
        except Exception as error:  # malformed request: PyPI answers a Fault too
            return _fault(-32700, f"parse error: {error}")
        if method in DISABLED:
            return _fault(-32500, f"RuntimeError: PyPI no longer supports the XMLRPC {method} method. "
                                  "Use the JSON API instead.")
        function = self.methods().get(str(method))
        if function is None:
            return _fault(-32601, f"method {method!r} not found")
        try:
            result = function(*params)
        except TypeError as error:
            return _fault(-32602, f"invalid params: {error}")
        return xmlrpc.client.dumps((result,), methodresponse=True, allow_none=True).encode("utf-8")


def method_name(body: bytes) -> str | None:
    """The method of a request body, for fault matching; None if it does not parse."""
    try:
        return xmlrpc.client.loads(body)[1]
    except Exception:
        return None


def _fault(code: int, message: str) -> bytes:
    return xmlrpc.client.dumps(xmlrpc.client.Fault(code, message), methodresponse=True).encode("utf-8")
