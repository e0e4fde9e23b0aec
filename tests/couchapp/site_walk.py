"""Walking the whole site from its home page, as a crawler would, under whatever URL it is
served at: the database's ``_rewrite/`` URL, a vhost's ``/``, a reverse proxy's prefix.

Every link, stylesheet, feed and form of every page is resolved the way a browser resolves it
(against ``<base href>``). A target on the site's own host and port but outside its root is a
link that escaped (what ``<base href="/">`` did on CouchDB, and the doubled path behind a
proxy): it is reported, never silently skipped. Links to other hosts (PyPI metadata's home
pages) are not fetched. ``rel="nofollow"`` links (classifier filters, which combine without
end) are fetched but not followed, as a polite crawler does.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import requests

from tests.couchapp.html_page import read

MAX_PAGES = 1500


@dataclass
class Walk:
    root: str
    seen: set[str] = field(default_factory=set)
    failures: list[tuple[int, str]] = field(default_factory=list)  # (status, url)
    escaped: list[tuple[str, str]] = field(default_factory=list)  # (page, target outside the root)
    feeds: dict[str, list[str]] = field(default_factory=dict)  # feed url -> the absolute links it holds
    visited: int = 0

    def projects_reached(self) -> set[str]:
        prefix = self.root + "project/"
        return {unquote(url[len(prefix):].split("/")[0]) for url in self.seen if url.startswith(prefix)}


def same_site(url: str, root: str) -> bool:
    a, b = urlsplit(url), urlsplit(root)
    return (a.scheme, a.netloc) == (b.scheme, b.netloc)


def rss_links(body: bytes) -> list[str]:
    """Every <link> of an RSS 2.0 feed: the channel's and each item's."""
    return [element.text or "" for element in ET.fromstring(body).iter("link")]


def walk(root: str, session: requests.Session | None = None) -> Walk:
    """Walk the site at ``root`` (its home page URL, ending in ``/``)."""
    session = session or requests.Session()
    result = Walk(root)
    queue = deque([(root, True)])
    result.seen.add(root)
    while queue and result.visited < MAX_PAGES:
        url, follow = queue.popleft()
        response = session.get(url, timeout=120)
        result.visited += 1
        if response.status_code != 200:
            result.failures.append((response.status_code, url))
            continue
        content_type = response.headers.get("Content-Type", "")
        if content_type.startswith("application/rss+xml"):
            result.feeds[url] = rss_links(response.content)
        if not follow or not content_type.startswith("text/html"):
            continue
        page = read(response)
        targets = [(link.url, "nofollow" not in link.rel) for link in page.links]
        targets += [(target, True) for target in page.stylesheets + page.feeds]
        targets += [(action, False) for action in page.forms]
        for target, follow_target in targets:
            target = target.split("#")[0]
            if not same_site(target, root):
                continue  # PyPI metadata's links to elsewhere
            if not target.startswith(root):
                result.escaped.append((url, target))
            elif target not in result.seen:
                result.seen.add(target)
                queue.append((target, follow_target))
    return result
