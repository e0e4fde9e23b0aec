"""XML-RPC on the wire, through the standard library's client, as the importer will call it."""

from __future__ import annotations

import xmlrpc.client

import pytest

from pypioncouch.emulator import EmulatorServer


@pytest.fixture
def rpc(emulator: EmulatorServer) -> xmlrpc.client.ServerProxy:
    return xmlrpc.client.ServerProxy(emulator.url + "/pypi", allow_none=True)


def test_last_serial_and_list_packages(rpc, emulator: EmulatorServer) -> None:
    data = emulator.dataset
    assert rpc.changelog_last_serial() == data.last_serial == data.journal[-1].serial
    listed = rpc.list_packages_with_serial()
    assert listed == {p.name: p.last_serial for p in data}
    assert listed["Demo.Pkg"] == data.get("demo-pkg").last_serial


def test_changelog_pages_until_a_short_page(rpc, emulator: EmulatorServer) -> None:
    rows, since, calls = [], 0, 0
    while True:
        page = rpc.changelog_since_serial(since)
        calls += 1
        assert len(page) <= 10
        rows += page
        if len(page) < 10:
            break
        since = page[-1][4]
    assert rows == [list(r) for r in emulator.dataset.journal]
    assert calls == len(rows) // 10 + 1
    assert all(isinstance(r[2], int) and isinstance(r[4], int) for r in rows)
    assert [r[4] for r in rows] == sorted(r[4] for r in rows)


def test_rows_carry_none_version_for_project_actions(rpc, emulator: EmulatorServer) -> None:
    last = rpc.changelog_last_serial()
    emulator.dataset.add_project("Brand_New")
    emulator.dataset.add_release("Brand_New", "0.1", ["brand_new-0.1.tar.gz"])
    emulator.dataset.yank("brand-new", "0.1", "oops")
    rows = rpc.changelog_since_serial(last)
    assert [(r[0], r[1], r[3], r[4]) for r in rows] == [
        ("Brand_New", None, "create", last + 1),
        ("Brand_New", "0.1", "new release", last + 2),
        ("Brand_New", "0.1", "add source file brand_new-0.1.tar.gz", last + 3),
        ("Brand_New", "0.1", "yank release", last + 4),
    ]
    assert rpc.list_packages_with_serial()["Brand_New"] == last + 4


@pytest.mark.parametrize("method, args", [
    ("package_releases", ("requests",)), ("release_urls", ("requests", "1.0")),
    ("release_data", ("requests", "1.0")), ("list_packages", ()), ("search", ({"name": "x"},)),
])
def test_disabled_methods_answer_a_fault(rpc, method: str, args: tuple) -> None:
    with pytest.raises(xmlrpc.client.Fault) as fault:
        getattr(rpc, method)(*args)
    assert method in fault.value.faultString


def test_page_size_can_change_while_serving(rpc, emulator: EmulatorServer) -> None:
    emulator.page_size = 3
    assert len(rpc.changelog_since_serial(0)) == 3
