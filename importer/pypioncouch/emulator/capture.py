"""Re-capture the real PyPI payloads that the bundled data set is made of.

Run it from the repository root when the captured payloads should be refreshed:

    PYTHONPATH=importer python3 -m pypioncouch.emulator.capture [--index https://pypi.org]

It fetches, for each project this project itself depends on (and only those), the JSON API
payload (`/pypi/<name>/json`) and the PEP 691 simple page (`/simple/<name>/` with the
`application/vnd.pypi.simple.v1+json` Accept header), and stores both verbatim, gzipped, in
`data/captured/<name>.json.gz`.  Per-version JSON (`/pypi/<name>/<version>/json`) is not
captured: the reachable index answers 404 for it, so the emulator synthesizes those payloads
from the project payload (see `captured.py`).  XML-RPC is not reachable either, so the journal
of captured projects is synthesized from the files' upload times.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

CAPTURED_DIR = Path(__file__).parent / "data" / "captured"
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"

# The runtime dependencies of pypioncouch itself: the data set stays small and its licences
# are those of projects we already ship with.
CAPTURED_PROJECTS: tuple[str, ...] = (
    "requests", "jinja2", "markupsafe", "packaging", "readme-renderer", "nh3", "docutils",
    "pygments", "tqdm", "urllib3", "idna", "certifi", "charset-normalizer", "cmscouchapp", "orjson",
)


def _fetch_json(url: str, accept: str = "application/json") -> object:
    """GET one URL and decode its JSON body; errors propagate so a partial capture fails loudly."""
    request = urllib.request.Request(url, headers={"Accept": accept, "User-Agent": "pypioncouch-capture"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def capture_project(index: str, name: str) -> dict[str, object]:
    """Both payloads of one project, plus where and when they came from."""
    return {
        "source": index,
        "captured_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "json_api": _fetch_json(f"{index}/pypi/{name}/json"),
        "simple": _fetch_json(f"{index}/simple/{name}/", accept=SIMPLE_JSON),
    }


def write_capture(name: str, capture: dict[str, object], directory: Path = CAPTURED_DIR) -> Path:
    """Gzip with mtime 0 so that re-capturing unchanged payloads leaves git with no diff."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.json.gz"
    body = json.dumps(capture, ensure_ascii=False, sort_keys=False).encode("utf-8")
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as out:
        out.write(body)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", default="https://pypi.org", help="index to capture from")
    parser.add_argument("projects", nargs="*", default=list(CAPTURED_PROJECTS))
    args = parser.parse_args(argv)
    index = args.index.rstrip("/")
    with ThreadPoolExecutor(max_workers=4) as pool:
        captures = pool.map(lambda name: (name, capture_project(index, name)), args.projects)
        for name, capture in captures:
            print(write_capture(name, capture), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
