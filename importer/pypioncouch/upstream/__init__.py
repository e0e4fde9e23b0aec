"""PyPI, as the importer sees it: three questions and one fetch.

Like bandersnatch's ``Master``, the upstream sits behind a narrow interface:
- ``last_serial()``: the newest journal serial;
- ``all_projects()``: every project with its last serial;
- ``changes_since(serial)``: the projects changed after a serial;
- ``project(name, min_serial)``: one project's JSON API payload, no older than ``min_serial``.

Two implementations answer the first three: PyPI's XML-RPC journal
(``XmlRpcIndex``) and the JSON Simple index (``SimpleJsonIndex``, what
bandersnatch 8 uses now that PyPI asks new integrations to leave XML-RPC).
``connect()`` picks XML-RPC and falls back to the JSON index when XML-RPC does
not answer. Project data always comes from the JSON API (``JsonApi``).
"""

from .base import ChangeSet, Index, UpstreamError, StaleResponse
from .http import HttpClient, RetryPolicy
from .jsonapi import JsonApi
from .simple_index import SimpleJsonIndex
from .xmlrpc import XmlRpcIndex
from .select import connect

__all__ = [
    "ChangeSet", "Index", "UpstreamError", "StaleResponse", "HttpClient", "RetryPolicy",
    "JsonApi", "SimpleJsonIndex", "XmlRpcIndex", "connect",
]
