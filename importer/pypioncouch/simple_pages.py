"""A project's Simple API page (``/simple/<name>/``), rendered once at import, both ways.

Built per request by the CouchApp's list (lists/simple_detail.js over views/simple_files),
the page of a project with thousands of releases cost one view row per release document
on its way into the query server, then building and rendering: 0.6 s for 1,900 releases
and 1.4 s for 15,000 files on CouchDB 3.5, 40-120x a static file (docs/benchmarks.md). So
the importer renders the page here from the documents it writes and stores both
renderings, PEP 691 JSON and PEP 503 HTML, as text (answer_pieces.py):

- ``<name>//simple`` (type ``simple_page``), the *head*: ``last_serial`` (the list sends
  it as ``X-PyPI-Last-Serial`` and checks it against the project document's), and for each
  rendering (``json``, ``html``) its ``pieces`` (ids, in order) and ``text``, the last part;
- ``<name>//simple/<digest>`` (type ``simple_piece``): one piece of one rendering;
- ``<name>:simple:<digest>.<json|html>`` (type ``simple_attachment``): a rendering longer than
  ``ATTACH_CHARS``, whole, as the document's attachment. The head's rendering names it
  (``attachment``) instead of pieces, and the list redirects there: CouchDB serves an attachment
  from disk, at a static file's speed, where pieces pass through the query server.

The list (lists/simple_project_page.js) reads the project's row, then only the pieces of
the rendering the request negotiated, and stops. Where there is no stored page it can
trust (a database written by an older importer, a mirror between two replicated
documents, a quarantined project), it sends the reader to ``/simple-from-documents/<name>/``,
the page built per request as before.

The page is the one the CouchApp builds (couchapp/lib/simple_page.js, simple_file.js,
simple_render.js), ported with JavaScript's semantics where PyPI's untrusted metadata
could tell them apart: truthiness (``[]`` and ``{}`` are true), keys whose value is
``undefined`` left out of the JSON, ``String()`` of values, strings ordered by UTF-16 code
units. tests/couchapp/test_simple_stored.py checks, on both servers, that the stored
page is byte for byte what the list builds. Known difference: JavaScript puts an
object's integer-like keys first (an upstream file entry with a key such as ``"1"``).
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any, Iterable

from .answer_pieces import PIECE_CHARS, group, piece_documents
from .urlsafety import is_safe_file_url

__all__ = ["page", "render_html", "render_json", "page_documents", "attachment_document", "head_id", "attachment_prefix",
           "API_VERSION", "SCHEMA_VERSION", "ATTACH_CHARS", "ATTACHMENTS"]

Document = dict[str, Any]

API_VERSION = "1.4"
SCHEMA_VERSION = 1
STATUSES = ("active", "archived", "quarantined", "deprecated")

# A rendering longer than this is stored as an attachment, which CouchDB serves from disk, and
# the list redirects to it: passing megabytes through the query server cost 12-42x a static
# file (docs/benchmarks.md, "Scale"). Below it, pieces: one request, no redirect.
ATTACH_CHARS = PIECE_CHARS
# rendering -> (attachment name, Content-Type); lib/simple.js's types for "json" and "html".
ATTACHMENTS = {"json": ("index.json", "application/vnd.pypi.simple.v1+json"),
               "html": ("index.html", "text/html; charset=utf-8")}


class _Undefined:
    """JavaScript's ``undefined``: a member that is not there (JSON.stringify leaves its key out)."""

    def __repr__(self) -> str:
        return "undefined"


UNDEFINED: Any = _Undefined()


def head_id(name: str) -> str:
    return f"{name}//simple"


def attachment_id(name: str, sha256: str, rendering: str) -> str:
    return f"{attachment_prefix(name)}{sha256[:16]}.{rendering}"


def attachment_prefix(name: str) -> str:
    """Where a project's ``simple_attachment`` documents are: beside ``<name>/``, not under it."""
    return f"{name}:simple:"


