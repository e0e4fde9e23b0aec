"""``Upstream`` against each kind of index the emulator plays: what it lists, what it reads of a
project, where its serials come from, and what it says of an index that is none."""

from __future__ import annotations

import dataclasses

import pytest
import requests

from pypioncouch.emulator import Dataset, generate_dataset, installable_project
from pypioncouch.emulator.flavours import PYPI
from pypioncouch.names import normalize
from pypioncouch.upstream import (UNCHANGED, IndexLocation, NotAnIndex, RedirectLoop, RetryPolicy, StaleResponse,
                                  Upstream)

FAST = RetryPolicy(attempts=2, backoff=0.01, timeout=5)
KINDS = ["pypi", "proxy", "devpi", "static"]


def dataset() -> Dataset:
    data = generate_dataset(projects=6, releases_per_project=2, seed=17)
    installable_project("Demo.Pkg", ["1.0", "2.0"], requires_python=">=3.8", yanked={"1.0": "broken"}, dataset=data)
    return data


def upstream(emu) -> Upstream:
    found = Upstream(emu.index_url, FAST)
    found.projects.pages.retry_delay = found.projects.api.retry_delay = 0.01
    return found


@pytest.mark.parametrize("kind, index_name, serials", [
    ("pypi", "xml-rpc", True), ("proxy", "simple-names", False), ("devpi", "simple-names", False),
    ("static", "simple-names", False),
])
def test_every_kind_lists_every_project(start_emulator, kind: str, index_name: str, serials: bool) -> None:
    emu = start_emulator(dataset(), flavour=kind)
    listing = upstream(emu).all_projects()
    assert {normalize(n) for n in listing.projects} == {p.normalized for p in emu.dataset}
    assert listing.serials_known is serials
    if serials:
        assert listing.projects == emu.dataset.packages_with_serial()


def test_json_index_serials_as_numbers_or_strings(start_emulator) -> None:
    """Without XML-RPC, the JSON Simple index's `_last-serial`s; a proxy may write them as strings."""
    for flavour in (dataclasses.replace(PYPI, xmlrpc=False),
                    dataclasses.replace(PYPI, xmlrpc=False, serial_as_string=True, serial_header=False)):
        emu = start_emulator(dataset(), flavour=flavour)
        found = upstream(emu)
        listing = found.all_projects()
        assert found.index.name == "json-simple" and listing.serial == emu.dataset.last_serial
        assert listing.projects == emu.dataset.packages_with_serial()


@pytest.mark.parametrize("kind", KINDS)
def test_one_project_is_its_page_and_its_payload(start_emulator, kind: str) -> None:
    emu = start_emulator(dataset(), flavour=kind)
    data = upstream(emu).project("Demo.Pkg")
    project = emu.dataset.get("demo-pkg")
    files = {f["filename"]: f for f in data.page["files"]}
    assert set(files) == {f.filename for r in project.releases.values() for f in r.files}
    wheel = files["demo_pkg-2.0-py3-none-any.whl"]
    assert wheel["url"].startswith(emu.url + "/")  # relative links (devpi, static) resolved against the page
    assert wheel["hashes"]["sha256"] == project.releases["2.0"].files[0].digests["sha256"]
    assert files["demo_pkg-1.0.tar.gz"]["yanked"] == "broken"
    assert (data.payload is not None) is (kind in ("pypi", "proxy"))
    # Serials: PyPI's header; the proxy's body (no header); devpi's header on pages; none in a static tree.
    assert data.serial == (None if kind == "static" else project.last_serial)


def test_pypi_pages_carry_provenance_status_and_metadata(start_emulator) -> None:
    emu = start_emulator(dataset())
    emu.dataset.set_status("demo-pkg", "archived", "moved to demo-ng")
    data = upstream(emu).project("demo-pkg")
    assert data.page["project-status"] == {"status": "archived", "reason": "moved to demo-ng"}
    stored = emu.dataset.get("demo-pkg").releases["2.0"].files[0]
    wheel = next(f for f in data.page["files"] if f["filename"] == stored.filename)
    assert wheel["core-metadata"] == {"sha256": stored.metadata_sha256}
    found = upstream(emu)
    pages = [entry for p in emu.dataset for entry in found.project(p.name).page["files"]]
    attested = [e for e in pages if e["provenance"]]
    assert attested and len(attested) < len(pages)  # PEP 740: an absolute URL, or null
    assert all(e["provenance"].startswith(emu.url + "/integrity/") for e in attested)
    served = requests.get(attested[0]["provenance"], timeout=10)
    assert served.headers["Content-Type"] == "application/vnd.pypi.integrity.v1+json"
    assert served.json()["attestation_bundles"]


