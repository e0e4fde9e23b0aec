"""One project's data from PyPI's JSON API, never older than the serial we expect.

PyPI serves ``/pypi/<name>/json`` through a CDN, so an answer can predate a
change the journal already announced. ``X-PyPI-Last-Serial`` tells: an answer
older than ``min_serial`` is stale and is fetched again (with a cache-busting
query, as bandersnatch does), and is never stored.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote, urljoin

from ..names import normalize
from ..pypi_types import ProjectInfo, ProjectPayload
from .base import StaleResponse, UpstreamError
from .http import HttpClient


class JsonApi:
    def __init__(self, http: HttpClient, *, retries: int = 3, retry_delay: float = 0.5) -> None:
        self.http = http
        self.retries = retries
        self.retry_delay = retry_delay

    def project(self, name: str, min_serial: int = 0) -> ProjectPayload | None:
        """The payload, or None when PyPI no longer has the project (404).

        The normalized name is asked for: PyPI redirects every other spelling.
        A stale or unreadable answer (a cut body) is asked for again, a few times.
        """
        path = f"/pypi/{quote(normalize(name), safe='')}/json"
        problem: UpstreamError | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.retry_delay * attempt)
            params = {"serial": str(min_serial)} if attempt else None
            response = self.http.request("GET", path, ok=(200, 404), params=params)
            if response.status_code == 404:
                return None
            try:
                payload = _decode(response, path)
            except UpstreamError as exc:
                problem = exc
                continue
            serial = _served_serial(response, payload)
            if serial >= min_serial:
                payload["last_serial"] = serial
                return _absolute_file_urls(payload, response.url)
            problem = StaleResponse(f"{path}: serial {serial} stays older than {min_serial}")
        assert problem is not None
        raise problem

    def release_info(self, name: str, version: str) -> ProjectInfo | None:
        """``info`` of one version (``/pypi/<name>/<version>/json``), None when gone."""
        path = f"/pypi/{quote(normalize(name), safe='')}/{quote(version, safe='')}/json"
        response = self.http.request("GET", path, ok=(200, 404))
        if response.status_code == 404:
            return None
        return _decode(response, path).get("info")


def _decode(response: Any, path: str) -> dict[str, Any]:
    try:
        payload = response.json()
    except ValueError:
        raise UpstreamError(f"{path}: the answer is not JSON") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("info"), dict):
        raise UpstreamError(f"{path}: the answer has no 'info' object")
    if not isinstance(payload.get("releases", {}), dict):
        raise UpstreamError(f"{path}: 'releases' is not an object")
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


def _served_serial(response: Any, payload: dict[str, Any]) -> int:
    header = response.headers.get("X-PyPI-Last-Serial")
    try:
        return int(header) if header is not None else int(payload.get("last_serial") or 0)
    except ValueError:
        raise UpstreamError(f"bad X-PyPI-Last-Serial header: {header!r}") from None
