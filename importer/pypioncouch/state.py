"""What the database remembers about the import: the serial it is complete up to,
a run in progress, and the projects that failed.

The serial only moves after every document it covers is written. A run that
starts marks itself in progress; a run that finds that mark knows an earlier one
was killed and checks for half-written projects (``resume``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from .couch import Database

STATE_ID = "pypioncouch:state"
ERROR_PREFIX = "pypioncouch:error:"


def now_list() -> list[int]:
    t = time.gmtime()
    return [t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec]


def error_id(project: str) -> str:
    return f"{ERROR_PREFIX}{project}"


@dataclass
class ImportState:
    last_serial: int | None
    in_progress: dict[str, Any] | None
    doc: dict[str, Any]

    @property
    def interrupted(self) -> bool:
        return self.in_progress is not None

    @property
    def projects(self) -> list[str] | None:
        """The projects a partial mirror holds, as its last selecting run named them; None for
        a mirror of the whole index. An update named no projects mirrors these."""
        names = self.doc.get("projects")
        return [str(name) for name in names] if isinstance(names, list) else None


class StateStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def load(self) -> ImportState:
        doc = self.db.get(STATE_ID) or {"_id": STATE_ID, "type": "state"}
        return ImportState(doc.get("last_serial"), doc.get("in_progress"), doc)

    def _save(self, state: ImportState) -> None:
        state.doc["_rev"] = self.db.put(state.doc)

    def begin(self, state: ImportState, kind: str, target_serial: int, index_url: str, *,
              projects: list[str] | None | bool = False) -> None:
        """Mark a run in progress; ``projects`` records the mirror's selection (a list, or None
        for the whole index); False leaves the recorded one as it is."""
        state.doc.update(in_progress={"kind": kind, "target_serial": target_serial, "started": now_list()},
                         index_url=index_url)
        if isinstance(projects, list):
            state.doc["projects"] = projects
        elif projects is None:
            state.doc.pop("projects", None)
        self._save(state)

    def finish(self, state: ImportState, serial: int) -> None:
        state.doc.pop("in_progress", None)
        state.doc.update(last_serial=serial, updated=now_list())
        state.last_serial, state.in_progress = serial, None
        self._save(state)

    def pending_errors(self) -> dict[str, dict[str, Any]]:
        """Failed projects by normalized name, with their error documents."""
        rows = self.db.id_range(ERROR_PREFIX)
        return {row["doc"]["project"]: row["doc"] for row in rows if row.get("doc")}


def error_document(project: str, display_name: str, serial: int, error: str, previous: dict[str, Any] | None) -> dict[str, Any]:
    doc = {
        "_id": error_id(project), "type": "import_error", "project": project, "name": display_name,
        "serial": serial, "error": error[:2000], "attempts": (previous or {}).get("attempts", 0) + 1,
        "time": now_list(),
    }
    if previous:
        doc["_rev"] = previous["_rev"]
    return doc
