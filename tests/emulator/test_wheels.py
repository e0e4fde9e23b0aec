"""Installable projects: real wheels and sdists, fetched by pip from the emulator."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from pypioncouch.emulator import EmulatorServer, build_sdist, build_wheel, dist_name, installable_project
from pypioncouch.emulator.dataset import default_info


def test_dist_name_is_normalized_with_underscores() -> None:
    assert dist_name("Foo.Bar-baz__Qux") == "foo_bar_baz_qux"


def test_wheel_has_metadata_and_a_correct_record() -> None:
    info = default_info("Foo.Bar", "1.2", requires_python=">=3.9", requires_dist=["requests>=2"])
    data = build_wheel(info)
    assert build_wheel(info) == data  # byte-for-byte deterministic
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert "foo_bar/__init__.py" in names
        metadata = archive.read("foo_bar-1.2.dist-info/METADATA").decode()
        assert "Requires-Python: >=3.9" in metadata and "Requires-Dist: requests>=2" in metadata
        assert "Root-Is-Purelib: true" in archive.read("foo_bar-1.2.dist-info/WHEEL").decode()
        for line in archive.read("foo_bar-1.2.dist-info/RECORD").decode().splitlines():
            path, digest, size = line.split(",")
            if path.endswith("RECORD"):
                assert digest == size == ""
                continue
            content = archive.read(path)
            expected = base64.urlsafe_b64encode(hashlib.sha256(content).digest()).rstrip(b"=").decode()
            assert (digest, int(size)) == (f"sha256={expected}", len(content))


def test_sdist_is_a_tarball_with_pkg_info() -> None:
    data = build_sdist(default_info("Foo.Bar", "1.2"))
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        pkg_info = archive.extractfile("foo_bar-1.2/PKG-INFO").read().decode()
    assert "Name: Foo.Bar" in pkg_info and "Version: 1.2" in pkg_info


def test_installable_project_options() -> None:
    data = installable_project("Lib", ["1.0", "2.0"], requires_python={"2.0": ">=3.99"}, yanked={"1.0"},
                               sdist=False, dependencies={"2.0": ["idna"]})
    project = data.get("lib")
    assert [f.filename for f in project.releases["2.0"].files] == ["lib-2.0-py3-none-any.whl"]
    assert project.releases["1.0"].yanked and project.releases["1.0"].yanked_reason is None
    assert project.releases["2.0"].info["requires_python"] == ">=3.99"
    assert project.releases["2.0"].info["requires_dist"] == ["idna"]
    assert project.releases["1.0"].info["requires_dist"] is None


def _pip_env() -> dict[str, str]:
    """pip isolated from this machine's global configuration (which adds other indexes)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_CACHE_DIR="1")
    return env


def _pip_download(emulator: EmulatorServer, dest: Path, *requirements: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--index-url", f"{emulator.url}/simple/",
               "--dest", str(dest), *requirements]
    return subprocess.run(command, env=_pip_env(), capture_output=True, text=True, timeout=120)


@pytest.mark.clients
def test_pip_downloads_the_wheel(emulator: EmulatorServer, tmp_path: Path) -> None:
    result = _pip_download(emulator, tmp_path, "demo.pkg")
    assert result.returncode == 0, result.stdout + result.stderr
    downloaded = tmp_path / "demo_pkg-2.0-py3-none-any.whl"
    payload = emulator.dataset.get("demo-pkg").releases["2.0"].files[0]
    assert hashlib.sha256(downloaded.read_bytes()).hexdigest() == payload.digests["sha256"]
    assert any(r.path.startswith("/simple/demo-pkg/") for r in emulator.requests_log)


@pytest.mark.clients
def test_pip_skips_yanked_and_honours_requires_python(emulator: EmulatorServer, tmp_path: Path) -> None:
    installable_project("Picky", ["1.0", "2.0", "3.0"], requires_python={"3.0": ">=3.99"}, yanked={"2.0": "bad"},
                        dataset=emulator.dataset)
    result = _pip_download(emulator, tmp_path, "picky")
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["picky-1.0-py3-none-any.whl"]
    pinned = _pip_download(emulator, tmp_path / "pinned", "picky==2.0")
    assert pinned.returncode == 0, pinned.stdout + pinned.stderr
    assert (tmp_path / "pinned" / "picky-2.0-py3-none-any.whl").exists()
