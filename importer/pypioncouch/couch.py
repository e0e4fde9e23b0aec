"""A small CouchDB client: the handful of calls the importer makes, done carefully.

Careful means: every request has a timeout (PouchDB Server never answers some
unauthorized requests), JSON bodies always say so in Content-Type (PouchDB
Server ignores them otherwise), a server that restarts or refuses connections
for a while is waited for with bounded backoff, and credentials never appear
in a message, a log line or an exception.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable, Iterator
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import requests

from . import jsoncodec
from .http_session import new_session

__all__ = ["CouchError", "CouchUnavailable", "Database", "DatabaseURL", "parse_database_url", "DEFAULT_DB_NAME"]

DEFAULT_DB_NAME = "pypi"
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}
# Bytes a _bulk_docs body adds around its documents: {"docs":[ and ]}.
BULK_ENVELOPE = len(b'{"docs":[]}')


class CouchError(RuntimeError):
    """CouchDB answered with an error the caller has to deal with."""

    def __init__(self, status: int, error: str, reason: str, what: str) -> None:
        super().__init__(f"{what}: HTTP {status} {error}: {reason}")
        self.status = status
        self.error = error
        self.reason = reason


class CouchUnavailable(RuntimeError):
    """CouchDB could not be reached, even after waiting for it."""


@dataclass(frozen=True)
class DatabaseURL:
    """Where the database is: the server's URL and the database name, credentials apart."""

    server: str
    name: str
    username: str | None = None
    password: str | None = None

    @property
    def url(self) -> str:
        return f"{self.server}/{quote(self.name, safe='')}"

    def __str__(self) -> str:  # never shows the password
        return self.url

    def __repr__(self) -> str:
        user = f", username={self.username!r}" if self.username else ""
        return f"DatabaseURL({self.url!r}{user})"


