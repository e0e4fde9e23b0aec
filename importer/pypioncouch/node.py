"""Setting up a node that is safe to expose: ``pypioncouch --setup URL [--writer-role ROLE]``.

One step, run with admin credentials, and safe to run again:

1. create the database (when missing);
2. push the CouchApp (``_design/pypi``);
3. install the guard, ``_design/pypi-guard``: ``couchapp/validate_doc_update.js``,
   which refuses writes from anyone but admins and the writers named in the
   security object, and documents whose shape breaks docs/schema.md;
4. write the ``_security`` object: no members (so anonymous users may read:
   CouchDB 3.x makes new databases admin-only), the database admins kept as
   they were, and ``pypioncouch.writers`` naming the role the importer logs in with.

The guard is a design document of its own, not part of the CouchApp, because
PouchDB Server 4.2.0 silently drops replicated updates (``new_edits=false``)
into any database that has a validate function: a development database or an
embedded mirror must be able to live without it (docs/couchdb-vs-pouchdb.md).

5. on Apache CouchDB, let the browsing pages' search form work: CouchDB sends
   ``Content-Security-Policy: sandbox`` on every show and list response (since
   3.2), and a sandboxed page may not submit forms. ``[csp]
   showlist_header_value`` becomes ``sandbox allow-forms`` on every node of the
   cluster (``/_membership``), which still blocks scripts, plugins and
   same-origin access (docs/deployment.md). Needs a server admin; with a
   database admin only, the summary says what to ask for. PouchDB Server sends
   no CSP and has no ``/_node`` configuration: nothing to do there.

The setup then checks the server is not in "admin party" (every request an
admin): there, nothing can be enforced, and the summary says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import requests

from .cors import CorsCheck, check_cors
from .couch import Database, DatabaseURL
from .designdoc import COUCHAPP_DIR, DESIGN_DOC_ID, push_design_doc

__all__ = ["setup", "install_guard", "security_object", "NodeSetupError", "SetupResult", "DEFAULT_WRITER_ROLE",
           "GUARD_ID", "configure_pages_csp", "PagesCsp", "SHOWLIST_CSP", "server_vendor"]

DEFAULT_WRITER_ROLE = "pypioncouch"
GUARD_ID = "_design/pypi-guard"
GUARD_SOURCE = COUCHAPP_DIR / "validate_doc_update.js"
SHOWLIST_CSP = "sandbox allow-forms"
CONFIG_TIMEOUT = 10.0


class NodeSetupError(RuntimeError):
    """The node could not be set up as asked."""


@dataclass
class PagesCsp:
    """What the setup did about CouchDB's ``[csp]`` settings for shows and lists."""

    server: str  # "couchdb", "pouchdb" or "unknown"
    nodes: list[str] = field(default_factory=list)  # nodes whose setting is right now
    changed: list[str] = field(default_factory=list)  # of those, the ones this run wrote to
    problems: list[str] = field(default_factory=list)  # "node: why" for nodes left as they were

    def __str__(self) -> str:
        if self.server != "couchdb":
            what = "PouchDB Server" if self.server == "pouchdb" else "not Apache CouchDB"
            return f"pages: no Content-Security-Policy to configure ({what})"
        lines = []
        if self.nodes:
            lines.append(f"pages: [csp] showlist_header_value = {SHOWLIST_CSP} on {len(self.nodes)} node(s)"
                         + (f" (set now on {', '.join(self.changed)})" if self.changed else ""))
        if self.problems:
            lines.append(f"WARNING: [csp] not configured ({'; '.join(self.problems)}): browsers will refuse the "
                         f"search form until a server admin sets [csp] showlist_header_value = {SHOWLIST_CSP} "
                         "on every node (docs/deployment.md)")
        return "\n".join(lines)


@dataclass
class SetupResult:
    database: str
    created: bool
    writer_role: str
    admin_party: bool
    pages_csp: PagesCsp | None = None
    cors: CorsCheck | None = None  # cors.py: CouchDB's own CORS must be off

    def __str__(self) -> str:
        lines = [f"{self.database}: {'created' if self.created else 'exists'}, {DESIGN_DOC_ID} and {GUARD_ID} in place, "
                 f"readable by anyone, writable by admins and the role {self.writer_role!r}"]
        if self.pages_csp is not None:
            lines.append(str(self.pages_csp))
        if self.cors is not None:
            lines.append(str(self.cors))
        if self.admin_party:
            lines.append("WARNING: the server has no admin (admin party): every request is an admin "
                         "and nothing is enforced. Create an admin before exposing this node.")
        return "\n".join(lines)


def security_object(current: dict[str, Any], writer_role: str) -> dict[str, Any]:
    """The security object to write: readers open, admins kept, writers named for the validate function."""
    security = {key: value for key, value in current.items() if key not in ("members", "pypioncouch")}
    security.setdefault("admins", {"names": [], "roles": []})
    security["members"] = {"names": [], "roles": []}
    security["pypioncouch"] = {"writers": {"names": [], "roles": [writer_role]}}
    return security


