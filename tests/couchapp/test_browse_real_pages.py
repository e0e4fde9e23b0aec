"""The browsing pages over real pypi.org payloads (tests/couchapp/captured_site.py), read as a
person reads them side by side with pypi.org: the search box, release pages, dates, people, and
the links inside READMEs (issue 13)."""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode, urljoin

import pytest
import requests

from pypioncouch.couch import Database
from pypioncouch.designdoc import COUCHAPP_DIR
from tests.conftest import rewrite_url
from tests.couchapp.captured_site import OLD_DESCRIPTION, captured_db  # noqa: F401  (fixture)
from tests.couchapp.html_page import Page, fetch
from tests.couchapp.test_browse_hostile import EVIL, elements, hostile_db  # noqa: F401  (fixture)

HUMAN_DAY = re.compile(r"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}, \d{4}$")


def page(db: Database, path: str) -> Page:
    result = fetch(rewrite_url(db, path))
    assert result.status == 200, (path, result.status, result.text[:300])
    return result


def search_box(db: Database, text: str) -> Page:
    """What pressing Enter in the header's search box does: the form's own action (not a
    button's formaction), with `q`, redirects followed."""
    home = page(db, "")
    return fetch(home.forms[0] + "?" + urlencode({"q": text}))


def result_names(result: Page) -> list[str]:
    """Project names of a result listing, in order (each result links to project/<id>/)."""
    return [link.url.rstrip("/").split("/")[-1] for link in result.links
            if link.url.rstrip("/").split("/")[-2:-1] == ["project"]]


# --- the search box ------------------------------------------------------------------------

def test_search_box_finds_words_of_summaries_and_ranks_the_exact_name_first(captured_db: Database) -> None:
    found = search_box(captured_db, "json")
    names = result_names(found)
    assert names[0] == "json"  # the exact name
    assert "orjson" in names  # "Fast, correct Python JSON library ..."
    assert names.index("json-logger") < names.index("orjson")  # a word of the name before a word of the summary
    assert "unrelated" not in names and "requests" not in names
    assert 'value="json"' in found.html  # the box keeps what was typed


def test_search_box_is_case_and_punctuation_blind(captured_db: Database) -> None:
    assert result_names(search_box(captured_db, "  Requests "))[0] == "requests"
    assert result_names(search_box(captured_db, "JSON_Logger"))[0] == "json-logger"


def test_search_with_several_words_needs_them_all(captured_db: Database) -> None:
    assert result_names(search_box(captured_db, "json logger")) == ["json-logger"]
    assert result_names(search_box(captured_db, "fast json")) == ["orjson"]
    http = result_names(search_box(captured_db, "http library"))
    assert "urllib3" in http and "requests" not in http  # requests' summary says HTTP, not library
    assert "No project" in search_box(captured_db, "json cobol").text


def test_search_results_page_by_page_without_repeats(captured_db: Database) -> None:
    result = search_box(captured_db, "widget")
    seen = result_names(result)
    assert seen[0] == "widget" and len(seen) == 50
    while True:
        nexts = [link for link in result.links if "next" in link.rel]
        if not nexts:
            break
        result = fetch(nexts[0].url)
        seen += result_names(result)
    assert len(seen) == 61 and len(set(seen)) == 61


def test_search_reads_a_bounded_number_of_rows(captured_db: Database) -> None:
    """Each search page is one view read with a limit, whatever the query."""
    rules = [rule for rule in json.loads((COUCHAPP_DIR / "rewrites.json").read_text(encoding="utf-8"))
             if rule["to"].startswith("_list/browse_search")]
    assert rules and all(0 < int(rule["query"]["limit"]) <= 201 for rule in rules)
    for query in ("widget", "json", "python", "widget maker number"):
        found = requests.get(rewrite_url(captured_db, "search/all/"), params={"q": query, "format": "json"}, timeout=30)
        assert 0 < found.json()["rows_read"] <= 201, query
    release = requests.get(rewrite_url(captured_db, "project/requests/2.31.0/?format=json"), timeout=30).json()
    assert release["rows_read"] == 2  # the project and the release


