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

The setup then checks the server is not in "admin party" (every request an
admin): there, nothing can be enforced, and the summary says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

from .couch import Database, DatabaseURL
from .designdoc import COUCHAPP_DIR, DESIGN_DOC_ID, push_design_doc

__all__ = ["setup", "install_guard", "security_object", "NodeSetupError", "SetupResult", "DEFAULT_WRITER_ROLE",
           "GUARD_ID"]

DEFAULT_WRITER_ROLE = "pypioncouch"
GUARD_ID = "_design/pypi-guard"
GUARD_SOURCE = COUCHAPP_DIR / "validate_doc_update.js"


class NodeSetupError(RuntimeError):
    """The node could not be set up as asked."""


@dataclass
class SetupResult:
    database: str
    created: bool
    writer_role: str
    admin_party: bool

    def __str__(self) -> str:
        lines = [f"{self.database}: {'created' if self.created else 'exists'}, {DESIGN_DOC_ID} and {GUARD_ID} in place, "
                 f"readable by anyone, writable by admins and the role {self.writer_role!r}"]
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
    return SetupResult(str(location), created, writer_role, admin_party=_admin_party(db))


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


def _admin_party(db: Database) -> bool:
    """True when an anonymous request is treated as a server admin."""
    response = requests.get(f"{db.location.server}/_session", timeout=10, headers={"Accept": "application/json"})
    return "_admin" in (response.json().get("userCtx") or {}).get("roles", [])
