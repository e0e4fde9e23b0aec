"""Reading the Simple repository API as an upstream serves it: PEP 691 JSON or PEP 503 HTML.

Both forms become the same typed dicts (``SimpleDetail``, a listing of names and serials),
with the spec's key names. A JSON entry is kept as the upstream sent it (unknown keys
included, missing ones missing: whoever serves it applies the spec's defaults); an HTML
anchor becomes the JSON entry it stands for. Relative URLs (devpi's ``../../+f/...``, a static tree's
``../../packages/...``) are resolved against the page they came from, so a stored URL
works from anywhere. A page that is not a Simple page raises ``NotAnIndex``.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from ..pypi_types import CoreMetadata, SimpleDetail, SimpleFile, serial_value
from .base import NotAnIndex, UpstreamError
from .http import Response

SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
# What uv sends: JSON first, HTML as the fallback every index can serve.
ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"
SERIAL_HEADER = "X-PyPI-Last-Serial"
_DIST_EXTENSIONS = (".whl", ".tar.gz", ".zip", ".tar.bz2", ".tar.xz", ".tgz", ".tar", ".egg", ".exe", ".msi",
                    ".rpm", ".dmg", ".deb")


def header_serial(response: Response) -> int | None:
    return serial_value(response.headers.get(SERIAL_HEADER))


def is_json(response: Response) -> bool:
    content_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if content_type in (SIMPLE_JSON, "application/json"):
        return True
    return not content_type and response.content.lstrip()[:1] == b"{"


# ---- project pages --------------------------------------------------------------------------


def parse_detail(response: Response, name: str) -> SimpleDetail:
    """One project page, JSON or HTML, as a ``SimpleDetail`` (``name`` normalized)."""
    if is_json(response):
        return _detail_from_json(response, name)
    return _detail_from_html(response, name)


def detail_serial(response: Response, page: SimpleDetail) -> int | None:
    """The page's serial: ``X-PyPI-Last-Serial``, else ``meta._last-serial`` (number or string)."""
    header = header_serial(response)
    return header if header is not None else serial_value(page.get("meta", {}).get("_last-serial"))


def _detail_from_json(response: Response, name: str) -> SimpleDetail:
    try:
        body = json.loads(response.content)
    except ValueError:
        raise UpstreamError(f"{response.url}: the answer is not JSON") from None
    if not isinstance(body, dict) or not isinstance(body.get("files"), list):
        raise NotAnIndex(f"{response.url}: JSON that is not a PEP 691 project page (no 'files' list)")
    page: SimpleDetail = {k: v for k, v in body.items() if k not in ("files",)}  # type: ignore[assignment]
    page["meta"] = body.get("meta") if isinstance(body.get("meta"), dict) else {}
    page["name"] = name
    page["files"] = [_file_from_json(entry, response.url) for entry in body["files"]
                     if isinstance(entry, dict) and isinstance(entry.get("filename"), str)
                     and isinstance(entry.get("url"), str)]
    if not isinstance(page.get("versions"), list):
        page.pop("versions", None)
    return page


def _file_from_json(entry: dict[str, Any], page_url: str) -> SimpleFile:
    """The entry as served, with its URLs made absolute (a relative one would resolve against the node)."""
    file: SimpleFile = dict(entry)  # type: ignore[assignment]
    file["url"] = urljoin(page_url, entry["url"])
    provenance = entry.get("provenance")
    if isinstance(provenance, str) and provenance:
        file["provenance"] = urljoin(page_url, provenance)
    return file


def _core_metadata(value: Any) -> CoreMetadata:
    """PEP 714's value: a dict of hashes, True, or False (also read from HTML's ``sha256=<hex>``)."""
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()} or True
    if isinstance(value, str):
        if value.lower() == "true":
            return True
        algorithm, _, digest = value.partition("=")
        return {algorithm: digest} if digest and algorithm in hashlib.algorithms_guaranteed else False
    return value is True