def parse_database_url(url: str, *, default_db: str = DEFAULT_DB_NAME, env: dict[str, str] | None = None) -> DatabaseURL:
    """Split ``http://user:pw@host:5984/[db]`` into server, database and credentials.

    A URL with a path names the database (``http://host:5984/mirror``); a bare
    server URL uses ``default_db``. Credentials come from the URL, else from
    ``COUCHDB_USER`` / ``COUCHDB_PASSWORD`` in the environment.
    """
    env = os.environ if env is None else env
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not a CouchDB URL (http:// or https:// expected): {_redact(url)}")
    netloc = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    if parts.port:
        netloc += f":{parts.port}"
    path = parts.path.strip("/")
    server_path, _, db = path.rpartition("/") if path else ("", "", "")
    server = urlunsplit((parts.scheme, netloc, f"/{server_path}" if server_path else "", "", "")).rstrip("/")
    username = parts.username or env.get("COUCHDB_USER") or None
    password = parts.password or env.get("COUCHDB_PASSWORD") or None
    return DatabaseURL(server, unquote(db) or default_db,
                       unquote(username) if username else None, unquote(password) if password else None)


def _redact(url: str) -> str:
    """``url`` with any password replaced, even when the URL is malformed."""
    return re.sub(r"(?<=:)[^:@/]*(?=@)", "***", url)


def results_in_order(ids: list[Any], results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``_bulk_docs`` results in the order of the documents sent (``ids``).

    CouchDB answers in that order; PouchDB Server puts the documents its validate_doc_update
    refused first (pouchdb-bulkdocs-wrapper says so), so pairing results with documents by
    position there counts one document's refusal against another and can leave a conflict
    unretried. Results are matched by id; an answer that cannot be matched stays as it came."""
    by_id: dict[Any, list[dict[str, Any]]] = {}
    for result in results:
        by_id.setdefault(result.get("id"), []).append(result)
    if len(results) != len(ids) or {doc_id: len(found) for doc_id, found in by_id.items()} != Counter(ids):
        return results
    return [by_id[doc_id].pop(0) for doc_id in ids]


class Database:
    """One CouchDB database, reached through a pooled HTTP session."""

    def __init__(self, location: DatabaseURL | str, *, timeout: float = 120.0, max_wait: float = 120.0) -> None:
        self.location = parse_database_url(location) if isinstance(location, str) else location
        self.timeout = timeout
        self.max_wait = max_wait
        self._seen = False  # set by the first successful request
        self.session = new_session(self.location.server)
        if self.location.username:
            self.session.auth = (self.location.username, self.location.password or "")

    def __repr__(self) -> str:
        return f"Database({str(self.location)!r})"

    @property
    def url(self) -> str:
        return self.location.url

    def doc_url(self, doc_id: str) -> str:
        # "/" is kept: release ids hold one, and CouchDB routes "a/b" only when encoded.
        return f"{self.url}/{quote(doc_id, safe='')}"

    # -- transport -------------------------------------------------------------------

    def request(self, method: str, url: str, *, what: str, ok: Iterable[int] = (200, 201, 202),
                body: Any = None, params: dict[str, Any] | None = None, data: bytes | None = None
                ) -> requests.Response:
        """Send one request, waiting out connection failures and 5xx answers (bounded). The body is
        ``body`` encoded as JSON, or ``data``: JSON already encoded."""
        if body is not None:
            data = jsoncodec.dumps(body)
        deadline = time.monotonic() + self.max_wait
        delay = 0.25
        while True:
            try:
                response = self.session.request(method, url, data=data, params=_encode_params(params),
                                                headers=JSON_HEADERS, timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
                # A response cut off mid-body (ChunkedEncodingError) is a server going down while it
                # answered: waited out like a refused connection. Resending is safe for every call here;
                # a _bulk_docs that was applied before the cut answers conflicts, which sync resolves.
                problem: str = type(exc).__name__
            else:
                if response.status_code in ok:
                    self._seen = True
                    return response
                if response.status_code < 500 and not self._vanished(response):
                    raise _couch_error(response, what)
                problem = f"HTTP {response.status_code}"
            if time.monotonic() + delay > deadline:
                raise CouchUnavailable(f"{what}: {self} did not answer ({problem}) within {self.max_wait:.0f} s")
            time.sleep(delay)
            delay = min(delay * 2, 5.0)

    def _vanished(self, response: requests.Response) -> bool:
        """A database we have used answers "no such database": a server restarting
        (PouchDB Server answers so while it shuts down). Waited out like a refusal."""
        if response.status_code != 404 or not self._seen:
            return False
        try:
            reason = response.json().get("reason", "")
        except ValueError:
            return False
        return reason in ("no_db_file", "Database does not exist.")

    # -- database ------------------------------------------------------------------------

    def exists(self) -> bool:
        try:
            self.request("HEAD", self.url, what="check database")
        except CouchError as exc:
            if exc.status == 404:
                return False
            raise
        return True

    def create(self) -> bool:
        """Create the database; False when it already existed.

        CouchDB asks for a server admin before it looks: a writer that is not one
        (the importer of a set-up node) gets 401 for a database that exists.
        """
        try:
            self.request("PUT", self.url, what="create database")
        except CouchError as exc:
            if exc.status == 412:
                return False
            if exc.status in (401, 403) and self.exists():
                return False
            raise
        return True

    def info(self) -> dict[str, Any]:
        return self.request("GET", self.url, what="database info").json()

    # -- documents -------------------------------------------------------------------------

    def get(self, doc_id: str, **params: Any) -> dict[str, Any] | None:
        """The document, or None when there is none (or it was deleted)."""
        try:
            return self.request("GET", self.doc_url(doc_id), what=f"get {doc_id!r}", params=params).json()
        except CouchError as exc:
            if exc.status == 404:
                return None
            raise

    def put(self, doc: dict[str, Any]) -> str:
        """Write one document; returns its new revision."""
        response = self.request("PUT", self.doc_url(doc["_id"]), what=f"put {doc['_id']!r}", body=doc)
        return response.json()["rev"]

    def fetch(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """The current documents for ``ids`` (missing and deleted ones left out)."""
        if not ids:
            return {}
        response = self.request("POST", f"{self.url}/_all_docs", what="fetch documents",
                                body={"keys": ids}, params={"include_docs": True})
        return {row["id"]: row["doc"] for row in response.json()["rows"] if row.get("doc")}

    def id_range(self, prefix: str, *, include_docs: bool = True) -> list[dict[str, Any]]:
        """Every document whose id starts with ``prefix`` (rows of ``_all_docs``)."""
        params = {"startkey": prefix, "endkey": prefix + "\ufff0", "include_docs": include_docs}
        response = self.request("GET", f"{self.url}/_all_docs", what=f"list {prefix!r}", params=params)
        return response.json()["rows"]

    def bulk_docs(self, docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Write documents in one request; returns the per-document results, in the order of ``docs``."""
        if not docs:
            return []
        response = self.request("POST", f"{self.url}/_bulk_docs", what=f"write {len(docs)} documents",
                                body={"docs": docs})
        return results_in_order([doc.get("_id") for doc in docs], response.json())

    def bulk_docs_body(self, body: bytes, ids: list[str]) -> list[dict[str, Any]]:
        """``bulk_docs`` for a request body made beforehand (``bulk_body``) of the documents ``ids``."""
        response = self.request("POST", f"{self.url}/_bulk_docs", what=f"write {len(ids)} documents", data=body)
        return results_in_order(ids, response.json())

    def view(self, design: str, view: str, **params: Any) -> dict[str, Any]:
        url = f"{self.url}/_design/{design}/_view/{view}"
        return self.request("GET", url, what=f"query view {design}/{view}", params=params).json()

    def iter_all_docs(self, *, batch: int = 1000, include_docs: bool = False, startkey: str | None = None,
                      endkey: str | None = None) -> Iterator[dict[str, Any]]:
        """Walk ``_all_docs`` in key-paged batches, holding one batch at a time."""
        params: dict[str, Any] = {"limit": batch + 1, "include_docs": include_docs}
        if endkey is not None:
            params["endkey"] = endkey
        next_key = startkey
        while True:
            if next_key is not None:
                params["startkey"] = next_key
            rows = self.request("GET", f"{self.url}/_all_docs", what="list documents", params=params).json()["rows"]
            yield from rows[:batch]
            if len(rows) <= batch:
                return
            next_key = rows[batch]["id"]


def bulk_body(encoded: list[bytes]) -> bytes:
    """The ``_bulk_docs`` request body of documents encoded as JSON (``jsoncodec.dumps``), one ``bytes``
    each: exactly ``BULK_ENVELOPE`` bytes plus theirs plus a comma between two, made in one join (no
    copy of the whole body but the body)."""
    parts = [b'{"docs":[']
    for index, doc in enumerate(encoded):
        if index:
            parts.append(b",")
        parts.append(doc)
    parts.append(b"]}")
    return b"".join(parts)


def _encode_params(params: dict[str, Any] | None) -> dict[str, str] | None:
    """CouchDB query parameters are JSON values (``startkey="a"``, ``include_docs=true``)."""
    if params is None:
        return None
    return {k: json.dumps(v) if not isinstance(v, str) or k in _JSON_STRING_PARAMS else v for k, v in params.items()}


_JSON_STRING_PARAMS = {"key", "startkey", "endkey", "start_key", "end_key"}


def _couch_error(response: requests.Response, what: str) -> CouchError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    return CouchError(response.status_code, str(body.get("error", "")), str(body.get("reason", response.text[:200])), what)