def test_proxy_pages_name_no_metadata_file_though_its_json_api_does(start_emulator) -> None:
    emu = start_emulator(dataset(), flavour="proxy")
    data = upstream(emu).project("demo-pkg")
    assert all("core-metadata" not in f for f in data.page["files"])
    assert any(f.get("core-metadata") for files in data.payload["releases"].values() for f in files)
    relative = emu.dataset.get("demo-pkg")  # the JSON API's relative URLs come back absolute
    assert all(f["url"].startswith(emu.url + "/packages/") for files in data.payload["releases"].values()
               for f in files) and relative is not None


def test_a_project_at_the_serial_held_costs_one_request(start_emulator) -> None:
    emu = start_emulator(dataset(), flavour="proxy")
    found = upstream(emu)
    serial = emu.dataset.get("demo-pkg").last_serial
    emu.clear_log()
    assert found.project("demo-pkg", 0, current=serial) is UNCHANGED
    assert [r.path for r in emu.requests_log] == ["/simple/demo-pkg/"]


def test_a_stale_json_api_is_refused_after_the_page_says_newer(start_emulator) -> None:
    emu = start_emulator(dataset())
    emu.dataset.add_release("demo-pkg", "3.0")
    emu.faults.add("/pypi/demo-pkg/json", stale=True)
    with pytest.raises(StaleResponse):
        upstream(emu).project("demo-pkg")


def test_a_stale_page_is_asked_again_then_refused(start_emulator) -> None:
    emu = start_emulator(dataset())
    emu.dataset.add_release("demo-pkg", "3.0")
    emu.faults.add("/simple/demo-pkg/", stale=True, times=1)
    data = upstream(emu).project("demo-pkg")  # the JSON API was newer: the page is asked past the cache
    assert data.serial == emu.dataset.get("demo-pkg").last_serial and "3.0" in data.page["versions"]
    emu.faults.add("/simple/demo-pkg/", stale=True)
    with pytest.raises(StaleResponse):
        upstream(emu).project("demo-pkg", emu.dataset.get("demo-pkg").last_serial)


def test_a_static_tree_is_read_from_its_pages_alone(start_emulator) -> None:
    """After a few 404s on the JSON API for projects whose pages exist, it is not asked again."""
    emu = start_emulator(dataset(), flavour="static")
    found = upstream(emu)
    for project in emu.dataset:
        assert found.project(project.name).payload is None
    json_requests = [r for r in emu.requests_log if r.path.endswith("/json")]
    assert len(json_requests) == 3 < len(emu.dataset)


def test_quarantined_project_is_not_gone(start_emulator) -> None:
    emu = start_emulator(dataset())
    emu.dataset.set_status("demo-pkg", "quarantined")
    data = upstream(emu).project("demo-pkg")
    assert data is not None and data.payload is None and data.quarantined and data.page["files"] == []
    assert "demo-pkg" not in {normalize(n) for n in upstream(emu).index.fallback.all_projects()}
    assert upstream(emu).project("no-such-project") is None


@pytest.mark.parametrize("kind, error, says", [
    ("not-an-index", NotAnIndex, "an HTML page that is not a Simple index"),
    ("redirect-loop", RedirectLoop, "redirect loop"),
])
def test_an_index_that_is_none_is_named_with_what_it_lacks(start_emulator, kind: str, error: type, says: str) -> None:
    emu = start_emulator(dataset(), flavour=kind)
    with pytest.raises(error) as raised:
        upstream(emu).all_projects()
    assert emu.url in str(raised.value) and says in str(raised.value) and "XML-RPC" in str(raised.value)
    with pytest.raises(error):
        upstream(emu).project("demo-pkg")


def test_an_html_page_for_every_project_is_not_a_project_page(start_emulator) -> None:
    emu = start_emulator(dataset(), flavour="not-an-index")
    with pytest.raises(NotAnIndex, match="not a Simple project page"):
        upstream(emu).project("demo-pkg")


@pytest.mark.parametrize("given, base, simple", [
    ("https://pypi.org", "https://pypi.org", "https://pypi.org/simple/"),
    ("https://pypi.org/", "https://pypi.org", "https://pypi.org/simple/"),
    ("https://pypi.org/simple/", "https://pypi.org", "https://pypi.org/simple/"),
    ("http://h:3141/root/pypi/+simple/", "http://h:3141/root/pypi", "http://h:3141/root/pypi/+simple/"),
    ("http://h:5984/db/_design/pypi/_rewrite", "http://h:5984/db/_design/pypi/_rewrite",
     "http://h:5984/db/_design/pypi/_rewrite/simple/"),
])
def test_index_url_is_a_base_or_a_simple_root(given: str, base: str, simple: str) -> None:
    location = IndexLocation.parse(given)
    assert (location.base, location.simple) == (base, simple)
    assert location.json_project("Demo.Pkg") == f"{base}/pypi/demo-pkg/json"


def test_index_url_must_be_http() -> None:
    with pytest.raises(ValueError):
        IndexLocation.parse("ftp://pypi.org")