def test_search_results_offer_the_narrower_searches(captured_db: Database) -> None:
    found = search_box(captured_db, "json")
    assert found.link("names starting with").url == rewrite_url(captured_db, "search/?q=json")
    assert found.link("summaries").url.startswith(rewrite_url(captured_db, "search/summary/?q=json"))


# --- release pages -------------------------------------------------------------------------

def test_release_page_is_a_project_page_for_that_release(captured_db: Database) -> None:
    release = page(captured_db, "project/requests/2.31.0/")
    assert "requests 2.31.0" in release.text
    assert "pip install requests==2.31.0" in release.text
    assert "Python HTTP for Humans." in release.text
    assert "Requests is a simple, yet elegant, HTTP library." in release.text  # a description
    assert "latest release, 2.34.2" in release.text  # ... said to be the latest release's
    assert "Python >=3.7" in release.text  # this release's requires-python, not the project's >=3.10
    assert release.link("requests-2.31.0.tar.gz").url.startswith("https://files.pythonhosted.org/")
    # navigation: to the project, to the latest and to the other releases
    assert release.link("2.34.2").url == rewrite_url(captured_db, "project/requests/2.34.2/")
    assert release.link("2.30.0").url == rewrite_url(captured_db, "project/requests/2.30.0/")
    assert any(link.url == rewrite_url(captured_db, "project/requests/") for link in release.links)
    assert release.link("Documentation").url == "https://requests.readthedocs.io"
    assert release.link("Apache Software License").url.startswith(rewrite_url(captured_db, "classifier/"))


def test_release_page_of_the_latest_release_says_so(captured_db: Database) -> None:
    latest = page(captured_db, "project/requests/2.34.2/")
    assert "Requests is a simple, yet elegant, HTTP library." in latest.text
    assert "latest release, 2.34.2" not in latest.text and "Latest version" in latest.text


def test_release_page_shows_its_own_description_when_stored(captured_db: Database) -> None:
    old = page(captured_db, "project/relnotes/1.0/")
    assert "relnotes 1.0 had this description of its own." in old.text
    assert "<b>not markup</b>" in old.text and "<b>not markup</b>" not in old.html  # shown as text
    assert "The new description." not in old.text
    assert "Python >=3.6" in old.text
    new = page(captured_db, "project/relnotes/2.0/")
    assert "The new description." in new.text and OLD_DESCRIPTION.splitlines()[0] not in new.text


def test_yanked_release_says_so_with_its_reason(captured_db: Database) -> None:
    yanked = page(captured_db, "project/requests/2.32.0/")
    assert "This release has been yanked" in yanked.text
    assert "Yanked due to conflicts with CVE-2024-35195 mitigation" in yanked.text
    assert "2.32.0 yanked" in page(captured_db, "project/requests/").text


def test_release_urls_are_normalized_and_unknown_ones_are_404(captured_db: Database) -> None:
    response = requests.get(rewrite_url(captured_db, "project/Requests/2.31.0/"), allow_redirects=False, timeout=30)
    assert response.status_code == 301
    assert urljoin(response.url, response.headers["Location"]) == rewrite_url(captured_db, "project/requests/2.31.0/")
    for path in ("project/requests/9.9.9/", "project/nope/1.0/"):
        assert requests.get(rewrite_url(captured_db, path), timeout=30).status_code == 404, path


# --- dates and people ----------------------------------------------------------------------

def times(result: Page) -> list[tuple[str, str, str]]:
    """(datetime attribute, title, text) of every <time> element."""
    return [(m.group(1), m.group(2), re.sub(r"<[^>]+>", "", m.group(3)).strip())
            for m in re.finditer(r'<time datetime="([^"]*)"(?: title="([^"]*)")?>(.*?)</time>', result.html)]


