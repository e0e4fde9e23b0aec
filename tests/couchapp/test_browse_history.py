"""A project's release history, a page at a time (issue 11): the project and release pages of a
project with hundreds of releases show one page of its history, not all of it, and
/project/<name>/history/<page>/ pages through every release exactly once; the project's feed picks
its newest 40 releases by upload time whatever their version order."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from typing import Any, Iterator

import pytest
import requests

from pypioncouch.couch import Database
from tests.conftest import rewrite_url
from tests.couchapp.browse_data import browse_database, drop, payload
from tests.couchapp.html_page import Page, fetch

RELEASES = 250
PAGE = 100  # couchapp/lib/browse_package.js HISTORY_PAGE
START = datetime(2020, 1, 1)
# Uploaded in version order, but for 1.9, a backport uploaded after every other release.
VERSIONS = [f"1.{n}" for n in range(RELEASES)]
BACKPORT = "1.9"


def upload_times() -> dict[str, str]:
    times = {v: (START + timedelta(days=n)).strftime("%Y-%m-%dT%H:%M:%S.000000Z") for n, v in enumerate(VERSIONS)}
    times[BACKPORT] = (START + timedelta(days=RELEASES + 1)).strftime("%Y-%m-%dT%H:%M:%S.000000Z")
    return times


@pytest.fixture(scope="module")
def history_db(couch_server: Any) -> Iterator[Database]:
    db = browse_database(couch_server.url, [payload("Many-Releases", upload_times()),
                                            payload("few", {"0.1": "2024-01-01T00:00:00Z", "0.2": "2024-02-01T00:00:00Z"})])
    yield db
    drop(db)


def page(db: Database, path: str) -> Page:
    result = fetch(rewrite_url(db, path))
    assert result.status == 200, (path, result.status, result.text[:300])
    return result


def listed_versions(result: Page) -> list[str]:
    """The versions the page's history list links to, in order."""
    listing = result.html.split('<ul class="history">', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="project/many-releases/([^/"]+)/">', listing)


def page_json(db: Database, path: str) -> dict[str, Any]:
    response = requests.get(rewrite_url(db, path), headers={"Accept": "application/json"}, timeout=60)
    assert response.status_code == 200, (path, response.status_code)
    return response.json()


def newest_first() -> list[str]:
    return list(reversed(VERSIONS))


def test_the_project_page_shows_the_newest_page_of_releases_and_links_to_the_older(history_db: Database) -> None:
    project = page(history_db, "project/many-releases/")
    assert listed_versions(project) == newest_first()[:PAGE]
    assert f"{RELEASES} releases, newest first: page 1 of 3." in project.text
    older = project.link("Older releases")
    assert older.url == rewrite_url(history_db, "project/many-releases/history/2/")
    assert "Newer releases" not in project.text
    assert project.html.count('class="badge latest"') == 2  # the header's and the history's


def test_the_history_pages_list_every_release_once_newest_first(history_db: Database) -> None:
    seen: list[str] = []
    url = rewrite_url(history_db, "project/many-releases/history/")
    for number in (1, 2, 3):
        result = fetch(url)
        assert result.status == 200
        assert f"page {number} of 3." in result.text
        seen += listed_versions(result)
        if number < 3:
            url = result.link("Older releases").url
        else:
            assert "Older releases" not in result.text
            assert result.link("Newer releases").url == rewrite_url(history_db, "project/many-releases/history/2/")
    assert seen == newest_first()


def test_a_release_page_shows_the_first_page_and_marks_itself_on_it(history_db: Database) -> None:
    recent = page(history_db, "project/many-releases/1.200/")
    assert listed_versions(recent) == newest_first()[:PAGE]
    assert '<li class="current"><a href="project/many-releases/1.200/">1.200</a>' in recent.html
    old = page(history_db, "project/many-releases/1.20/")
    assert listed_versions(old) == newest_first()[:PAGE] and '<li class="current">' not in old.html
    assert old.link("Older releases").url == rewrite_url(history_db, "project/many-releases/history/2/")
    data = page_json(history_db, "project/many-releases/1.20/")
    assert (data["history"]["page"], data["history"]["pages"], data["history"]["count"]) == (1, 3, RELEASES)


def test_every_page_reads_one_page_of_history(history_db: Database) -> None:
    project = history_db.get("many-releases")
    assert len(project["release_history"]) == PAGE and project["release_count"] == RELEASES
    assert [len(history_db.get(f"many-releases//history/{n}")["releases"]) for n in (2, 3)] == [PAGE, RELEASES - 2 * PAGE]
    assert history_db.get("few//history/2") is None  # a history of one page stays in the project document
    assert [page_json(history_db, f"project/many-releases/history/{n}")["rows_read"] for n in ("", "2/", "3/")] == [1, 2, 2]


@pytest.mark.parametrize("asked", ["0", "-4", "abc", "2.7", "02", "4", "99"])
def test_a_page_the_history_does_not_have_is_not_found(history_db: Database, asked: str) -> None:
    response = requests.get(rewrite_url(history_db, f"project/many-releases/history/{asked}/"), timeout=30)
    assert response.status_code == 404 and "No page" in response.text


def test_page_one_has_two_addresses(history_db: Database) -> None:
    assert page_json(history_db, "project/many-releases/history/1/") == page_json(history_db, "project/many-releases/history/")


def test_a_short_history_has_no_pager(history_db: Database) -> None:
    few = page(history_db, "project/few/")
    assert "newest first: page" not in few.text and "Older releases" not in few.text
    assert page_json(history_db, "project/few/history/")["releases"][0]["version"] == "0.2"


def test_the_history_page_of_an_unknown_or_unnormalized_name(history_db: Database) -> None:
    assert requests.get(rewrite_url(history_db, "project/nothing-here/history/"), timeout=30).status_code == 404
    moved = requests.get(rewrite_url(history_db, "project/Many_Releases/history/"), allow_redirects=False, timeout=30)
    assert moved.status_code == 301
    assert moved.headers["Location"] == "../../../project/many-releases/history/"


def test_the_project_feed_holds_the_newest_40_uploads_whatever_their_version_order(history_db: Database) -> None:
    response = requests.get(rewrite_url(history_db, "rss/project/many-releases/releases.xml"), timeout=30)
    titles = [item.findtext("title") for item in ET.fromstring(response.content).iter("item")]
    by_time = sorted(upload_times().items(), key=lambda item: item[1], reverse=True)
    assert titles == [f"Many-Releases {version}" for version, _ in by_time[:40]]
    assert titles[0] == f"Many-Releases {BACKPORT}"


def test_a_project_document_written_before_the_pages_shows_its_newest_page(history_db: Database) -> None:
    """A database imported before history pages existed: the project document holds every release."""
    old = {key: value for key, value in history_db.get("many-releases").items()
           if key not in ("_rev", "release_count", "recent_releases")}
    old.update(_id="older-style", name="older-style", release_history=[dict(entry) for entry in
                                                                        upload_history(RELEASES)])
    history_db.put(old)
    result = page(history_db, "project/older-style/")
    assert len(re.findall(r'<a href="project/older-style/[^/"]+/">', result.html.split('<ul class="history">')[1].split("</ul>")[0])) == PAGE
    feed = requests.get(rewrite_url(history_db, "rss/project/older-style/releases.xml"), timeout=30)
    assert len(list(ET.fromstring(feed.content).iter("item"))) == 40


def upload_history(count: int) -> list[dict[str, Any]]:
    return [{"version": f"1.{n}", "upload_time": [2020, 1, 1 + n % 28, 0, 0, n % 60], "yanked": False, "files": 1}
            for n in range(count)]

