"""ETags and 304s under ``_rewrite`` for what is not a list: a show, an attachment, a stored file.

Lists validate themselves (lib/http_cache.js, test_http_cache.py). A project's page is a show
(``project/<name>/``), the style sheet a design document attachment (``static/browse.css``),
and an offline mirror's file an attachment of its distribution document
(``files/<doc>/<file>``): the server's own ETag and conditional GET answer for them. CouchDB
always did; PouchDB Server 4.2.0 did only outside ``_rewrite`` until the embedded server's
preload (pypioncouch/embedded_http.js) gave rewritten requests lower-case header names again.
Each route is read with requests, with raw HTTP on one connection and with curl, on the run's
server.
"""

from __future__ import annotations

import base64
import http.client
from pathlib import Path
from typing import Iterator
from urllib.parse import quote, urlsplit

import pytest
import requests

from pypioncouch.couch import Database
from pypioncouch.distfiles import distribution_id
from pypioncouch.emulator.captured import captured_payload
from pypioncouch.servers import AnyServer

from tests.conftest import new_database, on_couchdb, push_app, rewrite_url, write_payloads
from tests.couchapp.served_data import curl_statuses

FILENAME = "MarkupSafe-3.0.2.tar.gz"
FILE_BYTES = b"not really a tarball, " * 200  # past compression's 1 KB threshold, so gzip could apply
ROUTES = {  # kind: (path under _rewrite/, Accept)
    "show": ("project/markupsafe/", "text/html"),
    "attachment": ("static/browse.css", "text/css,*/*;q=0.1"),
    "file": (f"files/{quote(distribution_id('markupsafe', FILENAME), safe='')}/{FILENAME}", "*/*"),
}
ORIGIN = "https://elsewhere.example"


@pytest.fixture(scope="module")
def site(couch_server: AnyServer) -> Iterator[Database]:
    db = push_app(new_database(couch_server.url, "rwcache"))
    write_payloads(db, [captured_payload("markupsafe")])
    db.put({"_id": distribution_id("markupsafe", FILENAME), "type": "distribution", "schema": 1,
            "project": "markupsafe", "version": "3.0.2", "filename": FILENAME, "sha256": "0" * 64,
            "size": len(FILE_BYTES), "_attachments": {FILENAME: {
                "content_type": "application/octet-stream",
                "data": base64.b64encode(FILE_BYTES).decode("ascii")}}})
    yield db
    db.request("DELETE", db.url, what="drop test database", ok=(200, 202, 404))


def public(db: Database, path: str, server: AnyServer) -> str:
    """The anonymous reader's URL of ``path`` under ``_rewrite/``."""
    return rewrite_url(db, path).replace(server.url, server.base_url, 1)


def get(url: str, accept: str, **headers: str) -> requests.Response:
    return requests.get(url, headers={"Accept": accept, "Origin": ORIGIN, **headers}, timeout=60)


def assert_not_modified(cached: requests.Response, first: requests.Response) -> None:
    """A 304 as caches expect it: no body, the same validator, nothing that describes another body."""
    assert (cached.status_code, cached.content, cached.headers.get("ETag")) == (304, b"", first.headers["ETag"])
    assert "Transfer-Encoding" not in cached.headers
    assert cached.headers.get("Content-Length", "0") == "0"
    assert cached.headers.get("Content-Type") in (None, first.headers["Content-Type"])  # never another type
    assert "Content-Encoding" not in cached.headers
    # CouchDB leaves its `Cache-Control: must-revalidate` off the 304; neither server changes it.
    assert cached.headers.get("Cache-Control") in (None, first.headers.get("Cache-Control"))
    assert cached.headers.get("Access-Control-Allow-Origin") == first.headers.get("Access-Control-Allow-Origin")


