"""Walk the whole site from the home page, as a crawler would: every link, stylesheet and
feed under the CouchApp answers (no 404, no 500), and every project is reachable.
Links marked rel="nofollow" (classifier filters, which combine without end) are
checked but not followed, as a polite crawler does."""

from __future__ import annotations

from collections import deque
from urllib.parse import unquote

import requests

from pypioncouch.couch import Database
from tests.conftest import rewrite_url
from tests.couchapp.browse_data import project_ids, site_db  # noqa: F401  (fixture)
from tests.couchapp.html_page import read

MAX_PAGES = 1500


def test_every_link_from_the_home_page_resolves(site_db: Database) -> None:
    root = rewrite_url(site_db, "")
    database_root = site_db.url + "/"
    queue, seen, failures, visited = deque([(root, True)]), {root}, [], 0
    with requests.Session() as session:
        while queue and visited < MAX_PAGES:
            url, follow = queue.popleft()
            response = session.get(url, timeout=120)
            visited += 1
            if response.status_code != 200:
                failures.append((response.status_code, url))
                continue
            if not follow or not response.headers.get("Content-Type", "").startswith("text/html"):
                continue
            page = read(response)
            targets = [(link.url, "nofollow" not in link.rel) for link in page.links]
            for target, follow_target in targets + [(url, True) for url in page.stylesheets + page.feeds]:
                target = target.split("#")[0]
                if target.startswith(database_root) and target not in seen:  # ours, not PyPI's links
                    seen.add(target)
                    queue.append((target, follow_target))
    assert not failures, failures[:20]
    assert visited < MAX_PAGES, "the walk did not finish"
    projects = project_ids(site_db)
    reached = {url[len(root) + len("project/"):].split("/")[0] for url in seen if url.startswith(root + "project/")}
    assert projects <= {unquote(name) for name in reached}