class _PageParser(HTMLParser):
    """Anchors (attributes, text), meta tags, the title, ``<base href>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[tuple[dict[str, str | None], str]] = []
        self.meta: dict[str, str] = {}
        self.base: str | None = None
        self.title = ""
        self._anchor: tuple[dict[str, str | None], list[str]] | None = None
        self._in_title_or_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a":
            self._anchor = (values, [])
        elif tag == "meta" and values.get("name"):
            self.meta.setdefault(str(values["name"]).lower(), str(values.get("content") or ""))
        elif tag == "base" and values.get("href") and self.base is None:
            self.base = values["href"]
        elif tag in ("title", "h1"):
            self._in_title_or_h1 = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._anchor is not None:
            self.anchors.append((self._anchor[0], "".join(self._anchor[1]).strip()))
            self._anchor = None
        elif tag in ("title", "h1"):
            self._in_title_or_h1 = False

    def handle_data(self, data: str) -> None:
        if self._anchor is not None:
            self._anchor[1].append(data)
        elif self._in_title_or_h1:
            self.title += data


def _parse_html(response: Response) -> _PageParser:
    parser = _PageParser()
    charset = re.search(r"charset=([\w-]+)", response.headers.get("Content-Type") or "")
    try:
        text = response.content.decode(charset.group(1) if charset else "utf-8", "replace")
    except LookupError:
        text = response.content.decode("utf-8", "replace")
    parser.feed(text)
    parser.close()
    return parser


def _detail_from_html(response: Response, name: str) -> SimpleDetail:
    parsed = _parse_html(response)
    base = urljoin(response.url, parsed.base) if parsed.base else response.url
    files = [_file_from_anchor(attrs, text, base) for attrs, text in parsed.anchors if attrs.get("href")]
    versioned = "pypi:repository-version" in parsed.meta
    looks_like_files = bool(files) and all(f["filename"].lower().endswith(_DIST_EXTENSIONS) for f in files)
    titled = parsed.title.strip().lower().startswith("links for")
    if not (versioned or looks_like_files or (titled and not files)):
        raise NotAnIndex(f"{response.url}: an HTML page that is not a Simple project page "
                         f"(no pypi:repository-version, and its links are not distribution files)")
    page: SimpleDetail = {"meta": {"api-version": parsed.meta.get("pypi:repository-version", "1.0")},
                          "name": name, "files": files}
    if "pypi:project-status" in parsed.meta:
        page["project-status"] = {"status": parsed.meta["pypi:project-status"]}
        if parsed.meta.get("pypi:project-status-reason"):
            page["project-status"]["reason"] = parsed.meta["pypi:project-status-reason"]
    return page


def _file_from_anchor(attrs: dict[str, str | None], text: str, base: str) -> SimpleFile:
    url, fragment = urldefrag(urljoin(base, str(attrs["href"])))
    hashes = {}
    algorithm, _, digest = fragment.partition("=")
    if digest and algorithm in hashlib.algorithms_guaranteed:
        hashes[algorithm] = digest
    filename = text or unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    yanked: bool | str = False
    if "data-yanked" in attrs:
        yanked = attrs["data-yanked"] or True
    core = attrs.get("data-core-metadata", attrs.get("data-dist-info-metadata"))
    provenance = attrs.get("data-provenance")
    return {
        "filename": filename, "url": url, "hashes": hashes,
        "requires-python": attrs.get("data-requires-python") or None,  # the parser has unescaped it
        "yanked": yanked,
        "core-metadata": _core_metadata(core) if core is not None else False,
        "provenance": urljoin(base, provenance) if provenance else None,
    }


# ---- the index --------------------------------------------------------------------------------


@dataclass
class Listing:
    """Every project of an index: names (as the index spells them) and serials where it gives them."""

    projects: dict[str, int | None] = field(default_factory=dict)
    serial: int | None = None  # the index's own newest serial, when it says one
    form: str = "json"         # "json" or "html"

    @property
    def serials_known(self) -> bool:
        return all(serial is not None for serial in self.projects.values())


def parse_index(response: Response, root: str) -> Listing:
    if is_json(response):
        return _index_from_json(response)
    return _index_from_html(response, root)


def _index_from_json(response: Response) -> Listing:
    try:
        body, projects = _read_json_index(response.content)
    except ValueError:
        raise UpstreamError(f"{response.url}: the answer is not JSON") from None
    if not isinstance(body, dict) or projects is None:
        raise NotAnIndex(f"{response.url}: JSON that is not a PEP 691 index (no 'projects' list)")
    meta = body.get("meta") if isinstance(body.get("meta"), dict) else {}
    serial = serial_value(meta.get("_last-serial"))
    return Listing(projects, serial if serial is not None else header_serial(response), "json")


_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def _read_json_index(content: bytes) -> tuple[Any, dict[str, int | None] | None]:
    """A PEP 691 index body: its top-level object without ``projects``, and the projects' names and
    serials (None when ``projects`` is no list). PyPI's index names 900,000 projects: decoded whole,
    its entries make as many dicts (some 250 MB); here each entry is decoded, read and dropped in
    turn. Any other body is decoded whole (``ValueError`` when it is not JSON)."""
    text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    at = _WHITESPACE.match(text, 0).end()
    if not text.startswith("{", at):
        return json.loads(text), None
    body: dict[str, Any] = {}
    projects: dict[str, int | None] | None = None
    at = _WHITESPACE.match(text, at + 1).end()
    if text.startswith("}", at):
        return _trailing(text, at + 1, body), None
    while True:
        if not text.startswith('"', at):
            raise ValueError("a key was expected")
        key, at = json.decoder.scanstring(text, at + 1)
        at = _WHITESPACE.match(text, at).end()
        if not text.startswith(":", at):
            raise ValueError("':' was expected")
        at = _WHITESPACE.match(text, at + 1).end()
        if key == "projects" and text.startswith("[", at):
            projects, at = _read_projects(text, at + 1)
            body.pop(key, None)
        else:
            body[key], at = _DECODER.raw_decode(text, at)
            if key == "projects":
                projects = None
        at = _WHITESPACE.match(text, at).end()
        if text.startswith(",", at):
            at = _WHITESPACE.match(text, at + 1).end()
            continue
        if text.startswith("}", at):
            return _trailing(text, at + 1, body), projects
        raise ValueError("',' or '}' was expected")


def _read_projects(text: str, at: int) -> tuple[dict[str, int | None], int]:
    projects: dict[str, int | None] = {}
    at = _WHITESPACE.match(text, at).end()
    if text.startswith("]", at):
        return projects, at + 1
    while True:
        entry, at = _DECODER.raw_decode(text, at)
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            projects[entry["name"]] = serial_value(entry.get("_last-serial"))
        at = _WHITESPACE.match(text, at).end()
        if text.startswith(",", at):
            at = _WHITESPACE.match(text, at + 1).end()
            continue
        if text.startswith("]", at):
            return projects, at + 1
        raise ValueError("',' or ']' was expected")


def _trailing(text: str, at: int, body: Any) -> Any:
    if _WHITESPACE.match(text, at).end() != len(text):
        raise ValueError("extra data after the JSON value")
    return body


def _index_from_html(response: Response, root: str) -> Listing:
    parsed = _parse_html(response)
    base = urljoin(response.url, parsed.base) if parsed.base else response.url
    root_path = urlsplit(root).path
    projects: dict[str, int | None] = {}
    strangers = 0
    for attrs, text in parsed.anchors:
        href = attrs.get("href")
        if not href or href.startswith(("#", "?")) or href.strip() in ("../", ".."):
            continue
        target = urlsplit(urljoin(base, href))
        rest = target.path[len(root_path):] if target.path.startswith(root_path) else ""
        segment = unquote(rest.strip("/"))
        if not rest or "/" in segment or not segment:
            strangers += 1
            continue
        projects[text.rstrip("/") or segment] = None
    if "pypi:repository-version" not in parsed.meta and (strangers or not projects):
        raise NotAnIndex(f"{response.url}: an HTML page that is not a Simple index "
                         f"(no pypi:repository-version, and {'its links do not lead to project pages' if strangers else 'no project links'})")
    return Listing(projects, header_serial(response), "html")
