"""Pages and feeds over hostile metadata: script tags in every field, javascript: links,
control characters. Everything PyPI sends must come out as text, never as markup."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from typing import Any, Iterator

import pytest
import requests

from pypioncouch.couch import Database
from pypioncouch.emulator import INJECTION
from tests.conftest import rewrite_url
from tests.couchapp.browse_data import browse_database, drop, hostile_payloads, payload
from tests.couchapp.html_page import fetch

EVIL = '<script>alert("x")</script><img src=x onerror=alert(2)>'
CONTROL = "bell\x07 escape\x1b nul-free\x0b"

HANDMADE = payload(
    "evil-project", {"1.0": "2024-05-06T07:08:09Z"},
    summary=EVIL + " " + CONTROL, author=EVIL, maintainer_email=f"{EVIL} <m@example.org>",
    keywords=f"{EVIL}, javascript:alert(3)", classifiers=[f"Topic :: {EVIL}", "Framework :: Django"],
    home_page="javascript:alert(4)", download_url="JaVaScRiPt:alert(5)", docs_url=" data:text/html,<b>x</b>",
    project_urls={EVIL: "javascript:alert(6)", "Fine": "https://fine.example/?a=1&b=<2>"},
    license=EVIL, requires_python=EVIL,
    description=f"<script>alert(7)</script>\n\n{EVIL}", description_content_type="text/html",
)


@pytest.fixture(scope="module")
def hostile_db(couch_server: Any) -> Iterator[Database]:
    db = browse_database(couch_server.url, [HANDMADE] + hostile_payloads())
    yield db
    drop(db)


class _Elements(HTMLParser):
    """Every start tag and attribute a browser would build from the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend((tag, name, value or "") for name, value in attrs)


def elements(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    return parser


PAGES = ["", "projects/", "project/evil-project/", "project/evil-project/1.0/", "project/injection/",
         "project/injection/1.0/", "search/?q=evil", "search/summary/?q=script+alert", "authors/", "keywords/",
         "maintainers/", "classifiers/", "classifiers/under/?name=Topic", "filter/?name=Framework&and=Framework%20::%20Django",
         "project/surrogates/", "project/all-none/", "project/no-files/"]


@pytest.mark.parametrize("path", PAGES)
def test_no_markup_from_metadata_and_no_script_links(hostile_db: Database, path: str) -> None:
    response = requests.get(rewrite_url(hostile_db, path), timeout=60)
    assert response.status_code == 200, (path, response.text[:300])
    found = elements(response.text)
    assert "script" not in found.tags and "img" not in found.tags
    assert not [a for a in found.attributes if a[1].startswith("on")], "event handler attribute"
    for tag, name, value in found.attributes:
        if name in ("href", "src", "action", "formaction"):
            assert not value.strip().lower().startswith(("javascript:", "data:")), (tag, name, value)


def test_hostile_values_are_shown_as_text(hostile_db: Database) -> None:
    page = fetch(rewrite_url(hostile_db, "project/evil-project/"))
    assert EVIL in page.text  # the summary, the author, the license... as text
    assert "javascript:alert(4)" in page.text  # the home page is shown, not linked
    assert page.link("Fine").url == "https://fine.example/?a=1&b=<2>"
    author = page.link(EVIL)  # people and keywords are links to their pages, the text escaped
    assert "/_rewrite/author/?name=" in author.url
    listed = fetch(author.url)
    assert "evil-project" in [link.url.rstrip("/").split("/")[-1] for link in listed.links]
    injection = fetch(rewrite_url(hostile_db, "project/injection/"))
    assert INJECTION in injection.text


FEEDS = ["rss/updates.xml", "rss/packages.xml", "rss/project/evil-project/releases.xml",
         "rss/project/injection/releases.xml", "rss/project/surrogates/releases.xml"]


@pytest.mark.parametrize("path", FEEDS)
def test_feeds_are_valid_rss_with_text_kept(hostile_db: Database, path: str) -> None:
    response = requests.get(rewrite_url(hostile_db, path), timeout=60)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)  # well-formed XML despite control characters
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("title") and channel.findtext("link").startswith("http://")
    for item in channel.findall("item"):
        assert item.findtext("link").startswith(rewrite_url(hostile_db, ""))
        assert item.findtext("pubDate").endswith("GMT")
    if "evil-project" in path:
        item = channel.find("item")
        assert item.findtext("description") == EVIL + " bell escape nul-free"
