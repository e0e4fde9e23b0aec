"""pip and uv install through `.../_design/pypi/_rewrite/simple/` and nothing else."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Callable

import pytest

from .conftest import BIN, Index, couch_index, installed, isolated_env, run, venv  # noqa: F401

pytestmark = pytest.mark.clients


def pip_install(index: Index, venv: Path, env: dict[str, str], *requirements: str) -> subprocess.CompletedProcess[str]:
    return run([str(BIN / "python"), "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
                "--no-cache-dir", "--index-url", index.url, *requirements], env)


def uv_install(index: Index, venv: Path, env: dict[str, str], *requirements: str) -> subprocess.CompletedProcess[str]:
    return run([str(BIN / "uv"), "pip", "install", "--no-config", "--python", str(venv / "bin" / "python"),
                "--index-url", index.url, *requirements], env)


CLIENTS: dict[str, Callable[..., subprocess.CompletedProcess[str]]] = {"pip": pip_install, "uv": uv_install}


@pytest.fixture(params=sorted(CLIENTS))
def install(request: pytest.FixtureRequest, couch_index: Index, venv: Path, tmp_path: Path):
    env = isolated_env(tmp_path)
    couch_index.emulator.clear_log()

    def do(*requirements: str) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
        result = CLIENTS[request.param](couch_index, venv, env, *requirements)
        return result, installed(venv, env)
    return do


def fetched_files(index: Index) -> list[str]:
    """File names the clients downloaded from the emulator (the only place files are served)."""
    return [r.path.rsplit("/", 1)[-1] for r in index.emulator.requests_log if r.path.startswith("/packages/")]


def test_pinned_version(install) -> None:
    result, packages = install("pinned.pkg==1.0.0")
    assert result.returncode == 0, result.stderr
    assert packages["Pinned.Pkg"] == "1.0.0"


def test_range_prefers_a_release_that_is_not_yanked(install) -> None:
    result, packages = install("yanky>=1,<3")
    assert result.returncode == 0, result.stderr
    assert packages["yanky"] == "2.0.0"


def test_range_below_a_yanked_release(install) -> None:
    result, packages = install("yanky<2")
    assert result.returncode == 0, result.stderr
    assert packages["yanky"] == "1.0.0"  # 1.5.0 is newer but yanked


def test_requires_python_excludes_a_release(install) -> None:
    result, packages = install("py-gate")
    assert result.returncode == 0, result.stderr
    assert packages["py-gate"] == "1.0.0"  # 2.0.0 wants Python >= 3.99


def test_wheel_is_chosen_over_sdist(install, couch_index: Index) -> None:
    result, packages = install("wheel-or-sdist")
    assert result.returncode == 0, result.stderr
    assert packages["wheel-or-sdist"] == "1.0.0"
    fetched = fetched_files(couch_index)
    assert [name for name in fetched if not name.endswith(".metadata")] == ["wheel_or_sdist-1.0.0-py3-none-any.whl"]
    # Both clients read the wheel's core metadata first (PEP 658): the page said it exists.
    assert "wheel_or_sdist-1.0.0-py3-none-any.whl.metadata" in fetched


def test_unknown_project_fails_cleanly(install) -> None:
    result, packages = install("no-such-project-anywhere")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    message = result.stderr.lower()
    assert "no matching distribution found for no-such-project-anywhere" in message or \
        "no-such-project-anywhere was not found in the package registry" in message, result.stderr
    assert "no-such-project-anywhere" not in packages


def test_pip_checks_hashes_from_the_index(couch_index: Index, venv: Path, tmp_path: Path) -> None:
    """With --require-hashes pip accepts the file only if its bytes match the hash we give;
    the hash comes from the emulator's payload, not from the CouchApp."""
    env = isolated_env(tmp_path)
    project = couch_index.emulator.dataset.get("pinned.pkg")
    wheel = next(f for f in project.releases["1.1.0"].files if f.filename.endswith(".whl"))
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(f"pinned.pkg==1.1.0 --hash=sha256:{wheel.digests['sha256']}\n")
    result = pip_install(couch_index, venv, env, "--require-hashes", "-r", str(requirements))
    assert result.returncode == 0, result.stderr
    assert installed(venv, env)["Pinned.Pkg"] == "1.1.0"
    requirements.write_text(f"pinned.pkg==1.1.0 --hash=sha256:{'0' * 64}\n")
    result = pip_install(couch_index, venv, env, "--force-reinstall", "--require-hashes", "-r", str(requirements))
    assert result.returncode != 0 and "THESE PACKAGES DO NOT MATCH THE HASHES" in result.stderr


def test_pip_reads_the_json_simple_api(couch_index: Index, tmp_path: Path) -> None:
    """pip sends its Accept header; the CouchApp must answer JSON (pip's first choice)."""
    import requests
    from tests.couchapp.served_data import PIP_ACCEPT  # type: ignore[import-not-found]
    response = requests.get(couch_index.url + "yanky/", headers={"Accept": PIP_ACCEPT}, timeout=30)
    assert response.headers["Content-Type"] == "application/vnd.pypi.simple.v1+json"
    yanked = {f["filename"]: f["yanked"] for f in response.json()["files"]}
    assert yanked["yanky-1.5.0-py3-none-any.whl"] == "broken build"
