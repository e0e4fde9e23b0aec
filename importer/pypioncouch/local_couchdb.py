"""Apache CouchDB 3.x, started by the project itself: one node, or a cluster of three.

Production is CouchDB; the tests, ``make test-couchdb`` and the benchmarks run
the real server next to the embedded PouchDB Server. This starts an installed
release (``$COUCHDB_RELEASE``, Apache's package layout under ``/opt/couchdb``,
or the one ``make couchdb`` installs under ``var/couchdb``) on a free loopback
port. Everything an instance writes (its ini file, Erlang ``vm.args``, log and
databases) lies under its own data folder, so several instances share one
release, and the release itself is never written to.

CouchDB has no admin party: each instance is started with an admin
(``admin``/``pw`` unless told otherwise), and :attr:`CouchDBServer.url`
carries those credentials, the way a deployment's importer is configured.
"""

from __future__ import annotations

import configparser
import os
import secrets
import socket
import subprocess
import time
from pathlib import Path
from typing import IO, Iterable

import requests

from .embedded import REPO_ROOT, free_port

__all__ = ["CouchDBServer", "CouchDBCluster", "CouchDBServerError", "find_release", "RELEASE_HINT"]

RELEASE_CANDIDATES = (Path("/opt/couchdb"), REPO_ROOT / "var" / "couchdb" / "rel" / "couchdb")
RELEASE_HINT = ("set COUCHDB_RELEASE to an installed Apache CouchDB 3.x release (the folder holding bin/couchdb), "
                "install one under /opt/couchdb, or run `make couchdb` where ../shared/couchdb exists")


class CouchDBServerError(RuntimeError):
    """No CouchDB release was found, or an instance did not start."""


def find_release(env: dict[str, str] | None = None) -> Path | None:
    """The CouchDB release to run: ``$COUCHDB_RELEASE`` first, then the usual places; None if none."""
    env = os.environ if env is None else env
    candidates: Iterable[Path] = [Path(env["COUCHDB_RELEASE"])] if env.get("COUCHDB_RELEASE") else RELEASE_CANDIDATES
    for release in candidates:
        if (release / "bin" / "couchdb").is_file():
            return release.resolve()
    return None


