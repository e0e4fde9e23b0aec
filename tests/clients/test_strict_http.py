"""A strict HTTP client reads every kind of response the CouchApp gives, on either server.

aiohttp (the client bandersnatch mirrors PyPI with) refuses a response that carries both
``Content-Length`` and ``Transfer-Encoding``, as RFC 9112 (6.2, 6.3) allows: a sender must
never send both. PouchDB Server 4.2.0 did, on every list response; the embedded server now
runs with a preload that keeps ``Content-Length`` only (``pypioncouch/embedded_http.js``).
Each kind of response is fetched with aiohttp, with its default ``Accept-Encoding: gzip,
deflate`` (PouchDB Server then gzips views and documents and streams them chunked) and with
``identity``; each must parse, carry at most one of the two headers, and hold what it should.
pip warns about the same responses; the last test reads pip's own output.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urljoin
from xml.etree import ElementTree

import aiohttp
import pytest

from pypioncouch.couch import Database
from pypioncouch.documents import build_project_documents
from pypioncouch.emulator import load_capture
from pypioncouch.feeds import project_attachments
from pypioncouch.json_api import gzip_id
from pypioncouch.simple_index import refresh_simple_index
from tests.conftest import new_database, push_app, rewrite_url

from .conftest import BIN, Index, couch_index, isolated_env, run, venv  # noqa: F401

REPO = Path(__file__).resolve().parents[2]
PROJECT = "markupsafe"
GZIPPED = gzip_id(PROJECT)  # its JSON API answer is long enough to have a gzipped copy
SERIAL = load_capture(PROJECT)["json_api"]["last_serial"]
PIP_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
ENCODINGS = {"gzip": "gzip, deflate", "identity": "identity"}


@pytest.fixture(scope="module")
def strict_db(couch_server: Any) -> Iterator[Database]:
    """The CouchApp with two captured projects, stored as the importer stores them (feeds attached)."""
    db = push_app(new_database(couch_server.url, prefix="strict"))
    docs = []
    for name in (PROJECT, "idna"):
        for doc in build_project_documents(load_capture(name)["json_api"]).all():
            if doc["_id"] == name:
                doc["_attachments"] = project_attachments(doc, rewrite_url(db))
            docs.append(doc)
    failed = [result for result in db.bulk_docs(docs) if not result.get("ok")]
    assert not failed, failed
    refresh_simple_index(db)  # `simple/` as the importer leaves it (pypioncouch.simple_index)
    yield db
    db.request("DELETE", db.url, what="drop test database", ok=(200, 202, 404))


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int
    header_names: list[str]  # as received, lower-cased, repeats kept
    headers: dict[str, str]  # lower-cased names
    body: bytes

    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)


async def _fetch(url: str, accept: str | None, encoding: str) -> Fetched:
    headers = {"Accept-Encoding": encoding}
    if accept is not None:
        headers["Accept"] = accept
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        async with session.get(url, headers=headers, allow_redirects=False) as response:
            body = await response.read()
            names = [name.decode("latin-1").lower() for name, _ in response.raw_headers]
            return Fetched(url, response.status, names, {k.lower(): v for k, v in response.headers.items()}, body)


def fetch(url: str, accept: str | None, encoding: str) -> Fetched:
    return asyncio.run(_fetch(url, accept, encoding))


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.hrefs += [value for key, value in attrs if key == "href" and value]


def html(response: Fetched) -> _Html:
    assert response.headers["content-type"].startswith("text/html"), response.headers
    parser = _Html()
    parser.feed(response.text())
    parser.close()
    assert "html" in parser.tags and "body" in parser.tags
    return parser


def xml(response: Fetched) -> ElementTree.Element:
    return ElementTree.fromstring(response.body)


def check_simple_index_html(r: Fetched) -> None:
    assert any(href.rstrip("/").endswith(PROJECT) for href in html(r).hrefs)


def check_simple_index_json(r: Fetched) -> None:
    assert r.headers["content-type"] == SIMPLE_JSON
    assert PROJECT in [project["name"].lower() for project in r.json()["projects"]]


def check_simple_detail_json(r: Fetched) -> None:
    assert r.headers["content-type"] == SIMPLE_JSON
    page = r.json()
    assert page["name"] == PROJECT and page["files"]


def check_simple_detail_html(r: Fetched) -> None:
    assert any("MarkupSafe-" in href or "markupsafe-" in href for href in html(r).hrefs)


def check_json_api(r: Fetched) -> None:
    assert r.json()["info"]["name"].lower() == PROJECT


def check_page(r: Fetched) -> None:
    html(r)


def check_feed(r: Fetched) -> None:
    assert xml(r).tag == "rss"


def check_view(r: Fetched) -> None:
    rows = r.json()["rows"]
    assert rows and all("key" in row for row in rows)


def check_document(r: Fetched) -> None:
    doc = r.json()
    assert doc["_id"] == PROJECT and doc["type"] == "project"


def check_stylesheet(r: Fetched) -> None:
    assert r.headers["content-type"].startswith("text/css")
    assert r.body == (REPO / "couchapp" / "_attachments" / "browse.css").read_bytes()


def check_opml(r: Fetched) -> None:
    assert xml(r).tag == "opml"


def check_changes(r: Fetched) -> None:
    changes = r.json()
    assert changes["results"] and "last_seq" in changes


def check_not_found(r: Fetched) -> None:
    assert r.body  # a text or JSON explanation, read to its end


def check_missing_document(r: Fetched) -> None:
    assert r.json()["error"] == "not_found"


def check_redirect(r: Fetched) -> None:
    assert urljoin(r.url, r.headers["location"]).endswith(f"/_rewrite/simple/{PROJECT}/"), r.headers


def check_json_api_or_gzipped(r: Fetched) -> None:
    """A client that takes gzip is sent to the answer's gzipped copy, serial on the redirect."""
    if r.status == 307:
        assert urljoin(r.url, r.headers["location"]).endswith(
            f"/_rewrite/pypi/{PROJECT}/json/gzip/{GZIPPED}?serial={r.headers['x-pypi-last-serial']}")
        assert r.headers["x-pypi-last-serial"]
    else:
        check_json_api(r)


