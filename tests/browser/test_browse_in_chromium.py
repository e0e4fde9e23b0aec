"""A person browsing the mirror in Chromium: home page, search, classifier, author and
keyword to a project, its description and release history, all projects page by page.
Screenshots go to tests/artifacts/browser/."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.wait import WebDriverWait

from pypioncouch.couch import Database
from tests.browser.conftest import save_screenshot
from tests.conftest import rewrite_url
from tests.couchapp.browse_data import project_ids, site_db  # noqa: F401  (fixture)
from tests.couchapp.test_browse_history import RELEASES, history_db  # noqa: F401  (fixture)
from tests.couchapp.prefix_proxy import PrefixProxy

pytestmark = pytest.mark.browser


def navigate(driver, action) -> None:
    """Do what loads a new page, and wait until it has replaced the old one: a click returns
    before the navigation ends, and reading the page too early reads the old one."""
    old_page = driver.find_element(By.TAG_NAME, "html")
    action()
    WebDriverWait(driver, 15).until(staleness_of(old_page))


def click(driver, text: str) -> None:
    link = driver.find_element(By.PARTIAL_LINK_TEXT, text)
    navigate(driver, link.click)


def heading(driver) -> str:
    return driver.find_element(By.TAG_NAME, "h1").text


def test_home_search_and_project_page(browser, screenshots: Path, site_db: Database) -> None:
    browser.get(rewrite_url(site_db, ""))
    assert "Find, install and publish Python packages" in heading(browser)
    assert "projects" in browser.find_element(By.CLASS_NAME, "counts").text
    save_screenshot(browser, screenshots, "home")
    box = browser.find_element(By.NAME, "q")
    box.send_keys("Alpha tool")
    navigate(browser, box.submit)
    assert heading(browser) == "Search results for “Alpha tool”"
    assert browser.find_elements(By.CSS_SELECTOR, "ul.results .name")[0].text == "Alpha-Tool"  # the name, first
    click(browser, "Alpha-Tool")
    assert heading(browser).startswith("Alpha-Tool")
    assert "The Alpha-Tool project." in browser.find_element(By.ID, "description").text
    history = browser.find_element(By.ID, "history").text
    assert history.index("1.0") < history.index("0.9")
    assert "alpha-tool-1.0.tar.gz" in browser.find_element(By.ID, "files").text
    save_screenshot(browser, screenshots, "project")


def search(driver, text: str) -> None:
    """Type in the header's search box and press Enter."""
    box = driver.find_element(By.NAME, "q")
    box.clear()
    box.send_keys(text)
    navigate(driver, box.submit)


def test_summary_search_from_the_search_results(browser, site_db: Database) -> None:
    browser.get(rewrite_url(site_db, ""))
    search(browser, "compiler humans")
    assert [e.text for e in browser.find_elements(By.CSS_SELECTOR, "ul.projects .name")] == ["gamma"]
    click(browser, "summaries")
    assert "compiler humans" in heading(browser) and "summary" in heading(browser)
    assert [e.text for e in browser.find_elements(By.CSS_SELECTOR, "ul.projects .name")] == ["gamma"]


def test_classifier_author_and_keyword_lead_to_projects(browser, screenshots: Path, site_db: Database) -> None:
    browser.get(rewrite_url(site_db, ""))
    click(browser, "Classifiers")
    click(browser, "Framework")  # the top-level entry lists Framework's projects
    navigate(browser, browser.back)
    navigate(browser, browser.find_element(By.XPATH, "//li[a[normalize-space()='Framework']]/a[contains(., 'subclassifiers')]").click)
    assert heading(browser) == "Framework"
    save_screenshot(browser, screenshots, "classifiers")
    click(browser, "Django")
    assert "Framework :: Django" in heading(browser)
    click(browser, "beta")
    assert heading(browser).startswith("beta")
    navigate(browser, browser.find_element(By.LINK_TEXT, "ada lovelace").click)
    names = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "ul.projects .name")]
    assert names == ["Alpha-Tool", "beta"]  # "Ada  Lovelace" and "ada lovelace" meet under one key
    click(browser, "Alpha-Tool")
    navigate(browser, browser.find_element(By.LINK_TEXT, "HTTP").click)
    assert "http" in heading(browser).lower()
    assert "Alpha-Tool" in [e.text for e in browser.find_elements(By.CSS_SELECTOR, "ul.projects .name")]
    save_screenshot(browser, screenshots, "keyword")


