"""``make run``: embedded server, CouchApp, import (falling back to the bundled data), URLs."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import requests

from pypioncouch.embedded import free_port
from pypioncouch.quickstart import DEFAULT_PROJECTS


def test_quickstart_falls_back_to_bundled_data_and_prints_working_urls(tmp_path) -> None:
    """Its own embedded server on either run: CouchDB credentials in the user's shell must not reach it."""
    port = free_port()
    command = [sys.executable, "-m", "pypioncouch.quickstart", "--port", str(port), "--data", str(tmp_path / "couch"),
               "--index-url", "http://127.0.0.1:9"]  # an index that cannot be reached
    env = dict(os.environ, COUCHDB_USER="operator", COUCHDB_PASSWORD="from-the-shell")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        lines = []
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Serving"):
                break
        output = "".join(lines)
        assert "from-the-shell" not in output
        assert "importing the emulator's bundled copy instead" in output
        assert f": {len(DEFAULT_PROJECTS)} imported, 0 already up to date, 0 failed" in output
        pip_url = re.search(r"--index-url (\S+/simple/)", output).group(1)
        assert pip_url == f"http://127.0.0.1:{port}/pypi/_design/pypi/_rewrite/simple/"
        page = requests.get(pip_url + "requests/", headers={"Accept": "application/vnd.pypi.simple.v1+json"}, timeout=30)
        assert page.status_code == 200 and page.json()["name"] == "requests"
        browse = re.search(r"Browse:\s+(\S+)", output).group(1)
        assert requests.get(browse, timeout=30).status_code == 200
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0
