"""The browsing pages over the hand-written projects, read as a person would: what each page
says and where its links lead; redirects to canonical URLs; JSON for every page."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import urljoin

import pytest
import requests

from pypioncouch.feeds import project_attachments
from pypioncouch.couch import Database
from tests.conftest import rewrite_url
from tests.couchapp.browse_data import known_db  # noqa: F401  (fixture)
from tests.couchapp.html_page import Page, fetch, read


def page(db: Database, path: str) -> Page:
    result = fetch(rewrite_url(db, path))
    assert result.status == 200, (path, result.status, result.text[:300])
    return result


def redirect(db: Database, path: str) -> tuple[int, str]:
    """Status and target of a redirect, its relative Location resolved against the URL asked for."""
    response = requests.get(rewrite_url(db, path), allow_redirects=False, timeout=30)
    location = response.headers.get("Location", "")
    assert not location.startswith(("/", "http:", "https:")), location  # relative: right under any prefix
    return response.status_code, urljoin(rewrite_url(db, path), location)


def names_listed(result: Page) -> list[str]:
    """Project names linked from a listing, in order."""
    return [link.text.split(" ")[0] for link in result.links if "/project/" in link.url and link.url.count("/") >= 1
            and link.url.rstrip("/").split("/")[-2] == "project"]


def test_home_counts_latest_releases_and_newest_projects(known_db: Database) -> None:
    home = page(known_db, "")
    assert "4 projects" in home.text and "5 releases" in home.text
    releases = [link.text for link in home.links if link.url.endswith(("/0.1/", "/1.0/", "/2.0/", "/0.9/"))]
    assert releases[:3] == ["gamma 0.1", "Alpha-Tool 1.0", "beta 2.0"]
    assert home.link("Alpha-Tool 1.0").url == rewrite_url(known_db, "project/alpha-tool/1.0/")
    assert home.stylesheets == [rewrite_url(known_db, "static/browse.css")]
    assert requests.get(home.stylesheets[0], timeout=30).headers["Content-Type"].startswith("text/css")


def test_search_by_name_prefix_and_redirect_to_the_normalized_prefix(known_db: Database) -> None:
    found = page(known_db, "search/?q=al")
    assert names_listed(found) == ["Alpha-Tool"]
    assert redirect(known_db, "search/?q=Alpha_T") == (302, rewrite_url(known_db, "search/?q=alpha-t"))
    assert names_listed(page(known_db, "search/?q=Alpha_T")) == ["Alpha-Tool"]


def test_search_summaries_needs_every_word(known_db: Database) -> None:
    assert names_listed(page(known_db, "search/summary/?q=humans")) == ["Alpha-Tool", "gamma"]
    assert names_listed(page(known_db, "search/summary/?q=compiler+humans")) == ["gamma"]
    assert "No summary mentions" in page(known_db, "search/summary/?q=humans+toolkit").text


def test_query_text_is_read_as_typed(known_db: Database) -> None:
    """`&`, `=`, `+` and `%` typed in the search box reach the page as typed (CouchDB's
    requested_path holds the query decoded, so reading it there cut the text at the `&`)."""
    found = page(known_db, "search/summary/?q=humans%20%26%20compiler%3D%2B%25")
    assert names_listed(found) == ["gamma"]
    assert 'value="humans &amp; compiler=+%"' in found.html


def test_author_page_gathers_every_spelling_and_links_to_projects(known_db: Database) -> None:
    author = page(known_db, "author/?name=ada%20lovelace")
    assert names_listed(author) == ["Alpha-Tool", "beta"]
    assert redirect(known_db, "author/?name=Ada++LOVELACE") == (302, rewrite_url(known_db, "author/?name=ada%20lovelace"))


def test_indexes_list_values_with_counts(known_db: Database) -> None:
    authors = page(known_db, "authors/")
    assert authors.link("ada lovelace").url == rewrite_url(known_db, "author/?name=ada%20lovelace")
    assert "ada lovelace 2" in authors.text and "grace hopper 1" in authors.text
    keywords = page(known_db, "keywords/")
    assert "web 2" in keywords.text and "game 1" in keywords.text
    assert "bob stone 1" in page(known_db, "maintainers/").text


def test_classifier_tree_level_by_level(known_db: Database) -> None:
    top = page(known_db, "classifiers/")
    assert "Framework 3" in top.text and "Programming Language 2" in top.text and "Topic 1" in top.text
    framework = fetch(top.link("subclassifiers").url)
    assert framework.url.endswith("classifiers/under/?name=Framework")
    assert "Django 2" in framework.text and "Flask 1" in framework.text
    django = fetch(framework.link("subclassifiers").url)
    assert "5.0 1" in django.text
    projects = fetch(framework.link("Django").url)
    assert names_listed(projects) == ["Alpha-Tool", "beta"]


def test_filter_by_several_classifiers(known_db: Database) -> None:
    both = page(known_db, "filter/?name=Framework&and=Programming%20Language%20::%20Python%20::%203")
    assert names_listed(both) == ["Alpha-Tool", "gamma"]
    three = page(known_db, "filter/?name=Framework&and=Programming%20Language%20::%20Python%20::%203|"
                           "Framework%20::%20Django")
    assert names_listed(three) == ["Alpha-Tool"]
    # the tree offers each classifier to add to a filter in progress
    tree = page(known_db, "classifiers/under/?name=Framework&filter=Topic%20::%20Internet")
    assert names_listed(fetch(tree.link("+ add to filter").url)) == ["beta"]


def test_project_page_shows_metadata_description_history_and_files(known_db: Database) -> None:
    alpha = page(known_db, "project/alpha-tool/")
    assert "A fast web framework for humans" in alpha.text
    assert "The Alpha-Tool project." in alpha.text  # the rendered description
    assert alpha.text.index("1.0 latest") < alpha.text.index("0.9")  # history, newest first
    assert "alpha-tool-1.0.tar.gz" in alpha.text and "SHA256" in alpha.text
    assert alpha.link("Source").url == "https://git.example/alpha"
    assert alpha.link("Ada Lovelace").url == rewrite_url(known_db, "author/?name=ada%20lovelace")
    assert alpha.link("Web").url == rewrite_url(known_db, "keyword/?name=web")
    assert alpha.link("Django :: 5.0").url == rewrite_url(known_db, "classifier/?name=Framework%20%3A%3A%20Django%20%3A%3A%205.0")
    assert alpha.feeds == [rewrite_url(known_db, "rss/project/alpha-tool/releases.xml")]
    release = fetch(alpha.link("0.9").url)
    assert release.status == 200 and "alpha-tool-0.9.tar.gz" in release.text


def test_project_page_links_to_the_opml_and_doap_attachments(known_db: Database) -> None:
    doc = known_db.get("gamma")
    doc["_attachments"] = project_attachments(doc, rewrite_url(known_db))
    known_db.put(doc)
    gamma = page(known_db, "project/gamma/")
    for label, content_type, root_tag in (("OPML", "text/x-opml", "opml"),
                                          ("DOAP", "application/rdf+xml", "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF")):
        response = requests.get(gamma.link(label).url, timeout=30)
        assert response.status_code == 200 and response.headers["Content-Type"].startswith(content_type)
        assert ET.fromstring(response.content).tag == root_tag
    assert "OPML" not in page(known_db, "project/beta/").text  # no attachments, no links


def test_project_names_are_normalized_and_unknown_ones_are_404(known_db: Database) -> None:
    assert redirect(known_db, "project/Alpha_Tool/") == (301, rewrite_url(known_db, "project/alpha-tool/"))
    assert requests.get(rewrite_url(known_db, "project/nope/"), timeout=30).status_code == 404
    assert requests.get(rewrite_url(known_db, "project/beta/9.9/"), timeout=30).status_code == 404


@pytest.mark.parametrize("query", ["root=//evil.example/", "root=https://evil.example/", "..%2F=//evil.example/",
                                   "root=../../../../../../../../../"])
def test_a_client_cannot_move_the_base_of_a_page(known_db: Database, query: str) -> None:
    """The page's root comes from the rule's `root` value (lib/browse_page.js); a client's own
    `root`, or PouchDB Server replacing a rule value that equals a parameter's name, must not turn
    it into a link elsewhere."""
    response = requests.get(rewrite_url(known_db, f"projects/?{query}"), timeout=30)
    assert response.status_code == 200
    assert re.search(r'<base href="([^"]*)">', response.text).group(1) in ("../", "./")
    assert read(response).link("Alpha-Tool").url.startswith(rewrite_url(known_db, ""))


def test_numeric_project_name_has_its_page_and_is_found(known_db: Database) -> None:
    assert "Sliding tiles game" in page(known_db, "project/2048/").text
    assert names_listed(page(known_db, "search/?q=2048")) == ["2048"]
    # the search box and the release page: PouchDB Server's rewriter reads `2048` and `1.0` as numbers
    assert names_listed(fetch(rewrite_url(known_db, "search/all/?q=2048"))) == ["2048"]
    assert names_listed(fetch(rewrite_url(known_db, "search/all/?q=true"))) == []
    assert "Sliding tiles game" in page(known_db, "project/2048/1.0/").text


def test_all_projects_pages_by_key(known_db: Database) -> None:
    first = page(known_db, "projects/")
    assert names_listed(first) == ["2048", "Alpha-Tool", "beta", "gamma"]


def test_every_page_answers_json_on_request(known_db: Database) -> None:
    for path in ("", "projects/", "search/?q=be", "author/?name=ada%20lovelace", "authors/", "classifiers/",
                 "project/beta/", "project/beta/2.0/"):
        by_format = requests.get(rewrite_url(known_db, path) + ("&" if "?" in path else "?") + "format=json", timeout=30)
        by_accept = requests.get(rewrite_url(known_db, path), headers={"Accept": "application/json"}, timeout=30)
        assert by_format.headers["Content-Type"].startswith("application/json"), path
        assert by_format.json() == by_accept.json(), path
    project = requests.get(rewrite_url(known_db, "project/beta/?format=json"), timeout=30).json()
    assert project["name"] == "beta" and project["summary"] == "Web scraping toolkit"
    assert [r["version"] for r in project["releases"]] == ["2.0"]
    assert project["files"][0]["filename"] == "beta-2.0.tar.gz"
    home = requests.get(rewrite_url(known_db, "?format=json"), timeout=30).json()
    assert (home["projects"], home["releases"]) == (4, 5)
    browser = requests.get(rewrite_url(known_db, "project/beta/"), timeout=30,
                           headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert browser.headers["Content-Type"].startswith("text/html")
