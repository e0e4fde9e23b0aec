"""``--setup``'s look at CouchDB's CORS: the CouchApp's answers already say ``*``.

Every list answer (the Simple API, the JSON API, the browsing listings and feeds) carries
``Access-Control-Allow-Origin: *`` itself (couchapp/lib/http_cache.js), on every server, so
a page on any origin can read them. CouchDB's own CORS (``[chttpd] enable_cors = true``)
must then stay off on a public node: it adds the request's Origin to that header
(``https://a.example, *``), which browsers refuse, and with ``[cors] origins = *`` it
answers every other database of the server to every origin too. So the setup only reads
``enable_cors`` on every node of the cluster (as CouchDB reads it: ``[chttpd]``, then
``[httpd]``) and says when one has it on; it changes nothing (CORS is server-wide, and
another application of the server may want it). docs/deployment.md, "CORS".

PouchDB Server has CORS on for every answer (the request's origin, with credentials);
the CouchApp's ``*`` replaces its origin on list answers. Nothing to check there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

import requests

from .couch import Database

__all__ = ["CorsCheck", "check_cors"]

TIMEOUT = 10.0


@dataclass
class CorsCheck:
    server: str                                          # "couchdb", "pouchdb" or "unknown"
    enabled_on: list[str] = field(default_factory=list)  # nodes where CouchDB's CORS is on
    unknown: list[str] = field(default_factory=list)     # "node: why" where it could not be read

    @property
    def ok(self) -> bool:
        return not self.enabled_on and not self.unknown

    def __str__(self) -> str:
        if self.server != "couchdb":
            return "CORS: the CouchApp's answers say Access-Control-Allow-Origin: * (nothing to configure here)"
        lines = []
        if self.enabled_on:
            lines.append(f"WARNING: CORS: [chttpd] enable_cors is true on {', '.join(self.enabled_on)}: CouchDB then "
                         "adds the request's origin to the CouchApp's own 'Access-Control-Allow-Origin: *' and "
                         "browsers refuse the answer; set it false on a public node (docs/deployment.md)")
        if self.unknown:
            lines.append(f"WARNING: CORS: could not read [chttpd] enable_cors ({'; '.join(self.unknown)}): it must "
                         "be false for browsers to read the CouchApp's answers (docs/deployment.md)")
        return "\n".join(lines) or "CORS: CouchDB's own is off; the CouchApp's answers say Access-Control-Allow-Origin: *"


def _enabled(db: Database, node: str) -> bool:
    """CouchDB's ``enable_cors`` for one node, read as chttpd_util reads it ([chttpd], then [httpd])."""
    for section in ("chttpd", "httpd"):
        response = db.session.get(f"{db.location.server}/_node/{quote(node, safe='@')}/_config/{section}/enable_cors",
                                  timeout=TIMEOUT)
        if response.status_code == 404:
            continue
        response.raise_for_status()
        return str(response.json()).strip().lower() == "true"
    return False


def check_cors(db: Database, server: str) -> CorsCheck:
    """What CouchDB's CORS is on every node of ``db``'s server (``server``: node.server_vendor's answer)."""
    result = CorsCheck(server)
    if server != "couchdb":
        return result
    try:
        membership = db.session.get(f"{db.location.server}/_membership", timeout=TIMEOUT)
        membership.raise_for_status()
        body = membership.json()
    except (requests.RequestException, ValueError) as exc:
        result.unknown.append(f"/_membership: {type(exc).__name__}")
        return result
    for node in sorted(set(body.get("cluster_nodes") or []) | set(body.get("all_nodes") or [])):
        try:
            if _enabled(db, node):
                result.enabled_on.append(node)
        except (requests.RequestException, ValueError) as exc:
            result.unknown.append(f"{node}: {type(exc).__name__}")
    return result
