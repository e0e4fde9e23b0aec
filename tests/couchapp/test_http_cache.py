"""HTTP as caches and other origins expect it (lib/http_cache.js): ETags, 304s, read-only CORS.

Every list answer (the Simple API, the JSON API, the browsing listings and feeds) carries a
weak ETag made from its bytes and answers a matching If-None-Match with a bodiless 304;
shows get theirs from the server itself (test_shows_..., test_http_cache_rewrite.py). Tested with
requests, curl and pip's own HTTP cache, on the run's server.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest
import requests

from pypioncouch import import_all
from pypioncouch.couch import Database
from pypioncouch.designdoc import COUCHAPP_DIR
from pypioncouch.documents import build_project_documents
from pypioncouch.emulator import EmulatorServer, installable_project
from pypioncouch.emulator.captured import captured_payload
from pypioncouch.servers import AnyServer

from tests.conftest import new_database, push_app, rewrite_url, write_payloads
from tests.couchapp.prefix_proxy import PrefixProxy
from tests.couchapp.served_data import curl_statuses

PIP_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"
LIST_ROUTES = [  # (path under _rewrite/, Accept)
    ("simple/", PIP_ACCEPT), ("simple/", "text/html"),
    ("simple/markupsafe/", PIP_ACCEPT), ("simple/markupsafe/", "text/html"),
    ("pypi/markupsafe/json", "application/json"), ("pypi/markupsafe/3.0.2/json", "application/json"),
    ("", "text/html"), ("projects/", "text/html"), ("projects/", "application/json"),
    ("search/?q=mark", "text/html"), ("keyword/?name=markup", "text/html"), ("rss/updates.xml", "*/*"),
    ("project/markupsafe/3.0.2/", "text/html"), ("search/all/?w=markupsafe", "text/html"),
]


@pytest.fixture(scope="module")
def site(couch_server: AnyServer) -> Iterator[Database]:
    db = push_app(new_database(couch_server.url, "cache"))
    write_payloads(db, [captured_payload("markupsafe"), captured_payload("jinja2")])
    yield db
    db.request("DELETE", db.url, what="drop test database", ok=(200, 202, 404))


def public(db: Database, path: str, server: AnyServer) -> str:
    """The anonymous reader's URL of ``path`` under ``_rewrite/``."""
    return rewrite_url(db, path).replace(server.url, server.base_url, 1)


@pytest.mark.parametrize("path, accept", LIST_ROUTES)
def test_list_answers_have_an_etag_and_answer_304(site: Database, couch_server: AnyServer, path: str,
                                                  accept: str) -> None:
    url = public(site, path, couch_server)
    # the list's own answer: asked with gzip, a long JSON API answer is a 307 to its gzipped copy,
    # a show (whose ETag is the server's: tests/couchapp/test_json_api_answer.py)
    session = requests.Session()
    session.headers["Accept-Encoding"] = "identity"
    first = session.get(url, headers={"Accept": accept}, timeout=60)
    again = session.get(url, headers={"Accept": accept}, timeout=60)
    etag = first.headers.get("ETag", "")
    assert first.status_code == 200 and etag.startswith('W/"') and again.headers.get("ETag") == etag
    cached = session.get(url, headers={"Accept": accept, "If-None-Match": etag}, timeout=60)
    assert (cached.status_code, cached.content, cached.headers.get("ETag")) == (304, b"", etag)
    assert cached.headers.get("Connection", "").lower() == "close"
    assert cached.headers.get("Content-Type") in (None, first.headers["Content-Type"])  # never another type
    listed = session.get(url, headers={"Accept": accept, "If-None-Match": f'W/"other", {etag}'}, timeout=60)
    assert listed.status_code == 304
    stale = session.get(url, headers={"Accept": accept, "If-None-Match": 'W/"0-0000000000000000"'}, timeout=60)
    assert stale.status_code == 200 and stale.content == first.content


def test_one_page_in_two_formats_has_two_etags(site: Database, couch_server: AnyServer) -> None:
    url = public(site, "simple/markupsafe/", couch_server)
    as_json = requests.get(url, headers={"Accept": PIP_ACCEPT}, timeout=60).headers["ETag"]
    as_html = requests.get(url, headers={"Accept": "text/html"}, timeout=60).headers["ETag"]
    assert as_json != as_html
    assert requests.get(url, headers={"Accept": "text/html", "If-None-Match": as_json}, timeout=60).status_code == 200


@pytest.mark.parametrize("kind, path", [("simple", "simple/{}/"), ("json api", "pypi/{}/json"),
                                         ("json api release", "pypi/{}/3.0.2/json")])
