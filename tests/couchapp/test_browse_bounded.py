"""Every browsing page reads a bounded number of rows: its page size, not the database size
(issue 11), on PouchDB Server and on CouchDB alike.

Two checks, each of which fails when a page goes back to reading everything:
- each list rule reads one key range of a map-only view with a limit: no reduce, no group
  (PouchDB Server answers a grouped reduce by reading every row of its range, whatever the
  limit, so a reduce would never show in the rows a list gets);
- over a database larger than any page, each page's JSON rendering says how many rows its
  list read (`rows_read`), and that is the page's own size, while the page says what a page
  over everything would say (the newest projects of all, totals of all, every index value
  exactly once across its pages).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from typing import Any, Iterator

import pytest
import requests

from pypioncouch import XmlRpcImporter
from pypioncouch.couch import Database
from pypioncouch.designdoc import COUCHAPP_DIR
from pypioncouch.emulator import generate_dataset
from tests.conftest import rewrite_url
from tests.couchapp.browse_data import browse_database, drop, payload
from tests.couchapp.test_rewrite_rules import load_rules

PROJECTS = 220  # more than any page shows (the largest reads 201 rows)
LATER_RELEASES = 2
START = datetime(2020, 1, 1)
LATER = datetime(2023, 1, 1)
MOST_ROWS = 1001  # the classifier tree: a level's children (the trove vocabulary is bounded)
VIEWS = COUCHAPP_DIR / "views"


def list_rules() -> list[dict[str, Any]]:
    return [rule for rule in load_rules() if rule["to"].startswith("_list/browse_")]


@pytest.mark.parametrize("rule", list_rules(), ids=lambda rule: rule["from"])
def test_each_browsing_list_reads_one_range_of_a_map_view_with_a_limit(rule: dict[str, Any]) -> None:
    view = rule["to"].split("/")[2]
    query = rule.get("query") or {}
    assert (VIEWS / view / "map.js").is_file(), view
    assert not (VIEWS / view / "reduce.js").exists(), f"{view} has a reduce: PouchDB Server walks every row"
    assert not {"group", "group_level", "reduce", "skip"} & set(query), query
    assert {"startkey", "endkey"} <= set(query) or "key" in query, query
    if not one_named_thing(query):
        assert 0 < int(query.get("limit", "0")) <= MOST_ROWS, query


def one_named_thing(query: dict[str, Any]) -> bool:
    """A range holding one thing the URL names entirely (a release and its file chunks: every
    part of the start key is bound from the URL, the end key only adds to it), not a listing."""
    start, end = query.get("startkey"), query.get("endkey")
    return (isinstance(start, list) and isinstance(end, list) and bool(start) and end[:len(start)] == start
            and all(isinstance(part, str) and part.startswith(":") for part in start))


def name(i: int) -> str:
    return f"proj-{i:03d}"


def many_payloads() -> list[dict[str, Any]]:
    """Project i is created on day i of 2020 (its 0.1), then releases twice in 2023, hours apart,
    in the order of i: the newest projects were created long before the latest releases."""
    payloads = []
    for i in range(PROJECTS):
        versions = {"0.1": (START + timedelta(days=i)).strftime("%Y-%m-%dT%H:%M:%SZ")}
        for k in range(LATER_RELEASES):
            versions[f"{k + 1}.0"] = (LATER + timedelta(hours=i * LATER_RELEASES + k)).strftime("%Y-%m-%dT%H:%M:%SZ")
        payloads.append(payload(
            name(i), versions, summary=f"Project number {i}", author="Ada Lovelace", maintainer=f"Keeper {i:03d}",
            keywords=f"web, kw{i:03d}",
            classifiers=["Framework :: Django", f"Framework :: Flask :: {i:03d}"]
            + (["Programming Language :: Python :: 3"] if i % 2 == 0 else [])))
    return payloads


@pytest.fixture(scope="module")
def many_db(couch_server: Any) -> Iterator[Database]:
    db = browse_database(couch_server.url, many_payloads())
    yield db
    drop(db)


def as_json(db: Database, path: str) -> dict[str, Any]:
    url = path if path.startswith("http") else rewrite_url(db, path)
    response = requests.get(url, headers={"Accept": "application/json"}, timeout=120)
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    return response.json()


def latest_release_ids(count: int) -> list[tuple[str, str]]:
    later = [(i * LATER_RELEASES + k, name(i), f"{k + 1}.0") for i in range(PROJECTS) for k in range(LATER_RELEASES)]
    return [(project, version) for _, project, version in sorted(later, reverse=True)[:count]]


def test_home_reads_one_row_a_release_and_shows_the_newest_projects_of_all(many_db: Database) -> None:
    """Issue 13: "Newest projects" showed 1 of 15 projects, the creations that fell among the time
    line's latest 400 events; here none do."""
    home = as_json(many_db, "")
    assert home["rows_read"] == 21  # the home tally, then the 20 latest releases
    assert (home["projects"], home["releases"]) == (PROJECTS, PROJECTS * (1 + LATER_RELEASES))
    assert [(r["id"], r["version"]) for r in home["latest_releases"]] == latest_release_ids(20)
    assert [p["id"] for p in home["newest_projects"]] == [name(i) for i in range(PROJECTS - 1, PROJECTS - 11, -1)]