def setup(location: DatabaseURL, *, writer_role: str = DEFAULT_WRITER_ROLE) -> SetupResult:
    """Create, push, secure; see the module docstring."""
    if not writer_role or writer_role.startswith("_"):
        raise NodeSetupError(f"unusable writer role {writer_role!r} (roles starting with '_' are CouchDB's own)")
    db = Database(location, timeout=30, max_wait=30)
    created = db.create()
    push_design_doc(location)
    install_guard(db)
    current = db.request("GET", f"{db.url}/_security", what="read the security object").json()
    db.request("PUT", f"{db.url}/_security", what="write the security object",
               body=security_object(current, writer_role))
    pages_csp = configure_pages_csp(db)
    return SetupResult(str(location), created, writer_role, admin_party=_admin_party(db), pages_csp=pages_csp,
                       cors=check_cors(db, pages_csp.server))


def install_guard(db: Database) -> None:
    """Write ``_design/pypi-guard`` with the validate function (only when it changed)."""
    source = GUARD_SOURCE.read_text(encoding="utf-8").strip()
    guard = {"_id": GUARD_ID, "language": "javascript", "validate_doc_update": source}
    current = db.get(GUARD_ID)
    if current is not None:
        if current.get("validate_doc_update") == source:
            return
        guard["_rev"] = current["_rev"]
    db.put(guard)


def server_vendor(db: Database) -> str:
    """``couchdb`` for Apache CouchDB (``GET /`` says ``"couchdb": "Welcome"`` and names a vendor),
    ``pouchdb`` for PouchDB Server (``"express-pouchdb": "Welcome!"``), else ``unknown``."""
    try:
        response = db.session.get(f"{db.location.server}/", timeout=CONFIG_TIMEOUT, headers={"Accept": "application/json"})
        welcome = response.json() if response.ok else {}
    except (requests.RequestException, ValueError):
        return "unknown"
    if not isinstance(welcome, dict):
        return "unknown"
    if "express-pouchdb" in welcome:
        return "pouchdb"
    if welcome.get("couchdb") == "Welcome" and "vendor" in welcome:
        return "couchdb"
    return "unknown"


def csp_allows_forms_only(value: str | None) -> bool:
    """True for a policy whose ``sandbox`` directive allows forms and not scripts (``sandbox allow-forms``)."""
    for directive in (value or "").split(";"):
        tokens = directive.split()
        if tokens and tokens[0].lower() == "sandbox":
            flags = {token.lower() for token in tokens[1:]}
            return "allow-forms" in flags and "allow-scripts" not in flags
    return False


def configure_pages_csp(db: Database) -> PagesCsp:
    """Set ``[csp] showlist_header_value = sandbox allow-forms`` (and ``showlist_enable`` on) on every
    node of a CouchDB server or cluster; nothing on PouchDB Server. A node that refuses (no server
    admin) or does not answer is reported in ``problems``, not raised: the database itself is set up."""
    result = PagesCsp(server_vendor(db))
    if result.server != "couchdb":
        return result
    server = db.location.server
    try:
        membership = db.session.get(f"{server}/_membership", timeout=CONFIG_TIMEOUT)
    except requests.RequestException as exc:
        result.problems.append(f"/_membership: {type(exc).__name__}")
        return result
    if not membership.ok:
        result.problems.append(f"/_membership: HTTP {membership.status_code} (a server admin is needed)")
        return result
    body = membership.json()
    for node in sorted(set(body.get("cluster_nodes") or []) | set(body.get("all_nodes") or [])):
        try:
            changed = _configure_node_csp(db, f"{server}/_node/{quote(node, safe='@')}/_config/csp")
        except _ConfigRefused as exc:
            result.problems.append(f"{node}: {exc}")
            continue
        result.nodes.append(node)
        if changed:
            result.changed.append(node)
    return result


class _ConfigRefused(Exception):
    pass


def _configure_node_csp(db: Database, section_url: str) -> bool:
    """Make one node's ``[csp]`` right; True when something was written."""
    try:
        section = db.session.get(section_url, timeout=CONFIG_TIMEOUT)
        if not section.ok:
            raise _ConfigRefused(f"HTTP {section.status_code}")
        current = section.json()
        wanted = {}
        if str(current.get("showlist_enable", "true")).strip().lower() != "true":
            wanted["showlist_enable"] = "true"
        if not csp_allows_forms_only(current.get("showlist_header_value", "sandbox")):
            wanted["showlist_header_value"] = SHOWLIST_CSP
        for key, value in wanted.items():
            written = db.session.put(f"{section_url}/{key}", data=json.dumps(value), timeout=CONFIG_TIMEOUT,
                                     headers={"Content-Type": "application/json"})
            if not written.ok:
                raise _ConfigRefused(f"HTTP {written.status_code} writing {key}")
    except (requests.RequestException, ValueError) as exc:
        raise _ConfigRefused(type(exc).__name__) from exc
    return bool(wanted)


def _admin_party(db: Database) -> bool:
    """True when an anonymous request is treated as a server admin."""
    response = requests.get(f"{db.location.server}/_session", timeout=10, headers={"Accept": "application/json"})
    return "_admin" in (response.json().get("userCtx") or {}).get("roles", [])
