"""The kinds of index the emulator can play, each as faithfully as its real counterpart answers.

- ``pypi``: pypi.org today. XML-RPC journal, JSON API with ``X-PyPI-Last-Serial``, Simple API
  1.4 in JSON and HTML (``_last-serial`` numbers, ``core-metadata``, PEP 740 ``provenance``,
  PEP 792 ``project-status``), ``<file>.metadata`` and ``/integrity/.../provenance`` served.
  A quarantined project answers 404 on the JSON API, lists no files, and is left out of the
  index (Warehouse's ``_simple_index`` filters ``quarantine-enter``).
- ``proxy``: a caching proxy or repository manager in front of PyPI, as the captured payloads
  show one: no XML-RPC (404), ``/simple/`` as HTML only with no serials, no
  ``X-PyPI-Last-Serial`` header anywhere (the JSON body's ``last_serial`` stays), project pages
  in API 1.1 with ``_last-serial`` as a string and no ``core-metadata``, relative file URLs in
  the JSON API (``../../packages/...``), and no ``<file>.metadata`` files.
- ``devpi``: a devpi-server mirror index, ``/root/pypi/+simple/``: PEP 691 JSON (api-version
  1.0: names only in the index; filename, relative url, hashes, requires-python, yanked per
  file) and HTML, ``X-PYPI-LAST-SERIAL`` on project pages, files under ``/root/pypi/+f/``, no
  JSON API, no XML-RPC, no metadata files; a missing trailing slash answers 302.
- ``static``: a Simple tree on disk served by ``python -m http.server``: HTML only, whatever
  the Accept header; the root is a directory listing; project pages are PEP 503 pages with
  relative links, ``data-requires-python`` and ``data-core-metadata``, beside their
  ``.metadata`` files; no serials; POST answers 501; a directory without its slash, 301.

And three that are no index at all, for the importer's error paths:
``not-an-index`` (every URL answers the same HTML home page), ``json-404`` (XML-RPC and the
Simple index list projects, but the JSON API and every project page answer 404), and
``redirect-loop`` (every URL redirects to itself).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Flavour:
    name: str
    simple_root: str = "/simple/"
    xmlrpc: bool = True
    json_api: bool = True
    serial_header: bool = True            # X-PyPI-Last-Serial on the JSON API and Simple answers
    index_json: bool = True               # /simple/ negotiates PEP 691 JSON (else HTML only)
    index_serials: bool = True            # the JSON index carries _last-serial
    detail_json: bool = True              # project pages negotiate PEP 691 JSON
    api_version: str = "1.4"
    serial_as_string: bool = False        # _last-serial on project pages as a string
    relative_json_urls: bool = False      # JSON API file URLs relative to the JSON API URL
    metadata_files: bool = True           # <file>.metadata served (and advertised by the pages)
    provenance: bool = True               # PEP 740 provenance in pages, /integrity/ served
    project_status: bool = True           # PEP 792 project-status in pages
    slash_redirect: int = 301
    files_prefix: str = "/packages/"
    broken: str = ""                      # "", "not-an-index", "json-404", "redirect-loop"

    @property
    def devpi(self) -> bool:
        return self.name == "devpi"

    @property
    def static(self) -> bool:
        return self.name == "static"


PYPI = Flavour("pypi")
PROXY = Flavour("proxy", xmlrpc=False, serial_header=False, index_json=False, index_serials=False,
                api_version="1.1", serial_as_string=True, relative_json_urls=True, metadata_files=False,
                provenance=False, project_status=False)
DEVPI = Flavour("devpi", simple_root="/root/pypi/+simple/", xmlrpc=False, json_api=False, index_serials=False,
                api_version="1.0", metadata_files=False, provenance=False, project_status=False,
                slash_redirect=302, files_prefix="/root/pypi/+f/")
STATIC = Flavour("static", xmlrpc=False, json_api=False, serial_header=False, index_json=False,
                 index_serials=False, detail_json=False, api_version="1.0", provenance=False,
                 project_status=False)
NOT_AN_INDEX = Flavour("not-an-index", broken="not-an-index")
JSON_404 = Flavour("json-404", broken="json-404")
REDIRECT_LOOP = Flavour("redirect-loop", broken="redirect-loop")

FLAVOURS: dict[str, Flavour] = {f.name: f for f in (PYPI, PROXY, DEVPI, STATIC, NOT_AN_INDEX, JSON_404,
                                                      REDIRECT_LOOP)}


def flavour(value: "str | Flavour") -> Flavour:
    if isinstance(value, Flavour):
        return value
    try:
        return FLAVOURS[value]
    except KeyError:
        raise ValueError(f"unknown flavour {value!r} ({', '.join(FLAVOURS)})") from None
