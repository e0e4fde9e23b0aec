"""The two index implementations agree on the same emulator state."""

from __future__ import annotations

import pytest

from pypioncouch.emulator import generate_dataset
from pypioncouch.names import normalize
from pypioncouch.upstream import HttpClient, JsonApi, RetryPolicy, SimpleJsonIndex, StaleResponse, UpstreamError, XmlRpcIndex, connect

FAST = RetryPolicy(attempts=2, backoff=0.01, timeout=2)


@pytest.fixture
def emu(start_emulator):
    return start_emulator(generate_dataset(projects=30, seed=31), page_size=7)


def test_xmlrpc_and_json_index_give_the_same_listing(emu) -> None:
    http = HttpClient(emu.url, FAST)
    assert XmlRpcIndex(http).all_projects() == SimpleJsonIndex(http).all_projects()
    assert XmlRpcIndex(http).last_serial() == SimpleJsonIndex(http).last_serial() == emu.dataset.last_serial


def test_changelog_is_paged_until_a_short_page(emu) -> None:
    since = emu.dataset.last_serial - 20
    changes = XmlRpcIndex(HttpClient(emu.url, FAST)).changes_since(since)
    pages = [r for r in emu.requests_log if r.xmlrpc_method == "changelog_since_serial"]
    assert len(pages) == 4  # 20 rows in pages of 7: 7, 7, 6, then an empty page
    expected = {}
    for row in emu.dataset.changelog_since(since, 1000):
        expected[row.name] = max(expected.get(row.name, 0), row.serial)
    assert changes.projects == expected and changes.last_serial == emu.dataset.last_serial


def test_json_index_changes_are_projects_with_newer_serials(emu) -> None:
    name = sorted(p.name for p in emu.dataset)[3]
    serial = emu.dataset.last_serial
    emu.dataset.add_release(name, "9.9")
    changes = SimpleJsonIndex(HttpClient(emu.url, FAST)).changes_since(serial)
    assert list(changes.projects) == [name] and changes.complete_listing is not None


def test_fallback_uses_xmlrpc_while_it_answers_and_json_after_it_fails(emu) -> None:
    index = connect(HttpClient(emu.url, FAST))
    index.last_serial()
    assert index.name == "xml-rpc"
    broken = connect(HttpClient(emu.url, FAST))
    emu.faults.add("/pypi", method="changelog_last_serial", status=405)
    assert broken.last_serial() == emu.dataset.last_serial and broken.name == "json-simple"


def test_disabled_xmlrpc_methods_are_errors(emu) -> None:
    with pytest.raises(UpstreamError, match="fault"):
        XmlRpcIndex(HttpClient(emu.url, FAST)).call("package_releases", "x")


def test_json_api_follows_redirects_and_reports_gone_projects(emu) -> None:
    api = JsonApi(HttpClient(emu.url, FAST))
    name = sorted(p.name for p in emu.dataset)[0]
    payload = api.project(name.upper())
    assert payload["info"]["name"] == name
    assert api.project("no-such-project") is None


def test_json_api_refuses_answers_older_than_the_journal(emu) -> None:
    name = sorted(p.name for p in emu.dataset)[0]
    emu.dataset.add_release(name, "9.9")
    emu.faults.add(f"/pypi/{normalize(name)}/json", stale=True)
    api = JsonApi(HttpClient(emu.url, FAST), retries=2, retry_delay=0.01)
    with pytest.raises(StaleResponse):
        api.project(name, emu.dataset.get(name).last_serial)
    assert api.project(name, 0)["info"]["version"] != "9.9"  # old data is fine when nothing newer is known


def test_errors_after_retries_name_the_request(emu) -> None:
    emu.faults.add("/pypi/x/json", status=500)
    with pytest.raises(UpstreamError, match=r"/pypi/x/json: HTTP 500 after 2 attempts"):
        JsonApi(HttpClient(emu.url, FAST)).project("x")


def test_every_upstream_request_is_counted_once(emu) -> None:
    http = HttpClient(emu.url, FAST)
    index = connect(http)
    index.changes_since(emu.dataset.last_serial)
    JsonApi(http).project(sorted(p.name for p in emu.dataset)[0])
    assert http.requests_made == len(emu.requests_log) == 2


def test_fallback_tries_xmlrpc_again_after_a_while(emu) -> None:
    now = [0.0]
    from pypioncouch.upstream.select import FallbackIndex
    index = FallbackIndex(HttpClient(emu.url, FAST), reprobe_after=60, clock=lambda: now[0])
    outage = emu.faults.add("/pypi", method="changelog_since_serial", status=503)
    index.changes_since(emu.dataset.last_serial)
    assert index.name == "json-simple"
    outage.times = outage.hits  # XML-RPC is back
    now[0] = 30.0
    index.changes_since(emu.dataset.last_serial)
    assert index.name == "json-simple"
    now[0] = 61.0
    index.changes_since(emu.dataset.last_serial)
    assert index.name == "xml-rpc"
