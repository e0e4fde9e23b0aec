"""A fetched HTML page, read the way a browser would: its text, its links resolved against
<base href>, its forms. Standard library only (html.parser)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

import requests


@dataclass
class Link:
    href: str
    url: str  # absolute, resolved against <base href>
    text: str
    rel: str = ""


@dataclass
class Page:
    url: str
    status: int
    html: str
    text: str = ""
    links: list[Link] = field(default_factory=list)
    stylesheets: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)  # where each form and form button submits, resolved

    def link(self, text: str) -> Link:
        """The first link whose text contains `text`."""
        for link in self.links:
            if text in link.text:
                return link
        raise AssertionError(f"no link {text!r} on {self.url}: {[l.text for l in self.links]}")


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.anchors: list[list[str]] = []  # [href, text, rel]
        self.open_anchor: list[str] | None = None
        self.text: list[str] = []
        self.stylesheets: list[str] = []
        self.feeds: list[str] = []
        self.forms: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag == "base" and self.base is None:
            self.base = attributes.get("href")
        elif tag == "a" and "href" in attributes:
            self.open_anchor = [attributes["href"], "", attributes.get("rel", "")]
            self.anchors.append(self.open_anchor)
        elif tag == "link" and attributes.get("rel") == "stylesheet":
            self.stylesheets.append(attributes.get("href", ""))
        elif tag == "link" and attributes.get("rel") == "alternate":
            self.feeds.append(attributes.get("href", ""))
        elif tag == "form":
            self.forms.append(attributes.get("action", ""))
        elif tag == "button" and "formaction" in attributes:
            self.forms.append(attributes["formaction"])
        elif tag in ("script", "style", "title"):
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self.open_anchor = None
        elif tag in ("script", "style", "title"):
            self.skip = max(0, self.skip - 1)

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        self.text.append(data)
        if self.open_anchor is not None:
            self.open_anchor[1] += data


def read(response: requests.Response) -> Page:
    reader = _Reader()
    reader.feed(response.text)
    base = urljoin(response.url, reader.base) if reader.base else response.url
    return Page(
        url=response.url, status=response.status_code, html=response.text,
        text=" ".join(" ".join(reader.text).split()),
        links=[Link(href, urljoin(base, href), " ".join(text.split()), rel) for href, text, rel in reader.anchors],
        stylesheets=[urljoin(base, href) for href in reader.stylesheets],
        feeds=[urljoin(base, href) for href in reader.feeds],
        forms=[urljoin(base, action) for action in reader.forms],
    )


def fetch(url: str, session: requests.Session | None = None, **kwargs) -> Page:
    return read((session or requests).get(url, timeout=120, **kwargs))
