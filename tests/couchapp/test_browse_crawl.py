"""Walk the whole site from the home page, as a crawler would: every link, stylesheet, feed
and form under the CouchApp answers (no 404, no 500), none leads out of the CouchApp, and
every project is reachable. The same walk behind a vhost and a reverse proxy's prefix is in
tests/couchapp/test_site_prefixes.py."""

from __future__ import annotations

from pypioncouch.couch import Database
from tests.conftest import rewrite_url
from tests.couchapp.browse_data import project_ids, site_db  # noqa: F401  (fixture)
from tests.couchapp.site_walk import MAX_PAGES, walk


def test_every_link_from_the_home_page_resolves(site_db: Database) -> None:
    result = walk(rewrite_url(site_db, ""))
    assert not result.failures, result.failures[:20]
    assert not result.escaped, result.escaped[:20]
    assert result.visited < MAX_PAGES, "the walk did not finish"
    assert project_ids(site_db) <= result.projects_reached()
    for feed, links in result.feeds.items():
        assert links and all(link.startswith(result.root) for link in links), (feed, links[:5])