def _member(value: Any, key: str) -> Any:
    """``value[key]`` as JavaScript reads it from parsed JSON: undefined when it is not there."""
    return value.get(key, UNDEFINED) if isinstance(value, dict) else UNDEFINED


def _truthy(value: Any) -> bool:
    if value is UNDEFINED or value is None or value is False:
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value != 0 and value == value
    if isinstance(value, str):
        return value != ""
    return True  # true, arrays and objects, empty or not


def _or(left: Any, right: Any) -> Any:
    return left if _truthy(left) else right


def _and(left: Any, right: Any) -> Any:
    return right if _truthy(left) else left


def _js_string(value: Any) -> str:
    """``String(value)`` for what JSON can hold."""
    if value is None:
        return "null"
    if value is UNDEFINED:
        return "undefined"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e21 else repr(value)
    if isinstance(value, list):
        return ",".join("" if item is None or item is UNDEFINED else _js_string(item) for item in value)
    if isinstance(value, dict):
        return "[object Object]"
    return str(value)


def _utf16(text: str) -> bytes:
    """Sort key: JavaScript compares strings by UTF-16 code units."""
    return text.encode("utf-16-be", "surrogatepass")


_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}


def _escape(value: Any) -> str:
    """couchapp/lib/html_escape.js: quotes too, so the text is safe in either attribute quoting."""
    return "".join(_ESCAPES.get(char, char) for char in _js_string(value))


# -- the page object (couchapp/lib/simple_file.js, simple_page.js) -------------------------

def _core_metadata(entry: Any) -> Any:
    core = _member(entry, "core-metadata")
    if not _truthy(core):
        core = _member(entry, "data-dist-info-metadata")
    return core if _truthy(core) else False


def simple_file(file: Document, upstream: Any = None) -> Document:
    """One release document's file -> one PEP 691 ``files[]`` entry (simple_file.js's simpleFile)."""
    if _truthy(upstream):
        entry = dict(upstream)
        entry["hashes"] = _or(_member(upstream, "hashes"), {})
        entry["requires-python"] = _or(_member(upstream, "requires-python"), None)
        yanked = _member(upstream, "yanked")
        entry["yanked"] = False if yanked is UNDEFINED or yanked is None else yanked
        core = _core_metadata(upstream)
    else:
        entry = {
            "filename": _member(file, "filename"),
            "url": _member(file, "url"),
            "hashes": {"sha256": _and(_member(file, "digests"), _member(_member(file, "digests"), "sha256"))},
            "requires-python": _or(_member(file, "requires_python"), None),
            "size": _member(file, "size"),
            "upload-time": _member(file, "upload_time_iso_8601"),
            "yanked": _or(_member(file, "yanked_reason"), True) if _truthy(_member(file, "yanked")) else False,
        }
        core = False
    if _truthy(_member(file, "mirror_url")):
        entry["url"] = "../../files/" + _js_string(file["mirror_url"])
        stored = _core_metadata(file)
        core = (core if _truthy(core) and _truthy(stored) else False) if _truthy(upstream) else stored
    entry["core-metadata"] = core
    entry["data-dist-info-metadata"] = core
    provenance = _member(upstream, "provenance") if _truthy(upstream) else UNDEFINED
    entry["provenance"] = provenance if _truthy(provenance) else None
    return entry


def _release_files(doc: Document) -> list[Document]:
    """The entries of one release document, as views/simple_files emits them."""
    files = doc.get("files")
    if doc.get("type") not in ("release", "release_files") or not _truthy(files) or not isinstance(files, list) \
            or not files:
        return []
    upstream = None
    if _truthy(doc.get("simple_files", UNDEFINED)):
        upstream = {"f:" + _js_string(_member(e, "filename")): e for e in doc["simple_files"]}
    entries = []
    for file in files:
        if upstream is None:
            entries.append(simple_file(file))
        elif "f:" + _js_string(_member(file, "filename")) in upstream:
            entries.append(simple_file(file, upstream["f:" + _js_string(_member(file, "filename"))]))
    return entries


