"""Reading Simple pages as upstreams write them: PEP 691 JSON kept as sent, PEP 503 HTML read
into the same entries, relative URLs resolved, and pages that are not Simple pages refused."""

from __future__ import annotations

import json

import pytest

from pypioncouch.emulator import load_capture
from pypioncouch.upstream import NotAnIndex
from pypioncouch.upstream.http import Response
from pypioncouch.upstream.simple_page import detail_serial, parse_detail, parse_index

JSON = "application/vnd.pypi.simple.v1+json"
PAGE = "https://proxy.example/simple/demo/"


def response(body: str | bytes | dict, content_type: str = "text/html", headers: dict | None = None,
             url: str = PAGE) -> Response:
    content = json.dumps(body).encode() if isinstance(body, dict) else body.encode() if isinstance(body, str) else body
    return Response(200, {"Content-Type": content_type, **(headers or {})}, content, url)


def test_a_captured_json_page_is_kept_as_sent() -> None:
    captured = load_capture("idna")["simple"]
    page = parse_detail(response(captured, JSON), "idna")
    assert page["files"] == captured["files"] and page["versions"] == captured["versions"]
    assert detail_serial(response(captured, JSON), page) == int(captured["meta"]["_last-serial"])  # a string there


def test_json_relative_urls_are_resolved_against_the_page() -> None:
    body = {"meta": {"api-version": "1.0"}, "name": "demo", "files": [
        {"filename": "demo-1.0.tar.gz", "url": "../../+f/abc/demo-1.0.tar.gz", "hashes": {"sha256": "ab"},
         "provenance": "../../integrity/demo/1.0/demo-1.0.tar.gz/provenance"}]}
    file = parse_detail(response(body, JSON), "demo")["files"][0]
    assert file["url"] == "https://proxy.example/+f/abc/demo-1.0.tar.gz"
    assert file["provenance"] == "https://proxy.example/integrity/demo/1.0/demo-1.0.tar.gz/provenance"


def test_an_html_page_with_every_attribute() -> None:
    html = """<!DOCTYPE html><html><head>
    <meta name="pypi:repository-version" content="1.4">
    <meta name="pypi:project-status" content="deprecated">
    <meta name="pypi:project-status-reason" content="use &lt;new&gt;">
    <title>Links for demo</title></head><body><h1>Links for demo</h1>
    <a href="../../p/demo-1.0.tar.gz#sha256=ab" data-requires-python="&gt;=3.8,&lt;4" data-yanked="">demo-1.0.tar.gz</a><br />
    <a href="https://files.example/demo-1.1-py3-none-any.whl#sha256=cd" data-yanked="bad &amp; worse"
       data-dist-info-metadata="sha256=ef" data-core-metadata="sha256=ef"
       data-provenance="https://pypi.example/integrity/demo/1.1/demo-1.1-py3-none-any.whl/provenance">demo-1.1-py3-none-any.whl</a>
    <a href="https://files.example/demo-1.2.zip#md5=00" data-dist-info-metadata="true">demo-1.2.zip</a>
    </body></html><!--SERIAL 42-->"""
    page = parse_detail(response(html, headers={"X-PyPI-Last-Serial": "42"}), "demo")
    assert page["project-status"] == {"status": "deprecated", "reason": "use <new>"}
    sdist, wheel, old = page["files"]
    assert sdist == {"filename": "demo-1.0.tar.gz", "url": "https://proxy.example/p/demo-1.0.tar.gz",
                     "hashes": {"sha256": "ab"}, "requires-python": ">=3.8,<4", "yanked": True,
                     "core-metadata": False, "provenance": None}
    assert wheel["yanked"] == "bad & worse" and wheel["core-metadata"] == {"sha256": "ef"}
    assert wheel["provenance"].endswith("/provenance")
    assert old["hashes"] == {"md5": "00"} and old["core-metadata"] is True
    assert detail_serial(response(html, headers={"X-PyPI-Last-Serial": "42"}), page) == 42


def test_a_page_that_is_not_a_project_page_is_refused() -> None:
    home = '<html><head><title>Welcome</title></head><body><a href="/login">Sign in</a></body></html>'
    with pytest.raises(NotAnIndex, match="proxy.example/simple/demo/: an HTML page that is not a Simple project page"):
        parse_detail(response(home), "demo")
    with pytest.raises(NotAnIndex):
        parse_detail(response({"message": "hello"}, "application/json"), "demo")


def test_an_empty_pep_503_page_is_a_project_with_no_files() -> None:
    page = parse_detail(response("<html><head><title>Links for demo</title></head><body></body></html>"), "demo")
    assert page["files"] == []


@pytest.mark.parametrize("html", [
    '<html><body><a href="/simple/demo/">Demo</a><a href="/simple/other.pkg/">Other.Pkg</a></body></html>',  # PyPI
    '<ul><li><a href="demo/">demo/</a></li><li><a href="other.pkg/">other.pkg/</a></li></ul>',  # http.server
])
def test_html_indexes_give_names(html: str) -> None:
    listing = parse_index(response(html, url="https://proxy.example/simple/"), "https://proxy.example/simple/")
    assert {name.lower() for name in listing.projects} == {"demo", "other.pkg"}
    assert not listing.serials_known and listing.form == "html"


def test_a_home_page_is_not_an_index() -> None:
    home = '<html><body><a href="/login">Sign in</a> <a href="https://help.example/">Help</a></body></html>'
    with pytest.raises(NotAnIndex, match="not a Simple index"):
        parse_index(response(home, url="https://proxy.example/simple/"), "https://proxy.example/simple/")


def test_json_index_serials_number_string_or_missing() -> None:
    body = {"meta": {"api-version": "1.1", "_last-serial": "9"},
            "projects": [{"name": "a", "_last-serial": 7}, {"name": "b", "_last-serial": "8"}]}
    listing = parse_index(response(body, JSON), "https://proxy.example/simple/")
    assert listing.projects == {"a": 7, "b": 8} and listing.serial == 9 and listing.serials_known
    names_only = parse_index(response({"meta": {"api-version": "1.0"}, "projects": [{"name": "a"}]}, JSON), "")
    assert names_only.projects == {"a": None} and not names_only.serials_known