class CouchDBServer:
    """One CouchDB node on loopback; a context manager that stops it on exit.

    ``cookie`` and ``single_node`` exist for clusters: nodes that are to join
    share Erlang's cookie and start without ``single_node`` (see
    :class:`CouchDBCluster`); ``auth_secret`` signs session cookies.

    ``DATADIR/local.ini`` is the last file of the ini chain, so it is where
    CouchDB itself writes: the admin's password hash, the server uuid, what
    ``_cluster_setup`` synchronises between nodes and every ``PUT /_config``
    (``--setup``'s ``[csp]``). :meth:`start` creates it once and, on a restart,
    updates only the settings this class owns (addresses, folders, log file):
    a node comes back as it went down, with its own configuration.
    """

    kind = "couchdb"

    def __init__(self, data_dir: Path | str, *, port: int | None = None, release: Path | None = None,
                 admin: tuple[str, str] = ("admin", "pw"), single_node: bool = True,
                 cookie: str | None = None, host: str = "127.0.0.1", dist_port: int | None = None,
                 name: str | None = None, auth_secret: str | None = None) -> None:
        found = release or find_release()
        if found is None:
            raise CouchDBServerError(f"no CouchDB release found: {RELEASE_HINT}")
        self.release = found
        self.data_dir = Path(data_dir).resolve()
        self.host = host
        self.port = port or free_port(host)
        self.admin = admin
        self.single_node = single_node
        self.cookie = cookie or secrets.token_hex(16)
        self.auth_secret = auth_secret or secrets.token_hex(16)
        self.dist_port = dist_port
        self.name = name or f"couchdb_{self.port}"  # unique among the nodes sharing this address
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def base_url(self) -> str:
        """The server's URL without credentials: what anonymous readers use."""
        return f"http://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """The server's URL with the admin's credentials."""
        user, password = self.admin
        return f"http://{user}:{password}@{self.host}:{self.port}"

    @property
    def node_name(self) -> str:
        return f"{self.name}@{self.host}"

    def _write_config(self) -> None:
        data = self.data_dir / "data"
        data.mkdir(parents=True, exist_ok=True)
        user, password = self.admin
        ini = configparser.RawConfigParser(interpolation=None, strict=False)
        ini.optionxform = str  # type: ignore[assignment,method-assign]  # CouchDB's keys are case-sensitive
        local_ini = self.data_dir / "local.ini"
        if local_ini.exists():
            ini.read(local_ini, encoding="utf-8")
        # Owned by this class, set on every start (the port may change between runs of one data dir).
        owned = {
            "couchdb": {"single_node": "true" if self.single_node else "false",
                        "database_dir": str(data), "view_index_dir": str(data)},
            "chttpd": {"port": str(self.port), "bind_address": self.host},
            "httpd": {"bind_address": self.host},
            "log": {"writer": "file", "file": str(self.data_dir / "couchdb.log")},
        }
        # Set once, then CouchDB's: it hashes the admin's password into this file on first start (a
        # cluster's nodes then share finish_cluster's copy of the first node's hash: rewriting the
        # plain password would give a restarted node a salt of its own, and cookie sessions made
        # on the others would fail there), _cluster_setup syncs the secret, --setup writes [csp].
        initial = {"chttpd_auth": {"secret": self.auth_secret}, "log": {"level": "warning"},
                   "admins": {user: password}}
        for section, values in owned.items():
            if not ini.has_section(section):
                ini.add_section(section)
            for key, value in values.items():
                ini.set(section, key, value)
        for section, values in initial.items():
            if not ini.has_section(section):
                ini.add_section(section)
            for key, value in values.items():
                if not ini.has_option(section, key):
                    ini.set(section, key, value)
        with open(local_ini, "w", encoding="utf-8") as out:
            ini.write(out)
        vm_args = (self.release / "etc" / "vm.args").read_text(encoding="utf-8").splitlines()
        interface = "{" + self.host.replace(".", ",") + "}"
        vm_args = [f"-name {self.node_name}" if line.startswith("-name ")
                   else f"-kernel inet_dist_use_interface {interface}" if "inet_dist_use_interface" in line
                   else line for line in vm_args]
        vm_args.append(f"-setcookie {self.cookie}")
        if self.dist_port is not None:
            # Erlang distribution on a fixed port, without epmd: each node of a local cluster has an
            # address of its own, and an epmd already running on 127.0.0.1 could not serve those.
            vm_args += [f"-erl_epmd_port {self.dist_port}", "-start_epmd false"]
        (self.data_dir / "vm.args").write_text("\n".join(vm_args) + "\n", encoding="utf-8")

    def start(self, timeout: float = 90.0) -> "CouchDBServer":
        self._write_config()
        env = dict(os.environ,
                   COUCHDB_ARGS_FILE=str(self.data_dir / "vm.args"),
                   COUCHDB_INI_FILES=f"{self.release / 'etc' / 'default.ini'} {self.data_dir / 'local.ini'}",
                   ERL_EPMD_ADDRESS="127.0.0.1",  # epmd, when this VM starts it, listens on loopback only
                   ERL_CRASH_DUMP=str(self.data_dir / "erl_crash.dump"))
        self._log = open(self.data_dir / "couchdb.stdout", "ab")
        self.process = subprocess.Popen([str(self.release / "bin" / "couchdb")], cwd=self.data_dir, env=env,
                                        stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        start_new_session=True)
        self._wait_until_up(timeout)
        return self

    def _wait_until_up(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise CouchDBServerError(f"CouchDB exited with {self.process.returncode}; "
                                         f"see {self.data_dir / 'couchdb.stdout'} and couchdb.log")
            try:
                # /_up answers 200 once the node serves requests (404 while it seeds, or in maintenance mode).
                if requests.get(self.base_url + "/_up", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise CouchDBServerError(f"CouchDB did not answer on {self.base_url} within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
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

    def __enter__(self) -> "CouchDBServer":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class CouchDBCluster:
    """Three CouchDB nodes on loopback, joined with ``/_cluster_setup``: the engine users grow into.

    Every node shares the cookie and the admin. :attr:`url` is the first node's;
    any node serves every request, and :meth:`CouchDBServer.stop` on one of
    :attr:`nodes` takes it down; ``start()`` brings it back with its data and
    its configuration, and :meth:`wait_connected` waits until the others see it.
    """

    def __init__(self, data_dir: Path | str, *, size: int = 3, release: Path | None = None,
                 admin: tuple[str, str] = ("admin", "pw")) -> None:
        # Each node on an address of its own in 127/8: /_cluster_setup refuses to cluster nodes
        # bound to 127.0.0.1, and the whole range is loopback, so nothing leaves the machine.
        hosts = [f"127.0.0.{11 + i}" for i in range(size)]
        cookie, auth_secret, dist_port = secrets.token_hex(16), secrets.token_hex(16), _port_free_on(hosts)
        root = Path(data_dir)
        self.nodes = [CouchDBServer(root / f"node{i}", release=release, admin=admin, single_node=False,
                                    cookie=cookie, auth_secret=auth_secret, host=host,
                                    dist_port=dist_port, name="couchdb") for i, host in enumerate(hosts)]

    @property
    def url(self) -> str:
        return self.nodes[0].url

    @property
    def base_url(self) -> str:
        return self.nodes[0].base_url

    def start(self) -> "CouchDBCluster":
        try:
            for node in self.nodes:
                node.start()
            self._join()
        except BaseException:
            self.stop()
            raise
        return self

    def _join(self) -> None:
        first = self.nodes[0]
        user_password = {"username": first.admin[0], "password": first.admin[1]}
        # A node with an admin, bound to an address other than 127.0.0.1, is "cluster enabled"
        # from the start (CouchDB's setup checks exactly that), so joining is add_node, then finish.
        for node in self.nodes[1:]:
            _cluster_setup(first, {"action": "add_node", "host": node.host, "port": node.port, "name": node.name,
                                   **user_password})
        _cluster_setup(first, {"action": "finish_cluster"})
        self.wait_connected()

    def wait_connected(self, timeout: float = 60.0) -> None:
        """Wait until every running node lists every node as a member and every running node as
        connected (``/_membership``: ``cluster_nodes`` and ``all_nodes``)."""
        members = sorted(node.node_name for node in self.nodes)
        deadline = time.monotonic() + timeout
        seen: dict[str, object] = {}
        while True:
            running = [node for node in self.nodes if node.process is not None]
            connected = sorted(node.node_name for node in running)
            try:
                seen = {node.node_name: requests.get(node.url + "/_membership", timeout=10).json() for node in running}
                if all(sorted(m.get("cluster_nodes", [])) == members and sorted(m.get("all_nodes", [])) == connected
                       for m in seen.values()):
                    return
            except (requests.RequestException, ValueError):
                pass
            if time.monotonic() > deadline:
                raise CouchDBServerError(f"the cluster did not form within {timeout:.0f} s: membership {seen}")
            time.sleep(0.25)

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()

    def __enter__(self) -> "CouchDBCluster":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _port_free_on(hosts: list[str], attempts: int = 50) -> int:
    """A TCP port nobody listens on at any of ``hosts`` (the nodes' shared Erlang distribution port)."""
    for _ in range(attempts):
        port = free_port(hosts[0])
        try:
            for host in hosts[1:]:
                with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
                    sock.bind((host, port))
        except OSError:
            continue
        return port
    raise CouchDBServerError(f"no port free on all of {', '.join(hosts)}")


def _cluster_setup(node: CouchDBServer, body: dict[str, object]) -> None:
    response = requests.post(node.url + "/_cluster_setup", json=body, timeout=60)
    if response.status_code not in (200, 201):
        raise CouchDBServerError(f"_cluster_setup {body['action']} on {node.base_url}: "
                                 f"HTTP {response.status_code} {response.text[:300]}")

