"""The website under each address it is served at, on either server:

- ``direct``: the database's own ``/db/_design/pypi/_rewrite/`` URL;
- ``vhost``: a CouchDB vhost (``[vhosts] host = /db/_design/pypi/_rewrite``, set through the
  config API for the test and removed after) serving it at ``http://host/``;
- ``proxy``: a reverse proxy putting it under ``/pypi/`` (tests/couchapp/prefix_proxy.py), as
  docs/deployment.md documents, sending ``X-Forwarded-Prefix``;
- ``proxy-bare``: the same proxy sending no ``X-Forwarded-*`` header at all.

In each: the whole site walked from its home page (every link, stylesheet, feed and form answers
and stays under the site's root), the redirects to canonical names of the pages and of the
Simple and JSON APIs land under the same root, and feeds link to absolute URLs that answer.
Before the pages wrote relative links, CouchDB's ``_rewrite`` URL got ``<base href="/">`` and
every prefix a doubled path.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterator
from urllib.parse import urljoin

import pytest
import requests

from pypioncouch.couch import Database
from tests.conftest import on_couchdb, rewrite_url
from tests.couchapp.browse_data import project_ids, site_db  # noqa: F401  (fixture)
from tests.couchapp.html_page import read
from tests.couchapp.prefix_proxy import PrefixProxy
from tests.couchapp.served_data import PIP_ACCEPT
from tests.couchapp.site_walk import MAX_PAGES, rss_links, walk

MODES = ["direct", "vhost", "proxy", "proxy-bare"]


@dataclass
class Site:
    root: str  # where the client fetches the home page
    session: requests.Session  # what the client sends (a vhost's Host header)
    public_root: str | None  # what absolute links (feeds) must start with; None: not knowable

    def fetchable(self, public_url: str) -> str:
        """A public absolute URL as this test's client fetches it (a vhost's name is not in DNS)."""
        assert self.public_root is not None and public_url.startswith(self.public_root), public_url
        return self.root + public_url[len(self.public_root):]


def vhost_config_url(couch_server, host: str) -> str:
    if on_couchdb(couch_server):
        return f"{couch_server.url}/_node/_local/_config/vhosts/{host}"
    return f"{couch_server.url}/_config/vhosts/{host}"


@pytest.fixture(params=MODES)
def site(request: pytest.FixtureRequest, couch_server, site_db: Database) -> Iterator[Site]:
    session = requests.Session()
    mode = request.param
    if mode == "direct":
        root = rewrite_url(site_db, "")
        yield Site(root, session, root)
    elif mode == "vhost":
        if not on_couchdb(couch_server):
            pytest.skip("PouchDB Server 4.2.0 answers a vhost's / with a 500 (couchdb-objects reads the last "
                        "segment of an empty requested_path) and tells the design doc nothing of its vhosts: "
                        "the embedded server is not deployed behind one (docs/couchdb-vs-pouchdb.md)")
        host = f"{site_db.location.name}.pypi.test"
        config = vhost_config_url(couch_server, host)
        requests.put(config, data=json.dumps(f"/{site_db.location.name}/_design/pypi/_rewrite"),
                     headers={"Content-Type": "application/json"}, timeout=30).raise_for_status()
        session.headers["Host"] = host
        try:
            yield Site(f"{couch_server.base_url}/", session, f"http://{host}/")
        finally:
            requests.delete(config, timeout=30).raise_for_status()
    else:
        with PrefixProxy(rewrite_url(site_db, ""), "/pypi", forwarded_headers=mode == "proxy") as proxy:
            yield Site(proxy.root, session, proxy.root if mode == "proxy" else None)


def test_the_whole_site_stays_under_its_root(site: Site, site_db: Database) -> None:
    result = walk(site.root, site.session)
    assert not result.failures, result.failures[:20]
    assert not result.escaped, result.escaped[:20]
    assert result.visited < MAX_PAGES, "the walk did not finish"
    assert project_ids(site_db) <= result.projects_reached()
    assert any(url.startswith(site.root + "projects/next/?start=") for url in result.seen)  # paging
    assert site.root + "static/browse.css" in result.seen
    assert site.root + "search/all/" in result.seen  # the search box
    home = read(site.session.get(site.root, timeout=30))
    assert home.stylesheets == [site.root + "static/browse.css"]
    assert site.session.get(home.stylesheets[0], timeout=30).headers["Content-Type"].startswith("text/css")


@pytest.mark.parametrize("path, status, target, accept", [
    ("search/?q=Alpha_T", 302, "search/?q=alpha-t", None),
    ("author/?name=Ada++LOVELACE", 302, "author/?name=ada%20lovelace", None),
    ("search/?q=%20Alpha", 302, "search/?q=alpha", None),
    ("project/Alpha_Tool/", 301, "project/alpha-tool/", None),
    ("project/Alpha_Tool/?format=json", 301, "project/alpha-tool/?format=json", None),
    ("simple/Alpha_Tool/", 301, "simple/alpha-tool/", PIP_ACCEPT),
    ("simple/ALPHA.tool/?format=json", 301, "simple/alpha-tool/?format=json", None),
    ("pypi/Alpha_Tool/json", 301, "pypi/alpha-tool/json", None),
    ("pypi/Alpha_Tool/1.0/json", 301, "pypi/alpha-tool/1.0/json", None),
])
def test_redirects_land_under_the_same_root(site: Site, path: str, status: int, target: str,
                                            accept: str | None) -> None:
    response = site.session.get(site.root + path, headers={"Accept": accept}, allow_redirects=False, timeout=30)
    assert response.status_code == status, response.text[:300]
    assert urljoin(site.root + path, response.headers["Location"]) == site.root + target
    assert site.session.get(site.root + target, headers={"Accept": accept}, timeout=30).status_code == 200


def test_search_results_link_to_projects_under_the_root(site: Site) -> None:
    results = read(site.session.get(site.root + "search/?q=alpha", timeout=30))
    project = results.link("Alpha-Tool")
    assert project.url == site.root + "project/alpha-tool/"
    page = read(site.session.get(project.url, timeout=30))
    assert page.status == 200 and page.link("Ada Lovelace").url == site.root + "author/?name=ada%20lovelace"
    assert page.feeds == [site.root + "rss/project/alpha-tool/releases.xml"]


@pytest.mark.parametrize("feed", ["rss/updates.xml", "rss/packages.xml", "rss/project/alpha-tool/releases.xml"])
def test_feeds_link_to_absolute_urls_that_answer(site: Site, feed: str) -> None:
    if site.public_root is None:
        pytest.skip("nothing tells the design doc this site's public address (see docs/deployment.md)")
    response = site.session.get(site.root + feed, timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/rss+xml")
    links = rss_links(response.content)
    assert links and all(link.startswith(site.public_root) for link in links), links[:5]
    assert links[0] == site.public_root + ("project/alpha-tool/" if "project/" in feed else "")
    for link in set(links):
        assert site.session.get(site.fetchable(link), timeout=30).status_code == 200, link


def test_forwarded_headers_give_the_feeds_their_public_address(site_db: Database) -> None:
    headers = {"X-Forwarded-Host": "pypi.example.org", "X-Forwarded-Proto": "https", "X-Forwarded-Prefix": "/mirror/"}
    links = rss_links(requests.get(rewrite_url(site_db, "rss/updates.xml"), headers=headers, timeout=30).content)
    assert links[0] == "https://pypi.example.org/mirror/"
    assert len(links) > 1 and all(link.startswith("https://pypi.example.org/mirror/project/") for link in links[1:])


@pytest.mark.parametrize("headers", [
    {"X-Forwarded-Prefix": "//evil.example/x"},
    {"X-Forwarded-Prefix": "/x\"><script>"},
    {"X-Forwarded-Prefix": "evil"},
    {"X-Forwarded-Host": "evil.example/path?"},
    {"X-Forwarded-Host": "evil.example\"><x"},
])
def test_malformed_forwarded_headers_cannot_move_the_feeds(site_db: Database, headers: dict[str, str]) -> None:
    links = rss_links(requests.get(rewrite_url(site_db, "rss/updates.xml"), headers=headers, timeout=30).content)
    assert links[0] == rewrite_url(site_db, "")
