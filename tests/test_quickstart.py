"""``make run``: embedded server, CouchApp, import from the configured index (falling back to the
bundled data only when that index does not answer), URLs whose commands work."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import requests

from pypioncouch.embedded import free_port
from pypioncouch.emulator import Dataset, EmulatorServer, installable_project
from pypioncouch.quickstart import DEFAULT_PROJECTS
from tests.clients.conftest import BIN, installed, isolated_env, run

SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
REQUESTS_DEPENDENCIES = ["charset-normalizer", "idna", "urllib3", "certifi"]


def start_quickstart(tmp_path: Path, index_url: str, port: int) -> tuple[subprocess.Popen[str], str]:
    """Start `make run`'s program; return it and what it printed up to "Serving"."""
    command = [sys.executable, "-m", "pypioncouch.quickstart", "--port", str(port), "--data", str(tmp_path / "couch"),
               "--index-url", index_url]
    env = dict(os.environ, COUCHDB_USER="operator", COUCHDB_PASSWORD="from-the-shell")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    lines = []
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line)
        if line.startswith("Serving"):
            break
    return process, "".join(lines)


def stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    assert process.wait(timeout=30) == 0


def default_projects() -> Dataset:
    """Installable stand-ins for the default projects, requests depending on its real dependencies."""
    data = Dataset()
    for name in DEFAULT_PROJECTS:
        installable_project(name, ["1.0.0"], dependencies=REQUESTS_DEPENDENCIES if name == "requests" else (),
                            dataset=data)
    return data


def test_quickstart_falls_back_to_bundled_data_and_prints_working_urls(tmp_path) -> None:
    """Its own embedded server on either run: CouchDB credentials in the user's shell must not reach it."""
    port = free_port()
    process, output = start_quickstart(tmp_path, "http://127.0.0.1:9", port)  # an index that cannot be reached
    try:
        assert "from-the-shell" not in output
        assert "importing the emulator's bundled copy instead" in output
        assert f": {len(DEFAULT_PROJECTS)} imported, 0 already up to date, 0 failed" in output
        pip_url = re.search(r"--index-url (\S+/simple/)", output).group(1)
        assert pip_url == f"http://127.0.0.1:{port}/pypi/_design/pypi/_rewrite/simple/"
        page = requests.get(pip_url + "requests/", headers={"Accept": SIMPLE_JSON}, timeout=30)
        assert page.status_code == 200 and page.json()["name"] == "requests"
        browse = re.search(r"Browse:\s+(\S+)", output).group(1)
        assert requests.get(browse, timeout=30).status_code == 200
    finally:
        stop(process)


def test_the_offline_copy_points_pip_only_at_real_files_and_says_what_that_needs(tmp_path) -> None:
    """No placeholder files, no emulator port that is gone once the command stops: every file URL is
    the real file on files.pythonhosted.org, and the output says installing needs that host."""
    port = free_port()
    process, output = start_quickstart(tmp_path, "http://127.0.0.1:9", port)
    try:
        assert "Offline copy" in output and "files.pythonhosted.org" in output and "Update:" not in output
        app = f"http://127.0.0.1:{port}/pypi/_design/pypi/_rewrite/"
        for name in DEFAULT_PROJECTS:
            page = requests.get(f"{app}simple/{name}/", headers={"Accept": SIMPLE_JSON}, timeout=30).json()
            assert page["files"] and all(f["url"].startswith("https://files.pythonhosted.org/") for f in page["files"])
            payload = requests.get(f"{app}pypi/{name}/json", timeout=30).json()
            assert all(f["url"].startswith("https://files.pythonhosted.org/")
                       for files in payload["releases"].values() for f in files)
    finally:
        stop(process)


def test_quickstart_imports_from_an_index_that_answers_for_its_projects_and_pip_and_uv_install(tmp_path) -> None:
    """A proxy of PyPI (no XML-RPC, an HTML-only /simple/, no serial header) answers for the named
    projects: that is enough. The printed pip and uv commands install requests and its dependencies."""
    with EmulatorServer(default_projects(), flavour="proxy") as index:
        port = free_port()
        process, output = start_quickstart(tmp_path, index.url, port)
        try:
            assert "bundled copy" not in output and f"projects from {index.url}: {len(DEFAULT_PROJECTS)} imported" in output
            assert f"--index-url {index.url}" in output  # the Update: line
            env = isolated_env(tmp_path)
            for client in ("pip", "uv"):
                command = re.search(rf"^{client}:\s+(.+)$", output, re.MULTILINE).group(1).split()
                target = tmp_path / f"venv-{client}"
                assert run([str(BIN / "uv"), "venv", "--python", sys.executable, str(target)], env).returncode == 0
                python = str(target / "bin" / "python")
                if client == "pip":
                    argv = [str(BIN / "python"), "-m", "pip", "--python", python, *command[1:], "--no-cache-dir"]
                else:
                    argv = [str(BIN / "uv"), *command[1:3], "--no-config", "--python", python, *command[3:]]
                result = run(argv, env)
                assert result.returncode == 0, result.stderr
                assert set(installed(target, env)) >= {"requests", *REQUESTS_DEPENDENCIES}
        finally:
            stop(process)


def test_a_second_make_run_on_the_same_data_says_which_one_is_serving(tmp_path) -> None:
    """Only one server can open the data folder (LevelDB's lock): a second `make run` says at once which
    one serves it and where, instead of a port message, a silent wait and a traceback."""
    port = free_port()
    process, output = start_quickstart(tmp_path, "http://127.0.0.1:9", port)
    try:
        second = subprocess.run([sys.executable, "-m", "pypioncouch.quickstart", "--port", str(port),
                                 "--data", str(tmp_path / "couch"), "--index-url", "http://127.0.0.1:9", "--exit"],
                                capture_output=True, text=True, timeout=60)
        assert second.returncode == 1, second.stdout + second.stderr
        assert f"already serving {tmp_path / 'couch'} (PID {process.pid})" in second.stderr
        assert f"http://127.0.0.1:{port}/pypi/_design/pypi/_rewrite/" in second.stderr
        assert "Traceback" not in second.stderr + second.stdout
    finally:
        stop(process)
    assert not (tmp_path / "couch" / "make-run.json").exists()  # the next make run starts normally