def test_all_projects_page_by_page(browser, screenshots: Path, site_db: Database) -> None:
    browser.get(rewrite_url(site_db, ""))
    click(browser, "Projects")
    seen: list[str] = []
    pages = 0
    while True:
        pages += 1
        seen += [e.text for e in browser.find_elements(By.CSS_SELECTOR, "ul.projects .name")]
        if pages == 1:
            save_screenshot(browser, screenshots, "all-projects")
        nexts = browser.find_elements(By.CSS_SELECTOR, "a[rel~=next]")
        if not nexts:
            break
        navigate(browser, nexts[0].click)
    total = len(project_ids(site_db))
    assert pages == -(-total // 50) and len(seen) == total and len(set(seen)) == total


def test_a_long_release_history_page_by_page(browser, screenshots: Path, history_db: Database) -> None:
    browser.get(rewrite_url(history_db, "project/many-releases/"))
    versions = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#history ul.history li > a")]
    assert len(versions) == 100 and versions[0] == f"1.{RELEASES - 1}"
    click(browser, "Older releases")
    assert heading(browser) == "Many-Releases: release history"
    click(browser, "Older releases")
    versions += [e.text for e in browser.find_elements(By.CSS_SELECTOR, "ul.history li > a")]
    assert "page 3 of 3" in browser.find_element(By.CLASS_NAME, "history-page").text
    assert not browser.find_elements(By.CSS_SELECTOR, "a[rel~=next]")
    save_screenshot(browser, screenshots, "release-history")
    navigate(browser, browser.find_element(By.LINK_TEXT, "1.0").click)
    assert heading(browser).startswith("Many-Releases 1.0")
    assert browser.find_element(By.CSS_SELECTOR, "a[rel~=next]").text == "Older releases →"
    assert versions[100:] == [f"1.{n}" for n in range(RELEASES - 201, -1, -1)]


def styled(driver) -> bool:
    """The style sheet was found and applied: the header has browse.css's dark blue."""
    return driver.find_element(By.CSS_SELECTOR, "header.site").value_of_css_property("background-color") in (
        "rgba(14, 59, 94, 1)", "rgb(14, 59, 94)")


def test_behind_a_reverse_proxy_prefix(browser, screenshots: Path, site_db: Database) -> None:
    """Issue 13: behind docs/deployment.md's proxy prefix the style sheet and every link got a
    doubled path. Everything a person does there stays under the proxy's /pypi/."""
    with PrefixProxy(rewrite_url(site_db, ""), "/pypi") as proxy:
        browser.get(proxy.root)
        assert styled(browser)
        search(browser, "alpha tool")
        # the redirect (to name the word the page reads at), relative, stayed under it
        assert browser.current_url == proxy.root + "search/all/?q=alpha%20tool&w=alpha"
        assert "alpha tool" in heading(browser) and styled(browser)
        click(browser, "Alpha-Tool")
        assert browser.current_url == proxy.root + "project/alpha-tool/" and heading(browser).startswith("Alpha-Tool")
        save_screenshot(browser, screenshots, "behind-proxy-project")
        click(browser, "Projects")
        navigate(browser, browser.find_elements(By.CSS_SELECTOR, "a[rel~=next]")[0].click)
        assert browser.current_url.startswith(proxy.root + "projects/next/?start=") and styled(browser)
        search(browser, "compiler humans")
        click(browser, "summaries")
        assert browser.current_url.startswith(proxy.root + "search/summary/")
        assert [e.text for e in browser.find_elements(By.CSS_SELECTOR, "ul.projects .name")] == ["gamma"]
