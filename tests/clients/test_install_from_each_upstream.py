"""pip and uv install through a node fed from each kind of upstream: PyPI, a proxy of it (no
metadata files), devpi (relative file URLs, no JSON API), a static Simple tree, and another node.

Each node serves what its upstream's own pages say: where they name a metadata file, the
clients read it first (PEP 658); where they do not (the proxy), the clients are never sent to
one, and take the wheel itself."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from pypioncouch import import_all
from pypioncouch.couch import Database
from pypioncouch.emulator import Dataset, EmulatorServer, installable_project
from tests.conftest import new_database, push_app, rewrite_url

from .conftest import BIN, installed, isolated_env, run

pytestmark = pytest.mark.clients
KINDS = ["pypi", "proxy", "devpi", "static", "node"]


def dataset() -> Dataset:
    data = installable_project("Demo.Pkg", ["1.0", "2.0"], dependencies=["other-pkg>=0.2"], yanked={"2.0": "bad"})
    installable_project("other_pkg", ["0.1", "0.2"], dataset=data)
    return data


def drop(db: Database) -> None:
    db.request("DELETE", db.url, what="drop test database", ok=(200, 202, 404))


@pytest.fixture(scope="module", params=KINDS)
def node(request: pytest.FixtureRequest, couch_server) -> Iterator[tuple[str, EmulatorServer, str]]:
    """(kind, the emulator, the node's Simple URL pip is given)."""
    kind = request.param
    with EmulatorServer(dataset(), flavour="pypi" if kind == "node" else kind) as emulator:
        first = push_app(new_database(couch_server.url, prefix="clients-up"))
        import_all(first.url, index_url=emulator.index_url, attachments=None, workers=2)
        databases = [first]
        if kind == "node":
            second = push_app(new_database(couch_server.url, prefix="clients-node"))
            import_all(second.url, index_url=rewrite_url(first).rstrip("/"), attachments=None, workers=2)
            databases.append(second)
        try:
            yield kind, emulator, rewrite_url(databases[-1], "simple/")
        finally:
            for db in databases:
                drop(db)


@pytest.mark.parametrize("client", ["pip", "uv"])
def test_install_with_a_dependency(node, client: str, tmp_path: Path) -> None:
    kind, emulator, index = node
    env = isolated_env(tmp_path)
    venv = tmp_path / "venv"
    assert run([str(BIN / "uv"), "venv", "--python", str(BIN / "python"), str(venv)], env).returncode == 0
    python = str(venv / "bin" / "python")
    if client == "pip":
        command = [str(BIN / "python"), "-m", "pip", "--python", python, "install", "--no-cache-dir",
                   "--index-url", index, "demo.pkg"]
    else:
        command = [str(BIN / "uv"), "pip", "install", "--no-config", "--python", python, "--index-url", index,
                   "demo.pkg"]
    emulator.clear_log()
    result = run(command, env)
    assert result.returncode == 0, result.stderr
    packages = installed(venv, env)
    assert packages["Demo.Pkg"] == "1.0" and packages["other_pkg"] == "0.2"  # 2.0 is yanked
    fetched = [r.path.rsplit("/", 1)[-1] for r in emulator.requests_log if r.method == "GET" and r.status == 200]
    metadata = [name for name in fetched if name.endswith(".metadata")]
    failed = [r.path for r in emulator.requests_log if r.status != 200 and r.method == "GET"]
    assert failed == []  # never sent to a file that is not there
    if kind in ("proxy", "devpi"):
        assert metadata == []  # their pages name no metadata file (they serve none)
    else:
        assert "demo_pkg-1.0-py3-none-any.whl.metadata" in metadata
