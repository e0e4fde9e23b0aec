"""One project's data from PyPI's JSON API, never older than the serial we expect.

PyPI serves ``/pypi/<name>/json`` through a CDN, so an answer can predate a
change the journal already announced. The answer's serial tells: the
``X-PyPI-Last-Serial`` header, or, where a proxy drops the header, the body's
``last_serial``. An answer older than ``min_serial`` is stale and is fetched again
(with a cache-busting query, as bandersnatch does), and is never stored.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urljoin

from ..pypi_types import ProjectInfo, ProjectPayload, serial_value
from .base import NotAnIndex, StaleResponse, UpstreamError
from .http import HttpClient, Response
from .location import IndexLocation
from .simple_page import header_serial


class NoJsonApi(NotAnIndex):
    """The index answers the JSON API's URLs with something else (an HTML page)."""


class JsonApi:
    def __init__(self, http: HttpClient, location: IndexLocation | None = None, *, retries: int = 3,
                 retry_delay: float = 0.5) -> None:
        self.http = http
        self.location = location or IndexLocation.parse(http.base_url)
        self.retries = retries
        self.retry_delay = retry_delay

    def project(self, name: str, min_serial: int = 0) -> ProjectPayload | None:
        """The payload, or None when the index has no such project (404).

        The normalized name is asked for: PyPI redirects every other spelling.
        A stale or unreadable answer (a cut body) is asked for again, a few times.
        """
        url = self.location.json_project(name)
        problem: UpstreamError | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.retry_delay * attempt)
            params = {"serial": str(min_serial)} if attempt else None
            response = self.http.request("GET", url, ok=(200, 404), params=params)
            if response.status_code == 404:
                return None
            try:
                payload = _decode(response)
            except NoJsonApi:
                raise
            except UpstreamError as exc:
                problem = exc
                continue
            serial = served_serial(response, payload)
            if serial >= min_serial:
                payload["last_serial"] = serial
                return _absolute_file_urls(payload, response.url)
            problem = StaleResponse(f"{url}: serial {serial} stays older than {min_serial}")
        assert problem is not None
        raise problem

    def release_info(self, name: str, version: str) -> ProjectInfo | None:
        """``info`` of one version (``/pypi/<name>/<version>/json``), None when gone."""
        response = self.http.request("GET", self.location.json_release(name, version), ok=(200, 404))
        if response.status_code == 404:
            return None
        return _decode(response).get("info")


def _decode(response: Response) -> dict[str, Any]:
    try:
        payload = response.json()
    except ValueError:
        content_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type in ("text/html", "application/xhtml+xml"):
            raise NoJsonApi(f"{response.url}: an HTML page, not PyPI's JSON API") from None
        raise UpstreamError(f"{response.url}: the answer is not JSON") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("info"), dict):
        raise UpstreamError(f"{response.url}: the answer has no 'info' object")
    if not isinstance(payload.get("releases", {}), dict):
        raise UpstreamError(f"{response.url}: 'releases' is not an object")
    return payload


def _absolute_file_urls(payload: dict[str, Any], base: str) -> dict[str, Any]:
    """File URLs resolved against the JSON API URL: some indexes answer relative ones
    (``../../packages/...``), which would resolve against the CouchApp once served."""
    for files in [payload.get("urls") or [], *(payload.get("releases") or {}).values()]:
        for file in files:
            url = file.get("url")
            if isinstance(url, str) and url and "://" not in url:
                file["url"] = urljoin(base, url)
    return payload


def served_serial(response: Response, payload: dict[str, Any]) -> int:
    """``X-PyPI-Last-Serial``, else the body's ``last_serial`` (a number, or digits in a string)."""
    header = header_serial(response)
    if header is not None:
        return header
    return serial_value(payload.get("last_serial")) or 0
