"""`python -m pypioncouch.emulator` prints its URL and serves."""

from __future__ import annotations

import subprocess
import sys

import requests


def test_command_line_serves_a_generated_set() -> None:
    command = [sys.executable, "-m", "pypioncouch.emulator", "--dataset", "generated", "--projects", "5",
               "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        index = requests.get(f"{url}/simple/", headers={"Accept": "application/vnd.pypi.simple.v1+json"},
                             timeout=10).json()
        assert len(index["projects"]) == 5
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
