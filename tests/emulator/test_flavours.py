"""Each index the emulator plays answers as its real counterpart does (flavours.py)."""

from __future__ import annotations

import requests

from pypioncouch.emulator import SIMPLE_V1_JSON, Dataset, EmulatorServer, generate_dataset, installable_project

from .conftest import PIP_ACCEPT


def data() -> Dataset:
    dataset = generate_dataset(projects=3, releases_per_project=2, seed=5)
    return installable_project("Demo.Pkg", ["1.0"], requires_python=">=3.8", dataset=dataset)


def get(url: str, accept: str | None = PIP_ACCEPT, **kwargs) -> requests.Response:
    return requests.get(url, headers={"Accept": accept} if accept else {}, timeout=10, allow_redirects=False, **kwargs)


def test_pypi_serves_api_1_4_with_provenance_and_status() -> None:
    with EmulatorServer(data()) as emu:
        page = get(f"{emu.url}/simple/demo-pkg/").json()
        assert page["meta"]["api-version"] == "1.4" and isinstance(page["meta"]["_last-serial"], int)
        assert page["project-status"] == {"status": "active"}
        assert all("provenance" in f for f in page["files"])
        index = get(f"{emu.url}/simple/").json()
        assert index["meta"]["api-version"] == "1.4"
        html = get(f"{emu.url}/simple/demo-pkg/", None).text
        assert '<meta name="pypi:project-status" content="active">' in html


def test_pypi_quarantine_hides_files_json_and_index_entry() -> None:
    with EmulatorServer(data()) as emu:
        emu.dataset.set_status("demo-pkg", "quarantined", "review")
        assert emu.dataset.journal[-1].action == "project quarantined"
        page = get(f"{emu.url}/simple/demo-pkg/").json()
        assert page["files"] == [] and page["project-status"] == {"status": "quarantined", "reason": "review"}
        assert get(f"{emu.url}/pypi/demo-pkg/json").status_code == 404
        assert "Demo.Pkg" not in {p["name"] for p in get(f"{emu.url}/simple/").json()["projects"]}
        emu.dataset.set_status("demo-pkg", "active")
        assert emu.dataset.journal[-1].action == "project quarantine cleared"
        assert get(f"{emu.url}/pypi/demo-pkg/json").status_code == 200


def test_proxy_has_no_xmlrpc_an_html_index_and_no_serial_header() -> None:
    with EmulatorServer(data(), flavour="proxy") as emu:
        assert requests.post(f"{emu.url}/pypi", data=b"<x/>", timeout=10).status_code == 404
        index = get(f"{emu.url}/simple/")
        assert index.headers["Content-Type"].startswith("text/html") and "X-PyPI-Last-Serial" not in index.headers
        page = get(f"{emu.url}/simple/demo-pkg/")
        assert page.json()["meta"] == {"api-version": "1.1", "_last-serial": str(emu.dataset.get("demo-pkg").last_serial)}
        assert "X-PyPI-Last-Serial" not in page.headers
        payload = get(f"{emu.url}/pypi/demo-pkg/json").json()
        assert payload["last_serial"] == emu.dataset.get("demo-pkg").last_serial
        url = payload["urls"][0]["url"]
        assert url.startswith("../../packages/")
        assert requests.get(requests.compat.urljoin(f"{emu.url}/pypi/demo-pkg/json", url) + ".metadata",
                            timeout=10).status_code == 404


def test_devpi_layout() -> None:
    with EmulatorServer(data(), flavour="devpi") as emu:
        assert emu.index_url == f"{emu.url}/root/pypi/+simple/"
        index = get(emu.index_url).json()
        assert index == {"meta": {"api-version": "1.0"}, "projects": [{"name": p.normalized} for p in emu.dataset]}
        assert get(f"{emu.index_url}demo-pkg").status_code == 302
        page = get(f"{emu.index_url}demo-pkg/")
        assert page.headers["X-PyPI-Last-Serial"] == str(emu.dataset.get("demo-pkg").last_serial)
        file = page.json()["files"][0]
        assert set(file) == {"filename", "url", "hashes", "requires-python"} and file["url"].startswith("../../+f/")
        assert requests.get(requests.compat.urljoin(f"{emu.index_url}demo-pkg/", file["url"]), timeout=10).ok
        assert get(f"{emu.url}/root/pypi/pypi/demo-pkg/json").status_code == 404
        html = get(f"{emu.index_url}demo-pkg/", "text/html").text
        assert html.count("root/pypi <a href=") == 2


def test_static_tree_is_html_only_and_refuses_post() -> None:
    with EmulatorServer(data(), flavour="static") as emu:
        assert requests.post(f"{emu.url}/pypi", data=b"", timeout=10).status_code == 501
        index = get(f"{emu.url}/simple/", SIMPLE_V1_JSON)
        assert index.headers["Content-Type"].startswith("text/html") and "Directory listing for /simple/" in index.text
        page = get(f"{emu.url}/simple/demo-pkg/", SIMPLE_V1_JSON)
        assert page.headers["Content-Type"].startswith("text/html") and "pypi:repository-version" not in page.text
        assert 'href="../../packages/' in page.text and "data-core-metadata" in page.text
        assert get(f"{emu.url}/simple/demo-pkg").status_code == 301
        assert get(f"{emu.url}/pypi/demo-pkg/json").status_code == 404


def test_head_answers_the_headers_without_a_body() -> None:
    with EmulatorServer(data()) as emu:
        wheel = get(f"{emu.url}/simple/demo-pkg/").json()["files"][0]["url"]
        head = requests.head(wheel, timeout=10)
        assert head.status_code == 200 and head.content == b"" and int(head.headers["Content-Length"]) > 0


def test_broken_flavours() -> None:
    with EmulatorServer(data(), flavour="not-an-index") as emu:
        assert get(f"{emu.url}/simple/demo-pkg/").headers["Content-Type"].startswith("text/html")
        assert get(f"{emu.url}/pypi/demo-pkg/json").text.startswith("<!DOCTYPE html>")
    with EmulatorServer(data(), flavour="json-404") as emu:
        assert get(f"{emu.url}/pypi/demo-pkg/json").status_code == 404
        assert get(f"{emu.url}/simple/demo-pkg/").status_code == 404
        assert get(f"{emu.url}/simple/").status_code == 200
    with EmulatorServer(data(), flavour="redirect-loop") as emu:
        response = get(f"{emu.url}/simple/")
        assert response.status_code == 302 and response.headers["Location"] == "/simple/"
