"""The simple API: negotiation table, both renderings, serials, escaping."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
import requests

from pypioncouch.emulator import SIMPLE_V1_HTML, SIMPLE_V1_JSON, EmulatorServer
from pypioncouch.emulator.simple import negotiate

from .conftest import PIP_ACCEPT, UV_ACCEPT


@pytest.mark.parametrize("accept, expected", [
    (PIP_ACCEPT, SIMPLE_V1_JSON),
    (UV_ACCEPT, SIMPLE_V1_JSON),
    (None, "text/html"),
    ("*/*", "text/html"),
    ("text/html", "text/html"),
    ("application/vnd.pypi.simple.v1+html", SIMPLE_V1_HTML),
    ("application/vnd.pypi.simple.v1+json;q=0.5, text/html;q=0.9", "text/html"),
    ("application/vnd.pypi.simple.latest+json", "text/html"),
    ("application/json", "text/html"),
    ("application/*;q=0.9, text/html;q=0.1", SIMPLE_V1_HTML),
])
def test_negotiation_table(accept: str | None, expected: str) -> None:
    assert negotiate(accept) == expected


def test_format_query_overrides_accept() -> None:
    assert negotiate(PIP_ACCEPT, SIMPLE_V1_HTML) == SIMPLE_V1_HTML


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.anchors: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.anchors.append(dict(attrs))


def test_pip_accept_gets_json_detail(emulator: EmulatorServer, http: requests.Session) -> None:
    response = http.get(f"{emulator.url}/simple/demo-pkg/", headers={"Accept": PIP_ACCEPT})
    assert response.headers["Content-Type"] == SIMPLE_V1_JSON
    assert response.headers["Vary"] == "Accept"
    page = response.json()
    project = emulator.dataset.get("demo-pkg")
    assert page["meta"] == {"api-version": "1.4", "_last-serial": project.last_serial}  # a number, as Warehouse sends
    assert page["project-status"] == {"status": "active"}
    assert response.headers["X-PyPI-Last-Serial"] == str(project.last_serial)
    assert page["name"] == "demo-pkg" and page["versions"] == ["1.0", "2.0"]
    wheel = page["files"][0]
    assert set(wheel) >= {"filename", "url", "hashes", "requires-python", "size", "upload-time", "yanked",
                          "core-metadata"}
    assert wheel["requires-python"] == ">=3.8" and wheel["yanked"] is False
    assert wheel["core-metadata"] == {"sha256": wheel["core-metadata"]["sha256"]}


def test_simple_json_files_have_the_real_key_set(emulator: EmulatorServer, http: requests.Session) -> None:
    from pypioncouch.emulator import load_capture

    real = set(load_capture("requests")["simple"]["files"][0])
    page = http.get(f"{emulator.url}/simple/demo-pkg/", headers={"Accept": SIMPLE_V1_JSON}).json()
    assert real <= set(page["files"][0])
    assert set(page) == set(load_capture("requests")["simple"]) | {"project-status"}  # PEP 792, API 1.4


def test_html_detail_carries_hashes_and_attributes(emulator: EmulatorServer, http: requests.Session) -> None:
    emulator.dataset.yank("demo-pkg", "2.0", "bad <build>")
    response = http.get(f"{emulator.url}/simple/demo-pkg/")
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<meta name="pypi:repository-version" content="1.4">' in response.text
    assert '<meta name="pypi:project-status" content="active">' in response.text
    parser = _Anchors()
    parser.feed(response.text)
    json_page = http.get(f"{emulator.url}/simple/demo-pkg/", headers={"Accept": SIMPLE_V1_JSON}).json()
    assert len(parser.anchors) == len(json_page["files"]) == 4
    for anchor, file in zip(parser.anchors, json_page["files"]):
        assert anchor["href"] == f"{file['url']}#sha256={file['hashes']['sha256']}"
        assert anchor["data-requires-python"] == ">=3.8"
        assert anchor.get("data-yanked") == (file["yanked"] or None)
    assert "bad &lt;build&gt;" in response.text


def test_index_json_and_html(emulator: EmulatorServer, http: requests.Session) -> None:
    response = http.get(f"{emulator.url}/simple/", headers={"Accept": PIP_ACCEPT})
    index = response.json()
    assert index["meta"]["_last-serial"] == emulator.dataset.last_serial
    assert response.headers["X-PyPI-Last-Serial"] == str(emulator.dataset.last_serial)
    assert {p["name"]: p["_last-serial"] for p in index["projects"]} == emulator.dataset.packages_with_serial()
    html = http.get(f"{emulator.url}/simple/").text
    assert '<a href="/simple/demo-pkg/">Demo.Pkg</a>' in html


def test_format_query_on_the_wire(emulator: EmulatorServer, http: requests.Session) -> None:
    response = http.get(f"{emulator.url}/simple/demo-pkg/?format={SIMPLE_V1_JSON}")
    assert response.headers["Content-Type"] == SIMPLE_V1_JSON
    json.loads(response.text)


def test_missing_trailing_slash_redirects(emulator: EmulatorServer, http: requests.Session) -> None:
    response = http.get(f"{emulator.url}/simple/demo-pkg", allow_redirects=False)
    assert (response.status_code, response.headers["Location"]) == (301, "/simple/demo-pkg/")