@pytest.mark.parametrize("path", ["project/requests/", "project/requests/2.31.0/"])
def test_upload_times_read_as_people_read_them(captured_db: Database, path: str) -> None:
    result = page(captured_db, path)
    found = times(result)
    assert len(found) > 3
    for stamp, title, text in found:
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", stamp), stamp
        assert HUMAN_DAY.match(text), text
        assert title and title.startswith(stamp[:10]) and "UTC" in title, title
    assert not re.search(r"\d{4}-\d\d-\d\d(T| \d)", result.text)  # no raw ISO time left as text
    assert "May 22, 2023" in result.text  # 2.31.0's upload


def test_project_page_dates(captured_db: Database) -> None:
    result = page(captured_db, "project/requests/")
    assert "Released: May 14, 2026" in result.text
    assert ("2011-02-14T" in result.html) and "Feb 14, 2011" in result.text  # the first release


def as_read(result: Page) -> str:
    """The page's text with the space the text reader puts between elements gone before commas."""
    return re.sub(r"\s+,", ",", result.text)


def test_several_maintainers_are_separated(captured_db: Database) -> None:
    result = page(captured_db, "project/requests/")
    assert "Ian Stapleton Cordasco, Nate Prewitt" in as_read(result)
    assert result.link("Nate Prewitt").url == rewrite_url(captured_db, "maintainer/?name=nate%20prewitt")
    urllib3 = page(captured_db, "project/urllib3/")
    assert "Seth Michael Larson, Quentin Pradet, Illia Volochii" in as_read(urllib3)


def test_pypi_accounts_are_listed_as_maintainers(captured_db: Database) -> None:
    """PyPI's sidebar lists the project's accounts (the JSON API's ownership roles)."""
    result = page(captured_db, "project/requests/")
    assert re.search(r"Maintainers\s+Lukasa\s+graffatcolmingov\s+nateprewitt", result.text)


# --- links inside READMEs ------------------------------------------------------------------

def fragment_links(result: Page) -> list[str]:
    return [link.url for link in result.links if "#" in link.url]


@pytest.mark.parametrize("path", ["project/docutils/", "project/tqdm/", "project/requests/",
                                  "project/charset-normalizer/", "project/docutils/0.21/"])
def test_readme_anchor_links_stay_on_the_page(captured_db: Database, path: str) -> None:
    """With <base href> at the site's root, `href="#x"` meant the home page. Every link to a
    fragment must point to the page itself, at an id the page has (or #top)."""
    result = page(captured_db, path)
    ids = set(re.findall(r'\sid="([^"]*)"', result.html))
    here = rewrite_url(captured_db, path)
    in_page = [url for url in fragment_links(result) if url.split("#", 1)[1] in ids | {"top"}]
    assert len(in_page) >= 2
    for url in in_page:
        assert url.split("#")[0] == here, url
    assert re.search(r'<a [^>]*href="#', result.html) is None


def test_page_ids_do_not_collide_with_readme_ids(captured_db: Database) -> None:
    result = page(captured_db, "project/tqdm/")
    ids = re.findall(r'\sid="([^"]*)"', result.html)
    assert len(ids) == len(set(ids)), sorted(i for i in set(ids) if ids.count(i) > 1)


# --- hostile metadata on the new pages ------------------------------------------------------

@pytest.mark.parametrize("path", ["search/all/?q=script+alert&w=script", "search/all/?q=evil+project&w=project",
                                  "project/evil-project/1.0/", "project/injection/1.0/"])
def test_search_and_release_pages_show_hostile_metadata_as_text(hostile_db: Database, path: str) -> None:
    response = requests.get(rewrite_url(hostile_db, path), timeout=60)
    assert response.status_code == 200, (path, response.text[:300])
    found = elements(response.text)
    assert "script" not in found.tags and "img" not in found.tags
    assert not [a for a in found.attributes if a[1].startswith("on")], "event handler attribute"
    for tag, name, value in found.attributes:
        if name in ("href", "src", "action", "formaction"):
            assert not value.strip().lower().startswith(("javascript:", "data:")), (tag, name, value)
    if "evil" in path:
        assert EVIL in fetch(rewrite_url(hostile_db, path)).text
