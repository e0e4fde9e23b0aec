"""One table of Accept headers -> content types, run through every Simple API URL.

The expectations are PyPI's rules (Warehouse's offers: text/html, v1+html, v1+json, HTML
winning ties and answering when nothing matches; `?format=` overriding), not our output.
"""

from __future__ import annotations

import pytest

from pypioncouch.couch import Database
from pypioncouch.simple_index import refresh_simple_index
from served_data import (BROWSER_ACCEPT, PIP_ACCEPT, SIMPLE_HTML, SIMPLE_JSON, UV_ACCEPT,  # noqa: F401
                         captured_db, captures, get)

HTML = "text/html"
URLS = ["simple/", "simple/index/from-projects/", "simple/markupsafe/", "simple/requests/"]


@pytest.fixture(scope="module", autouse=True)
def rendered_index(captured_db: Database) -> None:
    """`simple/` as the importer leaves it: rendered in pieces (pypioncouch.simple_index)."""
    refresh_simple_index(captured_db)

# (Accept header or None for none at all, query string, expected media type)
TABLE = [
    (PIP_ACCEPT, "", SIMPLE_JSON),
    (UV_ACCEPT, "", SIMPLE_JSON),
    (BROWSER_ACCEPT, "", HTML),
    (None, "", HTML),
    ("*/*", "", HTML),
    ("application/json", "", HTML),  # nothing offered matches: HTML, as PyPI does
    ("application/vnd.pypi.simple.v1+html", "", SIMPLE_HTML),
    ("application/vnd.pypi.simple.v1+json", "", SIMPLE_JSON),
    ("text/html;q=0.5, application/vnd.pypi.simple.v1+json;q=0.4", "", HTML),  # q decides, not order
    ("application/vnd.pypi.simple.v1+json;q=0.4, text/html;q=0.5", "", HTML),
    ("text/html;q=0.1, application/vnd.pypi.simple.v1+html;q=0.9", "", SIMPLE_HTML),
    ("application/vnd.pypi.simple.v1+json;q=0, */*", "", HTML),  # q=0 means never
    ("application/*", "", SIMPLE_HTML),  # ties go to PyPI's first offer of the range
    (PIP_ACCEPT, "?format=text/html", HTML),
    (BROWSER_ACCEPT, "?format=application/vnd.pypi.simple.v1+json", SIMPLE_JSON),
    (BROWSER_ACCEPT, "?format=application/vnd.pypi.simple.v1%2Bhtml", SIMPLE_HTML),
]


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("accept, query, expected", TABLE)
def test_content_type(captured_db: Database, url: str, accept: str | None, query: str, expected: str) -> None:
    response = get(captured_db, url + query, accept)
    assert response.status_code == 200
    media_type = response.headers["Content-Type"].split(";")[0].strip()
    assert media_type == expected
    assert "Accept" in [v.strip() for v in response.headers["Vary"].split(",")]
    if expected == SIMPLE_JSON:
        assert response.json()["meta"]["api-version"] == "1.4"
    else:
        assert response.text.startswith("<!DOCTYPE html>")
        assert response.headers["Content-Type"].endswith("charset=utf-8")


@pytest.mark.parametrize("path, status", [("simple/MarkupSafe/", 301), ("simple/nothing-here/", 404),
                                          ("pypi/MarkupSafe/json", 301), ("pypi/nothing-here/json", 404)])
def test_every_answer_varies_on_accept(captured_db: Database, path: str, status: int) -> None:
    response = get(captured_db, path, PIP_ACCEPT)
    assert response.status_code == status
    assert "Accept" in [v.strip() for v in response.headers["Vary"].split(",")]


def test_unknown_format_is_not_acceptable(captured_db: Database) -> None:
    assert get(captured_db, "simple/markupsafe/?format=application/pdf", PIP_ACCEPT).status_code == 406
