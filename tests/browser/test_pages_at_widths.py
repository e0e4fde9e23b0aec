"""The site as people use it in Chromium, at a desktop width (1280 px) and a phone's (390 px),
over real pypi.org payloads (tests/couchapp/captured_site.py): nothing runs past the page edge,
the search box finds words, README tables of contents jump inside the page, times read as
people read them. Every page is kept as a screenshot in tests/artifacts/browser/ (issue 13)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.wait import WebDriverWait

from pypioncouch.couch import Database
from tests.browser.test_browse_in_chromium import heading, navigate
from tests.conftest import rewrite_url
from tests.couchapp.captured_site import captured_db  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
PAGES = {
    "home": "",
    "project-requests": "project/requests/",
    "project-orjson": "project/orjson/",  # wide code blocks
    "project-charset-normalizer": "project/charset-normalizer/",  # wide tables
    "project-tqdm": "project/tqdm/",  # a long reStructuredText README with a table of contents
    "release-requests-2.32.0": "project/requests/2.32.0/",  # an older, yanked release
    "search-json": "search/all/?q=json&w=json",
    "classifier": "classifier/?name=Topic%20%3A%3A%20Internet",
    "classifiers": "classifiers/",
    "all-projects": "projects/",
}
MAX_SCREENSHOT_HEIGHT = 6000

# Elements of <main> that stick out of it, not counting what scrolls inside its own box
# (a README's code block or table scrolls sideways: that is how it must fit).
OUTSIDE_MAIN = """
var main = document.querySelector('main'), limit = main.getBoundingClientRect().right + 1, out = [];
var all = main.querySelectorAll('*'), i, node, clipped;
for (i = 0; i < all.length; i++) {
  clipped = false;
  for (node = all[i].parentElement; node && node !== main; node = node.parentElement) {
    if (getComputedStyle(node).overflowX !== 'visible') { clipped = true; break; }
  }
  if (!clipped && all[i].getBoundingClientRect().right > limit) {
    out.push(all[i].tagName.toLowerCase() + (all[i].className ? '.' + all[i].className : '') + ' ' +
             Math.round(all[i].getBoundingClientRect().right) + ' > ' + Math.round(limit));
  }
}
return out;
"""


def resize(driver, width: int, height: int) -> None:
    """A viewport of width x height CSS pixels (the window's own frame is not part of it)."""
    driver.set_window_size(width, height)
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    if inner != [width, height]:
        driver.set_window_size(2 * width - inner[0], 2 * height - inner[1])


def full_page_screenshot(driver, directory: Path, name: str, width: int, height: int) -> None:
    """The whole page, as tall as it is (up to a limit), then the viewport back as it was."""
    tall = min(driver.execute_script("return document.documentElement.scrollHeight"), MAX_SCREENSHOT_HEIGHT)
    resize(driver, width, max(tall, height))
    driver.save_screenshot(str(directory / f"{name}.png"))
    resize(driver, width, height)


@pytest.mark.parametrize("width_name", list(WIDTHS))
@pytest.mark.parametrize("page_name", list(PAGES))
def test_page_fits_the_window(browser, screenshots: Path, captured_db: Database, page_name: str,
                              width_name: str) -> None:
    width, height = WIDTHS[width_name]
    resize(browser, width, height)
    browser.get(rewrite_url(captured_db, PAGES[page_name]))
    assert browser.find_element(By.TAG_NAME, "h1").text
    full_page_screenshot(browser, screenshots, f"{page_name}-{width}", width, height)
    sizes = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert sizes[0] <= sizes[1], f"{page_name} at {width} px scrolls sideways: {sizes}"
    assert browser.execute_script(OUTSIDE_MAIN) == [], f"{page_name} at {width} px"


@pytest.mark.parametrize("width_name", list(WIDTHS))
def test_enter_in_the_search_box_finds_words_exact_name_first(browser, screenshots: Path, captured_db: Database,
                                                              width_name: str) -> None:
    width, height = WIDTHS[width_name]
    resize(browser, width, height)
    browser.get(rewrite_url(captured_db, "project/requests/"))
    box = browser.find_element(By.NAME, "q")
    box.send_keys("json")
    navigate(browser, lambda: box.send_keys(Keys.ENTER))
    names = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "ul.results .name")]
    assert names[0] == "json" and "orjson" in names, names
    assert names.index("json-logger") < names.index("orjson")
    assert browser.find_element(By.NAME, "q").get_attribute("value") == "json"
    full_page_screenshot(browser, screenshots, f"search-from-box-{width}", width, height)


