"""Finding a node's database from the URL a user has, and reading it over HTTP.

A user may hold any of these URLs for a node, and each names the database:

- the database: ``http://host:5984/pypi`` (through the public front of docs/deployment.md,
  ``https://pypi.example.org/pypi``);
- the server: ``http://host:5984`` (the database is then ``pypi``, as for the importer);
- the CouchApp under ``_rewrite``: ``http://host:5984/pypi/_design/pypi/_rewrite/`` (any path
  below it too).

The client reads documents, views and ``_changes`` (the REST API; docs/schema.md), so it
needs the database. The CouchApp's root behind a vhost or a prefix proxy
(``https://pypi.example.org/simple/``'s root) does not lead there: the CouchApp's rules reach
stored files only (``/files/:doc/:file``), so such a URL is ``NotANode``, with a message
saying which URL to give instead. Every request has a timeout; credentials come only from
the URL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import requests

from .errors import AccessDenied, NodeError, NodeUnreachable, NotANode

__all__ = ["Transport", "NodeLocation", "locate", "split_credentials", "document_url", "DESIGN_DOC"]

DESIGN_DOC = "pypi"
DEFAULT_DB = "pypi"
JSON_PARAMS = {"key", "keys", "startkey", "endkey", "start_key", "end_key"}


@dataclass(frozen=True)
class NodeLocation:
    database_url: str          # REST base of the database, no trailing slash
    app_url: str | None        # the CouchApp's root (ends in /), when known
    server: str                # "couchdb", "pouchdb" or "unknown" (from the database's info)


def split_credentials(url: str) -> tuple[str, tuple[str, str] | None]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise NotANode(f"not an http(s) URL: {parts.scheme}://{parts.hostname or ''}{parts.path}")
    auth = (unquote(parts.username), unquote(parts.password or "")) if parts.username else None
    netloc = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", "")), auth


def encode_params(params: Mapping[str, Any] | None) -> dict[str, str]:
    """CouchDB's query values: keys as JSON, booleans as true/false, the rest as text."""
    out: dict[str, str] = {}
    for key, value in (params or {}).items():
        if value is None:
            continue
        if key in JSON_PARAMS:
            out[key] = json.dumps(value)
        elif isinstance(value, bool):
            out[key] = "true" if value else "false"
        else:
            out[key] = str(value)
    return out


class Transport:
    """JSON over one pooled session, with a timeout on every request and errors mapped to the
    client's own (a refused connection is NodeUnreachable, a 401 AccessDenied)."""

    def __init__(self, *, timeout: float, auth: tuple[str, str] | None, session: requests.Session | None) -> None:
        self.timeout = timeout
        self.session = session or requests.Session()
        if auth:
            self.session.auth = auth
        self.session.headers.setdefault("Accept", "application/json")

    def request(self, method: str, url: str, *, params: Mapping[str, Any] | None = None, body: Any = None,
                ok_missing: bool = False, timeout: float | None = None) -> Any:
        """The decoded JSON answer; None for a 404 when ``ok_missing``."""
        try:
            response = self.session.request(
                method, url, params=encode_params(params), timeout=timeout or self.timeout,
                data=None if body is None else json.dumps(body),
                headers={"Content-Type": "application/json"} if body is not None else None)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise NodeUnreachable(f"{_public(url)}: no answer ({type(exc).__name__})") from exc
        if response.status_code == 404 and ok_missing:
            return None
        if response.status_code in (401, 403):
            raise AccessDenied(f"{_public(url)}: HTTP {response.status_code}: {_reason(response)} "
                               "(a CouchDB database is readable by anyone only after `pypioncouch --setup`)")
        if response.status_code == 404:
            raise NotANode(f"{_public(url)}: HTTP 404: {_reason(response)}")
        if not response.ok:
            raise NodeError(f"{_public(url)}: HTTP {response.status_code}: {_reason(response)}")
        try:
            return response.json()
        except ValueError as exc:
            raise NotANode(f"{_public(url)}: the answer is not JSON ({response.headers.get('Content-Type')})") from exc

    def get(self, url: str, **options: Any) -> Any:
        return self.request("GET", url, **options)

    def post(self, url: str, body: Any, **options: Any) -> Any:
        return self.request("POST", url, body=body, **options)


def _public(url: str) -> str:
    return url.split("?", 1)[0]


def _reason(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:120].strip() or response.reason
    if isinstance(body, dict):
        return str(body.get("reason") or body.get("error") or body.get("message") or body)[:200]
    return str(body)[:200]


def _get_welcome(transport: Transport, url: str) -> Any:
    """``url``'s answer as JSON, or None when it answers something else (a CouchApp's HTML page)."""
    try:
        response = transport.session.get(url, timeout=transport.timeout, headers={"Accept": "application/json"})
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise NodeUnreachable(f"{url}: no answer ({type(exc).__name__})") from exc
    if response.status_code in (401, 403):
        raise AccessDenied(f"{url}: HTTP {response.status_code}: {_reason(response)}")
    if not response.ok:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def _database_info(transport: Transport, database_url: str) -> dict[str, Any]:
    info = transport.get(database_url + "/", ok_missing=True)
    if not isinstance(info, dict) or "db_name" not in info:
        raise NotANode(f"{database_url}: no database there")
    return info


def locate(url: str, transport: Transport) -> NodeLocation:
    """Where the node's database and CouchApp are, for any of the URLs in the module docstring."""
    base = url.rstrip("/")
    if "/_design/" in base:
        database_url, _, rest = base.partition("/_design/")
        design = rest.split("/", 1)[0]
        app_url = f"{database_url}/_design/{design}/_rewrite/"
    else:
        welcome = _get_welcome(transport, base + "/")
        if isinstance(welcome, dict) and "db_name" in welcome:
            database_url, app_url = base, f"{base}/_design/{DESIGN_DOC}/_rewrite/"
        elif isinstance(welcome, dict) and ("couchdb" in welcome or "express-pouchdb" in welcome):
            database_url = f"{base}/{DEFAULT_DB}"
            app_url = f"{database_url}/_design/{DESIGN_DOC}/_rewrite/"
        elif _is_couchapp_root(transport, base):
            raise NotANode(f"{base}/ serves the CouchApp (through a vhost or a proxy), not its database: give the "
                           "client the database's URL (http://host:5984/pypi, or the public front's /pypi)")
        else:
            raise NotANode(f"{base}/: neither a CouchDB server, a database nor a CouchApp")
    info = _database_info(transport, database_url)
    rows = transport.get(f"{database_url}/_all_docs", params={"key": f"_design/{DESIGN_DOC}"}).get("rows") or []
    if not rows or "error" in rows[0] or (rows[0].get("value") or {}).get("deleted"):
        raise NotANode(f"{database_url}: database {info.get('db_name')!r} has no _design/{DESIGN_DOC}: "
                       "not a pypioncouch node (push the CouchApp with `pypioncouch --setup URL`)")
    server = "pouchdb" if "adapter" in info or "backend_adapter" in info else ("couchdb" if "sizes" in info else "unknown")
    return NodeLocation(database_url, app_url, server)


def _is_couchapp_root(transport: Transport, base: str) -> bool:
    """Does ``base`` answer the Simple index as the CouchApp does?"""
    try:
        response = transport.session.get(base + "/simple/", timeout=transport.timeout,
                                         headers={"Accept": "application/vnd.pypi.simple.v1+json"})
        return response.ok and "projects" in response.json()
    except (requests.RequestException, ValueError):
        return False


def document_url(database_url: str, doc_id: str) -> str:
    return f"{database_url}/{quote(doc_id, safe='')}"
