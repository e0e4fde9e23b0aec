"""The two servers the project runs itself, behind one way of starting them.

``pouchdb`` is the embedded PouchDB Server 4.2.0 (the default for ``make run``
and a first ``make test``); ``couchdb`` is an installed Apache CouchDB 3.x
release (production's server; ``make test-couchdb``). ``PYPIONCOUCH_SERVER``
chooses between them, so every test and benchmark runs on either.

Both kinds answer the same questions: :attr:`url` (with the admin's
credentials, when there is an admin), :attr:`base_url` (without: what an
anonymous reader uses), :attr:`kind`, ``restart()`` and ``stop()``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol, Union

import requests

from .embedded import EmbeddedServer
from .local_couchdb import CouchDBServer

__all__ = ["LocalServer", "SERVER_KINDS", "server_kind", "start_local_server", "UnknownServerKind"]

SERVER_KINDS = ("pouchdb", "couchdb")


class UnknownServerKind(ValueError):
    """``PYPIONCOUCH_SERVER`` names no server the project can run."""


class LocalServer(Protocol):
    kind: str

    @property
    def url(self) -> str: ...

    @property
    def base_url(self) -> str: ...

    def restart(self, downtime: float = 0.0) -> None: ...

    def stop(self) -> None: ...


AnyServer = Union[EmbeddedServer, CouchDBServer]


def server_kind(env: dict[str, str] | None = None) -> str:
    """``pouchdb`` unless ``PYPIONCOUCH_SERVER`` says otherwise."""
    env = os.environ if env is None else env
    kind = (env.get("PYPIONCOUCH_SERVER") or "pouchdb").strip().lower()
    if kind not in SERVER_KINDS:
        raise UnknownServerKind(f"PYPIONCOUCH_SERVER={kind!r}: expected one of {', '.join(SERVER_KINDS)}")
    return kind


def start_local_server(data_dir: Path | str, *, kind: str | None = None, port: int | None = None,
                       admin: tuple[str, str] | None = None) -> AnyServer:
    """Start a server of ``kind`` (default: :func:`server_kind`) with its data under ``data_dir``.

    ``admin``: the admin to create. CouchDB always has one (``admin``/``pw`` by
    default); PouchDB Server starts in admin party and gets one only when asked,
    the way a developer would end the admin party by hand.
    """
    kind = kind or server_kind()
    if kind == "couchdb":
        return CouchDBServer(data_dir, port=port, **({"admin": admin} if admin else {})).start()
    server = EmbeddedServer(data_dir, port=port).start()
    if admin:
        server.create_admin(*admin)
    return server