def rss_items(db: Database, path: str) -> list[str]:
    root = ET.fromstring(requests.get(rewrite_url(db, path), timeout=60).content)
    return [item.findtext("title") for item in root.iter("item")]


def test_feeds_list_the_latest_releases_and_the_newest_projects(many_db: Database) -> None:
    assert rss_items(many_db, "rss/updates.xml") == [f"{p} {v}" for p, v in latest_release_ids(100)]
    assert rss_items(many_db, "rss/packages.xml") == [f"{name(i)} added to PyPI" for i in range(PROJECTS - 1, PROJECTS - 41, -1)]


@pytest.mark.parametrize("index, values", [
    ("maintainers/", [f"keeper {i:03d}" for i in range(PROJECTS)]),
    ("keywords/", sorted([f"kw{i:03d}" for i in range(PROJECTS)] + ["web"])),
])
def test_indexes_read_a_page_of_counts_at_a_time(many_db: Database, index: str, values: list[str]) -> None:
    seen: dict[str, int] = {}
    url: str | None = index
    while url:
        page = as_json(many_db, url)
        assert page["rows_read"] <= 101 and len(page["entries"]) <= 100
        assert page["rows_read"] == len(page["entries"]) + (1 if page["next_url"] else 0)
        for entry in page["entries"]:
            assert entry["value"] not in seen
            seen[entry["value"]] = entry["count"]
        url = page["next_url"]
    assert list(seen) == values
    assert seen.get("web", PROJECTS) == PROJECTS and {seen[v] for v in values if v != "web"} == {1}


def test_classifier_tree_reads_the_children_it_shows(many_db: Database) -> None:
    top = as_json(many_db, "classifiers/")
    assert [(c["name"], c["count"]) for c in top["children"]] == [("Framework", PROJECTS), ("Programming Language", PROJECTS // 2)]
    assert top["rows_read"] == 2
    flask = as_json(many_db, "classifiers/under/?name=Framework%20::%20Flask")
    assert flask["count"] == PROJECTS and len(flask["children"]) == PROJECTS
    assert flask["rows_read"] == 1 + PROJECTS  # its own count, then one row a child
    assert {c["count"] for c in flask["children"]} == {1} and not any(c["tree_url"] for c in flask["children"])


def test_facet_filter_and_all_projects_pages_read_a_page(many_db: Database) -> None:
    author = as_json(many_db, "author/?name=ada%20lovelace")
    assert author["rows_read"] == 51 and len(author["projects"]) == 50 and author["next_url"]
    projects = as_json(many_db, "projects/")
    assert projects["rows_read"] == 51 and [p["id"] for p in projects["projects"]] == [name(i) for i in range(50)]
    both = as_json(many_db, "filter/?name=Framework&and=Programming%20Language%20::%20Python%20::%203")
    assert both["rows_read"] == 201 and [p["id"] for p in both["projects"]] == [name(i) for i in range(0, 200, 2)]
    assert both["next_url"]


def test_newest_projects_after_an_import_are_the_newest_of_all(app_db: Database, start_emulator) -> None:
    """Issue 13 as a newcomer met it: `make run` imports a few projects with long histories, and
    the home page must show the newest of them. The importer counts after its run."""
    dataset = generate_dataset(projects=15, releases_per_project=40, files_per_release=1, seed=13)
    emu = start_emulator(dataset)
    XmlRpcImporter(app_db.location, index_url=emu.url, attachments=None).import_all()
    created = {row["id"]: row["doc"]["created"] for row in app_db.iter_all_docs(include_docs=True)
               if row["doc"].get("type") == "project"}
    newest = sorted(created, key=lambda project: (created[project], project), reverse=True)[:10]
    home = as_json(app_db, "")
    assert home["projects"] == 15
    assert [p["id"] for p in home["newest_projects"]] == newest
