"""OPML and DOAP attachments of project documents (pypioncouch.feeds), on their own."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

import pytest

from pypioncouch.documents import build_project_documents
from pypioncouch.emulator import captured_payload
from pypioncouch.feeds import project_attachments

SITE = "http://mirror.example:5984/pypi/_design/pypi/_rewrite/"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
DOAP = "{http://usefulinc.com/ns/doap#}"
FOAF = "{http://xmlns.com/foaf/0.1/}"
INJECTION = '"><script>alert(1)</script>&amp;'


def decoded(attachments: dict, name: str) -> str:
    return base64.b64decode(attachments[name]["data"]).decode("utf-8")


@pytest.fixture(scope="module")
def requests_doc() -> dict:
    return build_project_documents(captured_payload("requests")).project


def hostile_doc() -> dict:
    payload = {
        "info": {"name": "evil", "version": "1.0", "summary": INJECTION + "\x01\x1b bell\x07",
                 "author": INJECTION, "maintainer_email": f"{INJECTION} <x@example.org>",
                 "home_page": "javascript:alert(1)", "license_expression": "MIT",
                 "project_urls": {INJECTION: "https://ok.example/?a=1&b=2", "Bad": "data:text/html,<script>"},
                 "classifiers": [f"Topic :: {INJECTION}"]},
        "releases": {"1.0": [{"filename": "evil-1.0.tar.gz", "url": "https://files.example/evil-1.0.tar.gz",
                              "digests": {"sha256": "0" * 64}, "upload_time_iso_8601": "2024-02-03T04:05:06Z"}]},
    }
    return build_project_documents(payload).project


def test_both_attachments_are_inline_couchdb_attachments(requests_doc: dict) -> None:
    attachments = project_attachments(requests_doc, SITE)
    assert set(attachments) == {"feeds.opml", "doap.rdf"}
    assert attachments["feeds.opml"]["content_type"] == "text/x-opml"
    assert attachments["doap.rdf"]["content_type"] == "application/rdf+xml"
    for attachment in attachments.values():
        assert set(attachment) == {"content_type", "data"}


def test_same_document_gives_identical_bytes(requests_doc: dict) -> None:
    again = build_project_documents(captured_payload("requests")).project
    assert project_attachments(requests_doc, SITE) == project_attachments(again, SITE)
    assert project_attachments(requests_doc, SITE) != project_attachments(requests_doc, "http://other.example/")


def test_opml_outlines_the_project_feed_page_and_links(requests_doc: dict) -> None:
    root = ET.fromstring(decoded(project_attachments(requests_doc, SITE), "feeds.opml"))
    assert root.tag == "opml" and root.get("version") == "2.0"
    project = root.find("body/outline")
    assert project.get("url") == SITE + "project/requests/"
    feeds = [o for o in project.iter("outline") if o.get("type") == "rss"]
    assert [f.get("xmlUrl") for f in feeds] == [SITE + "rss/project/requests/releases.xml"]
    link_urls = {o.get("url") for o in project.iter("outline") if o.get("type") == "link"}
    assert set(requests_doc["info"]["project_urls"].values()) <= link_urls


def test_doap_describes_project_people_and_newest_releases(requests_doc: dict) -> None:
    root = ET.fromstring(decoded(project_attachments(requests_doc, SITE), "doap.rdf"))
    assert root.tag == RDF + "RDF"
    project = root.find(DOAP + "Project")
    assert project.get(RDF + "about") == SITE + "project/requests/"
    assert project.findtext(DOAP + "name") == "requests"
    assert project.findtext(DOAP + "shortdesc") == requests_doc["info"]["summary"]
    developers = [p.findtext(f"{FOAF}Person/{FOAF}name") for p in project.findall(DOAP + "developer")]
    # requests names its author only in author_email ("Kenneth Reitz <me@...>"), as pyproject metadata does
    assert not requests_doc["info"]["author"] and "Kenneth Reitz <" in requests_doc["info"]["author_email"]
    assert developers == ["Kenneth Reitz"]
    revisions = [v.findtext(DOAP + "revision") for v in project.iter(DOAP + "Version")]
    assert requests_doc["latest_version"] in revisions
    held = {e["version"] for e in requests_doc["release_history"] + requests_doc["recent_releases"] if e["upload_time"]}
    assert len(revisions) == min(100, len(held)) and set(revisions) <= held
    categories = [c.get(RDF + "resource") for c in project.findall(DOAP + "category")]
    assert len(categories) == len(requests_doc["classifiers"])


def test_hostile_metadata_stays_text_and_unsafe_urls_are_dropped() -> None:
    attachments = project_attachments(hostile_doc(), SITE)
    for name in ("feeds.opml", "doap.rdf"):
        text = decoded(attachments, name)
        root = ET.fromstring(text)  # valid XML despite control characters and markup
        assert "<script>" not in text
        assert "javascript:" not in text and "data:text/html" not in text
        values = " ".join([el.text or "" for el in root.iter()] + [v for el in root.iter() for v in el.attrib.values()])
        assert INJECTION in values  # kept as text, escaped, not dropped
    doap = ET.fromstring(decoded(attachments, "doap.rdf")).find(DOAP + "Project")
    assert doap.findtext(DOAP + "shortdesc") == INJECTION + " bell"
    assert doap.find(DOAP + "license").get(RDF + "resource") == "https://spdx.org/licenses/MIT"
    # the display name before the address, quotes dropped as in "Ada" <a@x>
    assert [p.findtext(f"{FOAF}Person/{FOAF}name") for p in doap.findall(DOAP + "maintainer")] == [
        '><script>alert(1)</script>&amp;']
