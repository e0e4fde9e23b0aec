"""PyPI, or any index with PyPI's interfaces, as the importer sees it.

Like bandersnatch's ``Master``, the upstream sits behind a narrow interface
(``Upstream``): all projects with serials, changes since a serial, one project's data.

Listing and change tracking, in order of preference: PyPI's XML-RPC journal
(``XmlRpcIndex``), the JSON Simple index with its ``_last-serial``s, a Simple index that
lists names only (``SimpleIndex`` reads both forms). ``connect()`` picks XML-RPC and falls
back when it does not answer. A project's data is its Simple page (what pip sees: file
URLs, hashes, core metadata, provenance, project status) and its JSON API payload
(everything else); either may be missing (``ProjectSource``).
"""

from .base import (UNCHANGED, ChangeSet, Index, NotAnIndex, ProjectData, RedirectLoop, StaleResponse,
                   UpstreamError)
from .http import HttpClient, RetryPolicy
from .jsonapi import JsonApi, NoJsonApi
from .location import IndexLocation
from .project import ProjectSource, SimplePages
from .select import FallbackIndex, connect
from .simple_index import SimpleIndex, SimpleJsonIndex
from .simple_page import Listing
from .upstream import Upstream
from .xmlrpc import XmlRpcIndex

__all__ = [
    "UNCHANGED", "ChangeSet", "FallbackIndex", "HttpClient", "Index", "IndexLocation", "JsonApi", "Listing",
    "NoJsonApi", "NotAnIndex", "ProjectData", "ProjectSource", "RedirectLoop", "RetryPolicy", "SimpleIndex",
    "SimpleJsonIndex", "SimplePages", "StaleResponse", "Upstream", "UpstreamError", "XmlRpcIndex", "connect",
]