@pytest.mark.parametrize("kind", ROUTES)
def test_an_etag_and_a_304_for_if_none_match(site: Database, couch_server: AnyServer, kind: str) -> None:
    path, accept = ROUTES[kind]
    url = public(site, path, couch_server)
    first = get(url, accept)
    etag = first.headers.get("ETag", "")
    assert first.status_code == 200 and first.content and etag.strip('W/').startswith('"')
    if kind == "file":
        assert first.content == FILE_BYTES
    assert get(url, accept).headers.get("ETag") == etag  # the same content, the same tag
    assert_not_modified(get(url, accept, **{"If-None-Match": etag}), first)
    assert_not_modified(get(url, accept, **{"if-none-match": etag}), first)  # header names have no case
    assert_not_modified(get(url, accept, **{"If-None-Match": f'W/"other", "also-other",{etag}'}), first)
    # A browser's reload revalidates with max-age=0: still a 304.
    assert_not_modified(get(url, accept, **{"If-None-Match": etag, "Cache-Control": "max-age=0"}), first)
    if kind != "file":  # the files/ rule is GET only: PouchDB Server answers a HEAD there 404, CouchDB serves it
        head = requests.head(url, headers={"Accept": accept, "If-None-Match": etag}, timeout=60)
        assert (head.status_code, head.headers.get("ETag")) == (304, etag)
    for stale in ('"0000"', 'W/"0-0000000000000000"', etag + "x"):
        again = get(url, accept, **{"If-None-Match": stale})
        assert (again.status_code, again.content, again.headers.get("ETag")) == (200, first.content, etag), stale


@pytest.mark.parametrize("kind", ROUTES)
def test_the_weak_twin_of_the_tag_and_any_tag(site: Database, couch_server: AnyServer, kind: str) -> None:
    """RFC 9110 (13.1.2): If-None-Match compares weakly, and `*` matches any current answer.
    Both servers compare weakly; `*` gets a 304 from Express (PouchDB Server) and the whole
    answer from CouchDB 3.5. Clients send back the very tag they got."""
    path, accept = ROUTES[kind]
    url = public(site, path, couch_server)
    first = get(url, accept)
    etag = first.headers["ETag"]
    assert_not_modified(get(url, accept, **{"If-None-Match": etag[2:] if etag.startswith("W/") else "W/" + etag}),
                        first)
    anything = get(url, accept, **{"If-None-Match": "*"})
    if on_couchdb(couch_server):
        assert (anything.status_code, anything.content) == (200, first.content)
    else:
        assert_not_modified(anything, first)


@pytest.mark.parametrize("kind", ROUTES)
def test_a_304_leaves_the_connection_usable(site: Database, couch_server: AnyServer, kind: str) -> None:
    path, accept = ROUTES[kind]
    url = urlsplit(public(site, path, couch_server))
    first = get(url.geturl(), accept)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    try:
        for _ in range(2):
            connection.request("GET", url.path, headers={"Accept": accept, "If-None-Match": first.headers["ETag"]})
            response = connection.getresponse()
            assert (response.status, response.read()) == (304, b"")
            connection.request("GET", url.path, headers={"Accept": accept, "Accept-Encoding": "identity"})
            response = connection.getresponse()
            assert (response.status, response.read()) == (200, first.content)
    finally:
        connection.close()


@pytest.mark.parametrize("kind", ROUTES)
def test_curl_saves_and_compares_the_etag(site: Database, couch_server: AnyServer, tmp_path: Path,
                                          kind: str) -> None:
    path, accept = ROUTES[kind]
    url = public(site, path, couch_server)
    saved = tmp_path / "etag"
    assert curl_statuses(accept, ["--etag-save", str(saved), url]) == ["200"]
    assert saved.read_text().strip() == get(url, accept).headers["ETag"]
    # The 304, then the whole answer, in one curl that reuses its connection when it may.
    assert curl_statuses(accept, ["--etag-compare", str(saved), url], [url]) == ["304", "200"]
    saved.write_text('"something-else"\n')
    assert curl_statuses(accept, ["--etag-compare", str(saved), url]) == ["200"]