def test_the_etag_changes_with_the_answer_and_only_then(couch_server: AnyServer, kind: str, path: str) -> None:
    db = push_app(new_database(couch_server.url, "etag"))
    try:
        write_payloads(db, [captured_payload("markupsafe"), captured_payload("jinja2")])
        urls = {name: public(db, path.format(name), couch_server) for name in ("markupsafe", "jinja2")}
        accept = PIP_ACCEPT if kind == "simple" else "application/json"

        def etags() -> dict[str, str]:
            return {name: requests.get(url, headers={"Accept": accept}, timeout=60).headers["ETag"]
                    for name, url in urls.items()}

        before = etags()
        db.put({"_id": "pypioncouch:error:unrelated", "type": "import_error", "project": "unrelated", "error": "x"})
        assert etags() == before  # the database changed, these answers did not
        payload = captured_payload("markupsafe")  # a new release of markupsafe, stored as the importer stores it
        newest = payload["releases"]["3.0.2"][0]
        payload["releases"]["99.0"] = [{**newest, "filename": "MarkupSafe-99.0.tar.gz",
                                        "url": newest["url"].rsplit("/", 1)[0] + "/MarkupSafe-99.0.tar.gz"}]
        payload["last_serial"] += 1
        docs = build_project_documents(payload).all()
        stored = db.fetch([doc["_id"] for doc in docs])
        for doc in docs:
            if doc["_id"] in stored:
                doc["_rev"] = stored[doc["_id"]]["_rev"]
        assert all(r.get("ok") for r in db.bulk_docs(docs))
        after = etags()
        assert after["jinja2"] == before["jinja2"]
        if kind != "json api release":  # 3.0.2's own answer is the same: its ETag may stay or change
            assert after["markupsafe"] != before["markupsafe"]
            assert "99.0" in requests.get(urls["markupsafe"], headers={"Accept": accept}, timeout=60).text
        old = requests.get(urls["markupsafe"], headers={"Accept": accept, "If-None-Match": before["markupsafe"]},
                           timeout=60)
        assert old.status_code == (200 if after["markupsafe"] != before["markupsafe"] else 304)
    finally:
        db.request("DELETE", db.url, what="drop test database", ok=(200, 202, 404))


def test_a_304_leaves_the_connection_usable(site: Database, couch_server: AnyServer) -> None:
    # CouchDB sends chunk terminators after a list's 304; with Connection: close the client drops them.
    url = urlsplit(public(site, "simple/markupsafe/", couch_server))
    etag = requests.get(url.geturl(), headers={"Accept": PIP_ACCEPT}, timeout=60).headers["ETag"]
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    try:
        for _ in range(3):
            connection.request("GET", url.path, headers={"Accept": PIP_ACCEPT, "If-None-Match": etag})
            response = connection.getresponse()
            assert (response.status, response.read()) == (304, b"")
            connection.request("GET", url.path, headers={"Accept": PIP_ACCEPT})
            response = connection.getresponse()
            assert response.status == 200 and response.read().startswith(b"{")
    finally:
        connection.close()


def test_curl_saves_and_compares_the_etag(site: Database, couch_server: AnyServer, tmp_path: Path) -> None:
    url = public(site, "simple/markupsafe/", couch_server)
    saved = tmp_path / "etag"
    assert curl_statuses(PIP_ACCEPT, ["--etag-save", str(saved), url]) == ["200"]
    assert saved.read_text().strip().startswith('W/"')
    # Two requests in one curl, which reuses a connection when it may: the 304, then the page.
    assert curl_statuses(PIP_ACCEPT, ["--etag-compare", str(saved), url], [url]) == ["304", "200"]


def test_cors_on_list_answers(site: Database, couch_server: AnyServer) -> None:
    for path, accept in LIST_ROUTES + [("simple/no-such-project/", PIP_ACCEPT)]:
        response = requests.get(public(site, path, couch_server), timeout=60,
                                headers={"Accept": accept, "Origin": "https://elsewhere.example"})
        assert response.headers.get("Access-Control-Allow-Origin") == "*", path
        exposed = {h.strip().lower() for h in response.headers.get("Access-Control-Expose-Headers", "").split(",")}
        assert {"etag", "x-pypi-last-serial"} <= exposed, path


def test_shows_get_their_304_from_the_server(site: Database, couch_server: AnyServer) -> None:
    """Shows (a project's page, a project's feed) are the server's to validate: CouchDB's ETag
    covers the document, the design document, Accept and the reader's roles, PouchDB Server's is
    a content hash (under _rewrite it answers 304 through the embedded server's preload:
    test_http_cache_rewrite.py, docs/couchdb-vs-pouchdb.md)."""
    url = public(site, "project/markupsafe/", couch_server)
    etag = requests.get(url, headers={"Accept": "text/html"}, timeout=60).headers["ETag"]
    cached = requests.get(url, headers={"Accept": "text/html", "If-None-Match": etag}, timeout=60)
    assert (cached.status_code, cached.content) == (304, b"")


