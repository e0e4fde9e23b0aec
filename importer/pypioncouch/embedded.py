"""The embedded server: PouchDB Server 4.2.0, started by the project itself.

Development, ``make run`` and the tests use it in place of Apache CouchDB. It
is the npm package pinned in ``package.json``, run by the machine's Node.js on
a loopback port, with its data, config and log files under one folder.

The package is run unchanged, as its own main module; ``embedded_http.js`` (package
data next to this file) is preloaded with ``node --require`` and corrects two things.
PouchDB Server sends list responses with both ``Content-Length`` and
``Transfer-Encoding: chunked``, which strict HTTP clients (aiohttp, so bandersnatch)
refuse and pip warns about; the preload keeps ``Content-Length`` only. And its
``_rewrite`` hands express the rewritten request's headers with CouchDB-cased names
(``If-None-Match``), so express's conditional GET never answered 304 there (nor did
it gzip); the preload keeps request header names lower-case, as Node parses them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import IO

import requests

__all__ = ["EmbeddedServer", "EmbeddedServerError", "free_port", "REPO_ROOT"]

REPO_ROOT = Path(__file__).resolve().parents[2]
# Preloaded into PouchDB Server: never both Content-Length and Transfer-Encoding in a response,
# and lower-case request header names after a _rewrite (so express answers 304 there).
HTTP_PRELOAD = Path(__file__).resolve().with_name("embedded_http.js")


class EmbeddedServerError(RuntimeError):
    """The embedded server could not be found or did not start."""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def http_preload_script() -> Path:
    """The Node module :meth:`EmbeddedServer.start` preloads (``node --require``)."""
    if not HTTP_PRELOAD.exists():
        raise EmbeddedServerError(f"{HTTP_PRELOAD} is missing: the pypioncouch package is installed without its package data")
    return HTTP_PRELOAD


def pouchdb_server_script() -> Path:
    """Where ``npm ci`` put PouchDB Server (override with ``PYPIONCOUCH_NODE_MODULES``)."""
    node_modules = Path(os.environ.get("PYPIONCOUCH_NODE_MODULES", REPO_ROOT / "node_modules"))
    script = node_modules / "pouchdb-server" / "bin" / "pouchdb-server"
    if not script.exists():
        raise EmbeddedServerError(f"PouchDB Server is not installed at {script}: run `make node-deps` (npm ci)")
    return script


class EmbeddedServer:
    """A PouchDB Server process; a context manager that stops it on exit."""

    kind = "pouchdb"

    def __init__(self, data_dir: Path | str, *, port: int | None = None, host: str = "127.0.0.1",
                 in_memory: bool = False) -> None:
        self.data_dir = Path(data_dir)
        self.host = host
        self.port = port or free_port(host)
        self.in_memory = in_memory
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self.admin: tuple[str, str] | None = None  # none: "admin party", every request is an admin

    @property
    def base_url(self) -> str:
        """The server's URL without credentials: what anonymous readers use."""
        return f"http://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """The server's URL, with the admin's credentials once :meth:`create_admin` made one."""
        if self.admin is None:
            return self.base_url
        return f"http://{self.admin[0]}:{self.admin[1]}@{self.host}:{self.port}"

    def create_admin(self, name: str, password: str) -> None:
        """End the admin party, as ``PUT /_config/admins/<name>`` does on a server an operator runs."""
        response = requests.put(f"{self.base_url}/_config/admins/{name}", json=password, timeout=10)
        response.raise_for_status()
        self.admin = (name, password)

    def start(self, timeout: float = 60.0) -> "EmbeddedServer":
        node = shutil.which("node")
        if node is None:
            raise EmbeddedServerError("Node.js (`node`) is not on PATH")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        command = [
            node, "--unhandled-rejections=warn", "--require", str(http_preload_script()), str(pouchdb_server_script()),
            "--host", self.host, "--port", str(self.port),
            "--dir", str(self.data_dir), "--config", str(self.data_dir / "config.json"),
            "--no-stdout-logs",
        ]
        if self.in_memory:
            command.append("--in-memory")
        self._log = open(self.data_dir / "server.log", "ab")
        self.process = subprocess.Popen(command, cwd=self.data_dir, stdout=self._log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL)
        self._wait_until_up(timeout)
        return self

    def _wait_until_up(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise EmbeddedServerError(f"PouchDB Server exited with {self.process.returncode}; see {self.data_dir / 'server.log'}")
            try:
                if requests.get(self.base_url + "/", timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise EmbeddedServerError(f"PouchDB Server did not answer on {self.url} within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def restart(self, downtime: float = 0.0) -> None:
        """Stop and start again on the same port and data (tests of a restarting database)."""
        self.stop()
        time.sleep(downtime)
        self.start()

    def __enter__(self) -> "EmbeddedServer":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
