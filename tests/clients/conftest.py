"""pip and uv against the CouchApp: an emulator serving installable files, imported into CouchDB.

Both clients are isolated from this machine's configuration (which adds other indexes):
pip with PIP_CONFIG_FILE=/dev/null, uv with --no-config and its own cache, and every
install goes into a fresh virtual environment, so a pass cannot come from elsewhere.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from pypioncouch import import_all
from pypioncouch.couch import Database
from pypioncouch.emulator import Dataset, EmulatorServer, installable_project
from tests.conftest import new_database, push_app, rewrite_url

BIN = Path(sys.executable).parent


def client_dataset() -> Dataset:
    """Projects shaped for the cases the tests name (expectations follow from these choices)."""
    data = installable_project("Pinned.Pkg", ["1.0.0", "1.1.0"])
    installable_project("yanky", ["1.0.0", "1.5.0", "2.0.0"], yanked={"1.5.0": "broken build"}, dataset=data)
    installable_project("py-gate", ["1.0.0", "2.0.0"], requires_python={"1.0.0": ">=3.8", "2.0.0": ">=3.99"},
                        dataset=data)
    installable_project("wheel-or-sdist", ["1.0.0"], dataset=data)
    return data


@dataclass
class Index:
    emulator: EmulatorServer
    db: Database

    @property
    def url(self) -> str:
        return rewrite_url(self.db, "simple/")


@pytest.fixture(scope="module")
def couch_index(couch_server) -> Iterator[Index]:
    with EmulatorServer(client_dataset()) as emulator:
        db = new_database(couch_server.url, prefix="clients")
        push_app(db)
        import_all(db.url, index_url=emulator.url, attachments=None, workers=2)
        yield Index(emulator, db)
        db.request("DELETE", db.url, what="drop test database", ok=(200, 202, 404))


def isolated_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_"))}
    env.update(PIP_CONFIG_FILE="/dev/null", PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1",
               UV_NO_CONFIG="1", UV_CACHE_DIR=str(tmp_path / "uv-cache"), UV_PYTHON_DOWNLOADS="never")
    return env


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)


@pytest.fixture
def venv(tmp_path: Path) -> Path:
    """A fresh, empty virtual environment (no pip inside: the venv's own pip is never used)."""
    target = tmp_path / "venv"
    result = run([str(BIN / "uv"), "venv", "--python", sys.executable, str(target)], isolated_env(tmp_path))
    assert result.returncode == 0, result.stderr
    return target


def installed(venv: Path, env: dict[str, str]) -> dict[str, str]:
    """name -> version of every distribution in the venv, read by the venv's own Python."""
    code = "import importlib.metadata as m, json; print(json.dumps({d.metadata['Name']: d.version for d in m.distributions()}))"
    result = run([str(venv / "bin" / "python"), "-c", code], env)
    assert result.returncode == 0, result.stderr
    import json
    return json.loads(result.stdout)