def test_the_validator_can_stand_for_the_body(tmp_path: Path) -> None:
    """lib/http_cache.js on its own: the tags If-None-Match may hold, and a list's own validator."""
    script = tmp_path / "check.js"
    script.write_text(
        "var m = {}; (function (exports) {" + (COUCHAPP_DIR / "lib" / "http_cache.js").read_text(encoding="utf-8")
        + "})(m);\n"
        "var r = {code: 200, headers: {'Content-Type': 'text/plain'}, body: 'x'};\n"
        "var e = m.etag(r), v = m.etag(r, 'rev-1'), w = m.etag(r, 'rev-2');\n"
        "function req(h) { return {method: 'GET', headers: {'if-none-match': h}}; }\n"
        "console.log(JSON.stringify([m.matches(req(e), e), m.matches(req(e.slice(2)), e), m.matches(req('*'), e),"
        " m.matches(req('W/\"a\" , ' + e), e), m.matches(req('\"a\"'), e), m.matches(req(''), e), v !== w,"
        " v !== e, m.etag({code: 200, headers: {'Content-Type': 'text/html'}, body: 'x'}) !== e,"
        " m.conditional({method: 'POST', headers: {'If-None-Match': e}}, r).code]));\n"
        "var rendered = 0, lazy = {code: 200, headers: {'Content-Type': 'text/plain'},"
        " body: function () { rendered += 1; return 'page'; }};\n"
        "var tag = m.conditional(req(''), lazy, 'rev-1').headers.ETag;\n"
        "var hit = m.conditional(req(tag), lazy, 'rev-1'), miss = m.conditional(req(tag), lazy, 'rev-2');\n"
        "console.log(JSON.stringify([hit.code, hit.body, miss.code, miss.body, rendered]));\n"
        "var long = {code: 200, headers: {}, body: new Array(m.MAX_HASHED + 2).join('x')};\n"
        "var plain = m.conditional(req('*'), long);\n"
        "console.log(JSON.stringify([m.etag(long), plain.code, 'ETag' in plain.headers,"
        " plain.headers['Access-Control-Allow-Origin'], m.conditional(req('*'), long, 'rev-1').code]));\n"
        "var q = {method: 'GET', query: {name: 'x'}, headers: {Accept: 'application/json'}};\n"
        "var a = m.documents({_rev: '1-a'}, [{id: 'x', key: ['x', 0], value: null, doc: {_rev: '1-x'}}], q);\n"
        "var b = m.documents({_rev: '1-a'}, [{id: 'x', key: ['x', 0], value: null, doc: {_rev: '2-x'}}], q);\n"
        "var c = m.documents({_rev: '2-a'}, [{id: 'x', key: ['x', 0], value: null, doc: {_rev: '1-x'}}], q);\n"
        "var d = m.documents({_rev: '1-a'}, [{id: 'x', key: ['x', 0], value: null, doc: null}], q);\n"
        "console.log(JSON.stringify([a !== b, a !== c, d.slice(-2), m.documents({}, [{id: 'x', key: 1, value: 2}], q),"
        " a === m.documents({_rev: '1-a'}, [{id: 'x', key: ['x', 0], value: null, doc: {_rev: '1-x'}}], q)]));\n",
        encoding="utf-8")
    result = subprocess.run(["node", str(script)], capture_output=True, text=True, check=True)
    first, lazy, long, documents = result.stdout.splitlines()
    assert first == "[true,true,true,true,false,false,true,true,true,200]"
    assert lazy == '[304,"",200,"page",2]'  # rendered for the two 200s only
    assert long == '[null,200,false,"*",304]'  # too long to hash: no ETag, unless a validator stands for it
    assert documents == '[true,true," -",null,true]'  # revisions and the design document count; no docs: no validator


# -- pip's HTTP cache ----------------------------------------------------------------------------

class RecordingProxy(PrefixProxy):
    """The prefix proxy, remembering (path, If-None-Match sent, status) of every request."""

    def __init__(self, upstream_root: str) -> None:
        super().__init__(upstream_root, forwarded_headers=False)
        self.seen: list[tuple[str, bool, int]] = []

    def _answer(self, handler, status, headers, body, length=None) -> None:  # type: ignore[override]
        self.seen.append((handler.path, "If-None-Match" in handler.headers, status))
        PrefixProxy._answer(handler, status, headers, body, length)


@pytest.mark.clients
def test_pip_revalidates_its_cached_page(couch_server: AnyServer, tmp_path: Path) -> None:
    with EmulatorServer(installable_project("cache-me", ["1.0.0"])) as emulator:
        db = push_app(new_database(couch_server.url, "pipcache"))
        try:
            import_all(db.url, index_url=emulator.url, attachments=None, workers=2)
            with RecordingProxy(rewrite_url(db, "").replace(couch_server.url, couch_server.base_url, 1)) as proxy:
                for round_ in ("first", "second"):
                    pip_download(proxy.root + "simple/", "cache-me", tmp_path / "cache", tmp_path / round_)
            page = [(sent, status) for path, sent, status in proxy.seen if path == "/pypi/simple/cache-me/"]
            assert page == [(False, 200), (True, 304)]
            assert [p.name for p in (tmp_path / "second").iterdir()] == ["cache_me-1.0.0-py3-none-any.whl"]
        finally:
            db.request("DELETE", db.url, what="drop test database", ok=(200, 202, 404))


def pip_download(index_url: str, name: str, cache: Path, dest: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE="/dev/null", PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    # pip caches http:// answers only from a --trusted-host (its cache is for secure origins).
    result = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                             "--cache-dir", str(cache), "--dest", str(dest), "--index-url", index_url,
                             "--trusted-host", urlsplit(index_url).netloc, name],
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
