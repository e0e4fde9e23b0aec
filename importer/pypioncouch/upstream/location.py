"""Where an index keeps its interfaces, from the one URL the user gives (``--index-url``).

Users name an index either by its base (``https://pypi.org``, a pypioncouch node's
``.../_design/pypi/_rewrite``) or by its Simple API root, as they give it to pip
(``https://pypi.org/simple/``, devpi's ``http://host:3141/root/pypi/+simple/``). From the
base: XML-RPC at ``/pypi``, the JSON API at ``/pypi/<name>/json``, the Simple API at
``/simple/``. From a Simple root: that root, and the other two under its parent.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from ..names import normalize

_SIMPLE_SEGMENTS = ("simple", "+simple")


@dataclass(frozen=True)
class IndexLocation:
    url: str     # as given, without a trailing slash: how errors name the index
    base: str    # XML-RPC and the JSON API live under it
    simple: str  # the Simple API root, ending in "/"

    @classmethod
    def parse(cls, index_url: str) -> "IndexLocation":
        url = index_url.strip().rstrip("/")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"not an http(s) URL: {index_url!r}")
        head, _, last = url.rpartition("/")
        if last in _SIMPLE_SEGMENTS and parts.path.strip("/"):
            return cls(url, head, url + "/")
        return cls(url, url, url + "/simple/")

    def simple_project(self, name: str) -> str:
        """The project's Simple page URL (normalized name, trailing slash, as PEP 503 asks)."""
        return f"{self.simple}{quote(normalize(name), safe='')}/"

    def json_project(self, name: str) -> str:
        return f"{self.base}/pypi/{quote(normalize(name), safe='')}/json"

    def json_release(self, name: str, version: str) -> str:
        return f"{self.base}/pypi/{quote(normalize(name), safe='')}/{quote(version, safe='')}/json"