def check_gzipped_json_api(r: Fetched) -> None:
    assert r.headers["content-encoding"] == "gzip" and r.headers["x-pypi-last-serial"]
    check_json_api(r)  # aiohttp decoded it


@dataclass(frozen=True)
class Case:
    url: Callable[[Database], str]
    accept: str | None
    status: int | dict[str, int]  # or by encoding
    check: Callable[[Fetched], None]


def app(path: str) -> Callable[[Database], str]:
    return lambda db: rewrite_url(db, path)


def raw(path: str) -> Callable[[Database], str]:
    return lambda db: f"{db.url}/{path}"


CASES = {
    # _list
    "list simple index html": Case(app("simple/"), "text/html", 200, check_simple_index_html),
    "list simple index json": Case(app("simple/"), SIMPLE_JSON, 200, check_simple_index_json),
    "list simple index from projects html": Case(app("simple/index/from-projects/"), "text/html", 200,
                                                 check_simple_index_html),
    "list simple index from projects json": Case(app("simple/index/from-projects/"), SIMPLE_JSON, 200,
                                                 check_simple_index_json),
    "list simple page json (pip's Accept)": Case(app(f"simple/{PROJECT}/"), PIP_ACCEPT, 200, check_simple_detail_json),
    "list simple page html": Case(app(f"simple/{PROJECT}/"), "text/html", 200, check_simple_detail_html),
    "list json api": Case(app(f"pypi/{PROJECT}/json"), None, {"gzip": 307, "identity": 200}, check_json_api_or_gzipped),
    "list home page": Case(app(""), "text/html", 200, check_page),
    "list rss feed": Case(app("rss/updates.xml"), None, 200, check_feed),
    # _show
    "show project page": Case(app(f"project/{PROJECT}/"), "text/html", 200, check_page),
    "show rss feed": Case(app(f"rss/project/{PROJECT}/releases.xml"), None, 200, check_feed),
    "show json api, gzipped": Case(app(f"pypi/{PROJECT}/json/gzip/{GZIPPED}?serial={SERIAL}"), None, 200,
                                   check_gzipped_json_api),
    # the server's own answers
    "view": Case(raw("_design/pypi/_view/simple_files?limit=5"), None, 200, check_view),
    "document": Case(raw(PROJECT), None, 200, check_document),
    "attachment (design doc, via rewrite)": Case(app("static/browse.css"), None, 200, check_stylesheet),
    "attachment (project doc, via rewrite)": Case(app(f"project/{PROJECT}/feeds.opml"), None, 200, check_opml),
    "changes": Case(raw("_changes?limit=5"), None, 200, check_changes),
    "changes longpoll": Case(raw("_changes?feed=longpoll&since=0&limit=5"), None, 200, check_changes),
    # errors and redirects
    "404 from a list": Case(app("simple/no-such-project/"), PIP_ACCEPT, 404, check_not_found),
    "404 missing document": Case(raw("no-such-document"), None, 404, check_missing_document),
    "301 from a list": Case(app("simple/MarkupSafe/"), PIP_ACCEPT, 301, check_redirect),
}


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
@pytest.mark.parametrize("case", list(CASES))
def test_strict_client_reads_every_kind_of_response(strict_db: Database, case: str, encoding: str) -> None:
    spec = CASES[case]
    try:
        response = fetch(spec.url(strict_db), spec.accept, ENCODINGS[encoding])
    except aiohttp.ClientResponseError as error:  # aiohttp's parser refused the response
        pytest.fail(f"aiohttp refused the response: {error.status} {error.message}")
    framing = [name for name in response.header_names if name in ("content-length", "transfer-encoding")]
    assert len(framing) <= 1, f"framed by {framing}: {response.headers}"
    assert response.status == (spec.status[encoding] if isinstance(spec.status, dict) else spec.status), \
        response.body[:500]
    spec.check(response)


@pytest.mark.clients
def test_pip_does_not_warn_about_framing(couch_index: Index, venv: Path, tmp_path: Path) -> None:
    """pip (urllib3) warned on every list response: 'Received response with both
    Content-Length and Transfer-Encoding set'. Its whole output must now be clean."""
    env = isolated_env(tmp_path)
    result = run([str(BIN / "python"), "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
                  "--no-cache-dir", "--index-url", couch_index.url, "pinned.pkg==1.0.0"], env)
    assert result.returncode == 0, result.stderr
    output = result.stderr + result.stdout
    assert "Transfer-Encoding" not in output and "Content-Length" not in output, result.stderr