def _status(stored: Any) -> Document:
    status = {"status": stored["status"] if isinstance(stored, dict) and stored.get("status") in STATUSES
              else "active"}
    if _truthy(_member(stored, "reason")):
        status["reason"] = _js_string(stored["reason"])
    return status


def _release_order(doc: Document) -> tuple[bytes, Any]:
    """The view's row order within a project: by version, then chunk (codepoint order, which is
    CouchDB's collation for the ASCII of nearly every version; only ties of filenames see it)."""
    return _utf16(_js_string(doc.get("version"))), doc.get("chunk") or 1


def page(project: Document, release_docs: Iterable[Document]) -> Document:
    """The page object (simple_page.js's detail()) for a project document and its release documents."""
    files: list[Document] = []
    for doc in sorted((d for d in release_docs if d.get("project") == project["_id"]), key=_release_order):
        files.extend(entry for entry in _release_files(doc) if is_safe_file_url(_member(entry, "url")))
    status = _status(project.get("project_status"))
    quarantined = status["status"] == "quarantined"
    files = [] if quarantined else sorted(files, key=lambda entry: _utf16(_js_string(entry.get("filename"))))
    serial = project.get("last_serial", UNDEFINED)
    versions = [] if quarantined else sorted(project.get("versions") or [], key=lambda v: _utf16(_js_string(v)))
    return {
        "meta": {"api-version": API_VERSION, "_last-serial": None if serial is UNDEFINED else serial},
        "name": project["_id"],
        "versions": versions,
        "files": files,
        "project-status": status,
    }


# -- the two renderings (couchapp/lib/simple_render.js) ------------------------------------

