"""Each fault kind, observed from a real client."""

from __future__ import annotations

import xmlrpc.client
from xml.parsers.expat import ExpatError

import pytest
import requests

from pypioncouch.emulator import EmulatorServer, Faults


def test_status_for_a_count_then_normal(emulator: EmulatorServer, http: requests.Session) -> None:
    emulator.faults.add(path_prefix="/pypi/demo-pkg/json", status=500, times=2)
    url = f"{emulator.url}/pypi/demo-pkg/json"
    assert [http.get(url).status_code for _ in range(3)] == [500, 500, 200]
    assert [r.status for r in emulator.requests_log[-3:]] == [500, 500, 200]


def test_429_has_retry_after(emulator: EmulatorServer, http: requests.Session) -> None:
    emulator.faults.add("/simple/", status=429, retry_after=7)
    response = http.get(f"{emulator.url}/simple/demo-pkg/")
    assert (response.status_code, response.headers["Retry-After"]) == (429, "7")
    assert http.get(f"{emulator.url}/simple/").status_code == 429  # forever by default
    emulator.faults.clear()
    assert http.get(f"{emulator.url}/simple/").status_code == 200


def test_delay_triggers_client_timeout(emulator: EmulatorServer, http: requests.Session) -> None:
    emulator.faults.add("/pypi/demo-pkg/json", delay=1.0, times=1)
    with pytest.raises(requests.Timeout):
        http.get(f"{emulator.url}/pypi/demo-pkg/json", timeout=0.2)
    assert http.get(f"{emulator.url}/pypi/demo-pkg/json", timeout=5).status_code == 200


def test_dropped_connection(emulator: EmulatorServer) -> None:
    emulator.faults.add("/pypi/demo-pkg/json", drop=True, times=1)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{emulator.url}/pypi/demo-pkg/json")
    assert emulator.requests_log[-1].status is None
    assert requests.get(f"{emulator.url}/pypi/demo-pkg/json").status_code == 200


def test_malformed_json_body(emulator: EmulatorServer, http: requests.Session) -> None:
    emulator.faults.add("/pypi/demo-pkg/json", malformed=True, times=1)
    response = http.get(f"{emulator.url}/pypi/demo-pkg/json")
    assert response.status_code == 200
    with pytest.raises(requests.JSONDecodeError):
        response.json()


def test_stale_serial_serves_previous_state(emulator: EmulatorServer, http: requests.Session) -> None:
    data = emulator.dataset
    old_serial = data.get("demo-pkg").last_serial
    data.add_release("Demo.Pkg", "3.0", ["demo_pkg-3.0.tar.gz"])
    emulator.faults.add("/pypi/demo-pkg/", stale=True, times=1)
    stale = http.get(f"{emulator.url}/pypi/demo-pkg/json")
    assert stale.headers["X-PyPI-Last-Serial"] == str(old_serial)
    assert "3.0" not in stale.json()["releases"] and stale.json()["last_serial"] == old_serial
    fresh = http.get(f"{emulator.url}/pypi/demo-pkg/json")
    assert int(fresh.headers["X-PyPI-Last-Serial"]) == data.get("demo-pkg").last_serial > old_serial


def test_stale_serial_on_simple_page(emulator: EmulatorServer, http: requests.Session) -> None:
    old_serial = emulator.dataset.get("demo-pkg").last_serial
    emulator.dataset.yank("demo-pkg", "1.0")
    emulator.faults.add("/simple/demo-pkg/", stale=True)
    page = http.get(f"{emulator.url}/simple/demo-pkg/", headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    assert page.json()["meta"]["_last-serial"] == old_serial
    assert all(f["yanked"] is False for f in page.json()["files"])


def test_xmlrpc_method_rule(emulator: EmulatorServer) -> None:
    emulator.faults.add(method="changelog_since_serial", status=503, times=1)
    rpc = xmlrpc.client.ServerProxy(emulator.url + "/pypi")
    with pytest.raises(xmlrpc.client.ProtocolError) as error:
        rpc.changelog_since_serial(0)
    assert error.value.errcode == 503
    assert rpc.changelog_last_serial() == emulator.dataset.last_serial
    assert len(rpc.changelog_since_serial(0)) == 10
    log = [(r.method, r.status, r.xmlrpc_method) for r in emulator.requests_log]
    assert log == [("POST", 503, "changelog_since_serial"), ("POST", 200, "changelog_last_serial"),
                   ("POST", 200, "changelog_since_serial")]


def test_xmlrpc_malformed_and_dropped(emulator: EmulatorServer) -> None:
    emulator.faults.add(method="changelog_last_serial", malformed=True, times=1)
    emulator.faults.add(method="changelog_last_serial", drop=True)
    rpc = xmlrpc.client.ServerProxy(emulator.url + "/pypi")
    with pytest.raises(ExpatError):
        rpc.changelog_last_serial()
    # xmlrpc.client retries once on a dropped connection, so a drop must happen twice to surface.
    with pytest.raises(ConnectionError):
        xmlrpc.client.ServerProxy(emulator.url + "/pypi").changelog_last_serial()
    assert [r.status for r in emulator.requests_log] == [200, None, None]


def test_rules_need_exactly_one_kind() -> None:
    faults = Faults()
    with pytest.raises(ValueError):
        faults.add("/x")
    with pytest.raises(ValueError):
        faults.add("/x", status=500, drop=True)
    rule = faults.add("/x", status=429)
    assert rule.retry_after == 1