def scroll_top(driver) -> float:
    return driver.execute_script("return window.scrollY")


@pytest.mark.parametrize("width_name", list(WIDTHS))
@pytest.mark.parametrize("path, link_text, target", [
    ("project/tqdm/", "Installation", "user-content-installation"),  # reStructuredText contents
    ("project/docutils/", "Quick-Start", "user-content-quick-start"),
    ("project/requests/2.31.0/", "Release history", "history"),  # the page's own navigation
])
def test_table_of_contents_link_stays_on_the_page_and_scrolls(browser, captured_db: Database, width_name: str,
                                                             path: str, link_text: str, target: str) -> None:
    width, height = WIDTHS[width_name]
    resize(browser, width, height)
    url = rewrite_url(captured_db, path)
    browser.get(url)
    marker = browser.execute_script("window.__same_document = true; return window.__same_document")
    assert marker is True and scroll_top(browser) == 0
    link = next(e for e in browser.find_elements(By.CSS_SELECTOR, f'a[href$="#{target}"]')
                if e.is_displayed() and link_text.lower() in e.text.lower())
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
    before = scroll_top(browser)
    link.click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith("#" + target))
    assert browser.current_url == url + "#" + target  # the same page, not the home page
    assert browser.execute_script("return window.__same_document") is True  # no new document was loaded
    WebDriverWait(browser, 10).until(lambda d: scroll_top(d) != before)
    top = browser.execute_script("return document.getElementById(arguments[0]).getBoundingClientRect().top", target)
    assert -2 <= top <= height / 2, top  # the section is in view, near the top


HUMAN = re.compile(r"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}, \d{4}$")


@pytest.mark.parametrize("path", ["project/requests/", "project/requests/2.31.0/", ""])
def test_upload_times_are_human(browser, captured_db: Database, path: str) -> None:
    resize(browser, *WIDTHS["desktop"])
    browser.get(rewrite_url(captured_db, path))
    times = browser.find_elements(By.TAG_NAME, "time")
    assert len(times) > 3
    for element in times[:40]:
        text = element.get_attribute("textContent").strip()
        assert HUMAN.match(text), text
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", element.get_attribute("datetime"))
    if path:
        assert "UTC" in times[0].get_attribute("title")


def test_release_page_navigates_to_the_project_and_other_releases(browser, screenshots: Path,
                                                                  captured_db: Database) -> None:
    resize(browser, *WIDTHS["desktop"])
    browser.get(rewrite_url(captured_db, "project/requests/2.32.0/"))
    assert heading(browser) == "requests 2.32.0"
    assert "This release has been yanked" in browser.find_element(By.CSS_SELECTOR, ".banner.yanked").text
    assert "Requests is a simple, yet elegant, HTTP library." in browser.find_element(By.ID, "description").text
    navigate(browser, browser.find_element(By.CSS_SELECTOR, "#history a[href$='/2.31.0/']").click)
    assert heading(browser) == "requests 2.31.0"
    navigate(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "Newer version available").click)
    assert heading(browser) == "requests 2.34.2"
    navigate(browser, browser.find_element(By.CSS_SELECTOR, ".crumbs a").click)
    assert browser.current_url == rewrite_url(captured_db, "project/requests/")