def _json(value: Any) -> str:
    """JSON.stringify: compact, non-ASCII as it is, undefined members left out."""
    return json.dumps(_defined(value), ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _defined(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _defined(item) for key, item in value.items() if item is not UNDEFINED}
    if isinstance(value, list):
        return [None if item is UNDEFINED else _defined(item) for item in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)  # JSON.stringify(123.0) is 123
    return value


def _head(title: str, status: Document) -> list[str]:
    lines = ["<!DOCTYPE html>", "<html>", "  <head>",
             f'    <meta name="pypi:repository-version" content="{_escape(API_VERSION)}">',
             f'    <meta name="pypi:project-status" content="{_escape(status["status"])}">']
    if _truthy(status.get("reason", UNDEFINED)):
        lines.append(f'    <meta name="pypi:project-status-reason" content="{_escape(status["reason"])}">')
    return lines + [f"    <title>{_escape(title)}</title>", "  </head>", "  <body>"]


def _metadata_attribute(core: Any) -> str:
    if core is True:
        return "true"
    if _truthy(_member(core, "sha256")):
        return "sha256=" + _js_string(core["sha256"])
    if isinstance(core, dict) and core:  # for (key in core): the first key
        key, value = next(iter(core.items()))
        return f"{key}={_js_string(value)}"
    if isinstance(core, (str, list)) and core:  # for-in over a string or an array: index 0
        return f"0={_js_string(core[0])}"
    return "true"


def _anchor(file: Document) -> str:
    sha256 = _and(_member(file, "hashes"), _member(_member(file, "hashes"), "sha256"))
    href = _js_string(file.get("url", UNDEFINED)) + ("#sha256=" + _js_string(sha256) if _truthy(sha256) else "")
    attributes = [f'href="{_escape(href)}"']
    core = file.get("core-metadata", UNDEFINED)
    if _truthy(file.get("requires-python", UNDEFINED)):
        attributes.append(f'data-requires-python="{_escape(file["requires-python"])}"')
    yanked = file.get("yanked", UNDEFINED)
    if yanked is not False and yanked is not UNDEFINED:
        attributes.append(f'data-yanked="{_escape("" if yanked is True else yanked)}"')
    if _truthy(core):
        value = _escape(_metadata_attribute(core))
        attributes.append(f'data-dist-info-metadata="{value}"')
        attributes.append(f'data-core-metadata="{value}"')
    if _truthy(file.get("provenance", UNDEFINED)):
        attributes.append(f'data-provenance="{_escape(file["provenance"])}"')
    return f'    <a {" ".join(attributes)}>{_escape(file.get("filename", UNDEFINED))}</a><br />'


def _tail(serial: Any) -> list[str]:
    return ["  </body>", "</html>", f"<!--SERIAL {_escape('' if serial is None else serial)}-->", ""]


def html_fragments(built: Document) -> list[str]:
    """The HTML page in consecutive fragments (head, one per file, tail) that join to the page."""
    head = "\n".join(_head("Links for " + built["name"], built["project-status"])
                     + [f"    <h1>Links for {_escape(built['name'])}</h1>"])
    return [head, *("\n" + _anchor(file) for file in built["files"]),
            "\n" + "\n".join(_tail(built["meta"]["_last-serial"]))]


def json_fragments(built: Document) -> list[str]:
    """The JSON page in consecutive fragments (what precedes the files, one per file, the rest)."""
    head = (f'{{"meta":{_json(built["meta"])},"name":{_json(built["name"])},'
            f'"versions":{_json(built["versions"])},"files":[')
    files = [("," if index else "") + _json(file) for index, file in enumerate(built["files"])]
    return [head, *files, f'],"project-status":{_json(built["project-status"])}}}']


def render_html(built: Document) -> str:
    return "".join(html_fragments(built))


def render_json(built: Document) -> str:
    return "".join(json_fragments(built))


def page_documents(project: Document, release_docs: Iterable[Document], *,
                   limit: int | None = None, attach_over: int | None = None) -> list[Document]:
    """The pieces or attachments of both renderings, then the head, for a project document and
    its release documents: pieces of at most ``limit`` characters (default ``PIECE_CHARS``);
    a rendering longer than ``attach_over`` characters (default ``ATTACH_CHARS``) is one
    attachment instead (``attachment_document``)."""
    name = project["_id"]
    built = page(project, release_docs)
    head: Document = {"_id": head_id(name), "type": "simple_page", "schema": SCHEMA_VERSION, "project": name,
                      "last_serial": project.get("last_serial")}
    parts: list[Document] = []
    seen: dict[str, int] = {}
    for rendering, fragments in (("json", json_fragments(built)), ("html", html_fragments(built))):
        if sum(len(fragment) for fragment in fragments) > (ATTACH_CHARS if attach_over is None else attach_over):
            attached = attachment_document(name, rendering, "".join(fragments))
            parts.append(attached)
            head[rendering] = {"attachment": attached["_id"], "bytes": attached["bytes"]}
            continue
        *texts, last = group(fragments, limit or PIECE_CHARS)
        docs = piece_documents(head_id(name), "simple_piece", name, texts, schema=SCHEMA_VERSION, seen=seen)
        parts.extend(docs)
        head[rendering] = {"pieces": [doc["_id"] for doc in docs], "text": last}
    return [*parts, head]


def attachment_document(name: str, rendering: str, text: str) -> Document:
    """One rendering as the attachment ``ATTACHMENTS[rendering]`` of a ``simple_attachment``
    document, ``<name>:simple:<16 hex digits of its SHA-256>.<json|html>``: a changed page is a
    new document, and the importer keeps the one before it until the page changes again
    (sync.py), so a reader redirected to it a moment before still finds it. No ``/`` in the id:
    a proxy in front (nginx's ``proxy_pass`` with a URI) decodes ``%2F`` in the redirect's URL
    (tests/test_prefix_front.py)."""
    data = text.encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    attachment_name, content_type = ATTACHMENTS[rendering]
    return {"_id": attachment_id(name, digest, rendering), "type": "simple_attachment",
            "schema": SCHEMA_VERSION, "project": name, "rendering": rendering, "sha256": digest,
            "bytes": len(data),
            "_attachments": {attachment_name: {"content_type": content_type,
                                               "data": base64.b64encode(data).decode("ascii")}}}
