"""One project's data: its Simple page (what pip sees) and its JSON API payload (everything else).

The Simple page is asked for first: it is what the node serves to pip (each file's URL,
hashes, ``core-metadata``, ``provenance``; the project's PEP 792 status), and its serial
lets an unchanged project cost one request. The JSON API payload is then asked for no
older than that serial; if it is newer, the page is the stale one and is asked for
again. A serial that stays older than the one the journal or the other answer
announced is refused (``StaleResponse``), never stored.

An index without a JSON API (a static Simple tree, devpi) answers its URLs with 404:
after a few such answers for projects whose pages exist, it is not asked again.
"""

from __future__ import annotations

import logging
import threading
import time

from .base import UNCHANGED, ProjectData, StaleResponse, _Unchanged
from .http import HttpClient
from .jsonapi import JsonApi, NoJsonApi
from .location import IndexLocation
from .simple_page import ACCEPT, detail_serial, parse_detail
from ..pypi_types import SimpleDetail

log = logging.getLogger(__name__)
# JSON API 404s for projects whose Simple page answered, before the JSON API is taken to be absent.
ABSENT_AFTER = 3


class SimplePages:
    """``GET <simple root>/<name>/``, JSON preferred, HTML understood."""

    def __init__(self, http: HttpClient, location: IndexLocation, *, retries: int = 3,
                 retry_delay: float = 0.5) -> None:
        self.http = http
        self.location = location
        self.retries = retries
        self.retry_delay = retry_delay

    def fetch(self, name: str, min_serial: int = 0) -> tuple[SimpleDetail | None, int | None]:
        """The page and its serial; (None, None) when the index has no such page (404)."""
        url = self.location.simple_project(name)
        serial: int | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.retry_delay * attempt)
            params = {"serial": str(min_serial)} if attempt else None
            response = self.http.request("GET", url, ok=(200, 404, 410), params=params, headers={"Accept": ACCEPT})
            if response.status_code != 200:
                return None, None
            page = parse_detail(response, name)
            serial = detail_serial(response, page)
            if serial is None or serial >= min_serial:
                return page, serial
        raise StaleResponse(f"{url}: serial {serial} stays older than {min_serial}")


class ProjectSource:
    """``project(name, min_serial, current)``: the page, the payload, their serial."""

    def __init__(self, http: HttpClient, location: IndexLocation, *, retries: int = 3,
                 retry_delay: float = 0.5) -> None:
        self.api = JsonApi(http, location, retries=retries, retry_delay=retry_delay)
        self.pages = SimplePages(http, location, retries=retries, retry_delay=retry_delay)
        self._lock = threading.Lock()
        self._json_api_seen = False
        self._json_api_404s = 0

    @property
    def json_api_absent(self) -> bool:
        with self._lock:
            return not self._json_api_seen and self._json_api_404s >= ABSENT_AFTER

    def project(self, name: str, min_serial: int = 0, current: int | None = None
                ) -> ProjectData | None | _Unchanged:
        """None when neither the page nor the JSON API knows the project; ``UNCHANGED`` when its
        serial is ``current`` (what the caller holds) and no older than ``min_serial``."""
        page, page_serial = self.pages.fetch(name, min_serial)
        if current is not None and page_serial is not None and page_serial == current >= min_serial:
            return UNCHANGED
        payload = None
        if not self.json_api_absent:
            try:
                payload = self.api.project(name, max(min_serial, page_serial or 0))
            except NoJsonApi:
                if page is None:
                    raise
            self._note_json_api(payload is not None, _lists_files(page))
        if payload is None and page is None:
            return None
        payload_serial = payload.get("last_serial") if payload is not None else None
        if page is not None and page_serial is not None and payload_serial and payload_serial > page_serial:
            page, page_serial = self.pages.fetch(name, payload_serial)  # the page lags: ask past the cache
        serials = [s for s in (page_serial, payload_serial) if s]
        serial = max(serials) if serials else None
        if current is not None and serial is not None and serial == current >= min_serial:
            return UNCHANGED
        return ProjectData(name, payload, page, serial)

    def _note_json_api(self, answered: bool, page_lists_files: bool) -> None:
        with self._lock:
            if answered:
                self._json_api_seen = True
            elif page_lists_files and not self._json_api_seen:
                self._json_api_404s += 1
                if self._json_api_404s == ABSENT_AFTER:
                    log.info("%s answers 404 on its JSON API for projects its Simple pages list: "
                             "project data comes from the Simple pages alone", self.api.location.url)


def _lists_files(page: SimpleDetail | None) -> bool:
    """A page that lists files (a quarantined project's lists none, and PyPI's JSON API hides it)."""
    return bool(page and page.get("files"))
