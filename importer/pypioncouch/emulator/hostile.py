"""A data set of everything odd that PyPI does accept, for robustness tests.

Each project is named after what it tests; `HOSTILE_PROJECTS` lists them.  Values here are
valid on PyPI (or came out of PyPI that way) but break naive code: unparseable legacy
versions, script injection in every string field, lone surrogates (what `json.loads` makes of
PyPI's `"\\udcff"` escapes for invalid UTF-8), a 20 MB description, 50,000 files.
"""

from __future__ import annotations

import itertools
from typing import Any, Callable

from .dataset import Dataset
from .files import StoredFile, placeholder_bytes
from functools import partial

INJECTION = '"><script>alert(1)</script>'
FILENAME_INJECTION = '"><img src=x onerror=alert(1)>'  # no "/": a filename is one path segment
SURROGATE = "caf\udcff \udcfe"
BIG_DESCRIPTION_BYTES = 20 * 1024 * 1024
LEGACY_VERSIONS = ("1.0-beta 2", "2004d", "0.1dev-r123")
LONG_NAME = "long-" + "-".join(["name"] * 20) + "-x"
HOSTILE_PROJECTS = ("Zope2", "foo.bar_baz", "a", "Z", LONG_NAME, "legacy-versions", "huge-description",
                    "injection", "surrogates", "many-files", "no-files", "all-none")


def _clock(start: float = 1_600_000_000.0) -> Callable[[], float]:
    """A deterministic clock advancing one second per reading."""
    counter = itertools.count()
    return lambda: start + next(counter)


def _placeholders(dist: str, version: str, count: int, suffix: str = ".tar.gz") -> list[StoredFile]:
    names = [f"{dist}-{version}{suffix}"] if count == 1 else [f"{dist}-{version}-{i}-py3-none-any.whl"
                                                               for i in range(count)]
    return [StoredFile(n, 1_600_000_000.0, partial(placeholder_bytes, n, 64), placeholder=True) for n in names]


def hostile_dataset(many_files: int = 50_000, description_bytes: int = BIG_DESCRIPTION_BYTES) -> Dataset:
    """All the hostile projects; `many_files`/`description_bytes` can be shrunk for quick tests."""
    dataset = Dataset(clock=_clock())
    _odd_names(dataset)
    for version in LEGACY_VERSIONS:
        dataset.add_release("legacy-versions", version, _placeholders("legacy_versions", version, 1))
    paragraph = "Lorem *ipsum* dolor sit amet, **consectetur** adipiscing elit.\n\n"
    big = (paragraph * (description_bytes // len(paragraph) + 1))[:description_bytes]
    dataset.add_release("huge-description", "1.0", _placeholders("huge_description", "1.0", 1),
                        description=big, description_content_type="text/markdown")
    _injection(dataset)
    dataset.add_release("surrogates", "1.0", _placeholders("surrogates", "1.0", 1), summary=SURROGATE,
                        author=SURROGATE, description=f"bad bytes: {SURROGATE}", keywords=SURROGATE)
    _many_files(dataset, many_files)
    dataset.add_project("no-files")
    dataset.add_release("no-files", "0.1")
    dataset.add_release("no-files", "0.2")
    dataset.add_release("all-none", "1.0", _placeholders("all_none", "1.0", 1), description=None,
                        summary="", keywords="", classifiers=[], license="", author="", project_urls={})
    return dataset


def _odd_names(dataset: Dataset) -> None:
    for name in ("Zope2", "foo.bar_baz", "a", "Z", LONG_NAME):
        dist = name.replace(".", "_").replace("-", "_").lower()
        dataset.add_release(name, "1.0", _placeholders(dist, "1.0", 1), summary=f"odd name {name}")


def _injection(dataset: Dataset) -> None:
    fields: dict[str, Any] = dict(summary=INJECTION, author=INJECTION, author_email=INJECTION,
                                  keywords=f"{INJECTION}, <b>bold</b>; x", requires_python=INJECTION,
                                  home_page=f"javascript:alert(1)//{INJECTION}", license=INJECTION,
                                  classifiers=[f"Topic :: {INJECTION}"], project_urls={INJECTION: INJECTION},
                                  description=f"<script>alert(1)</script>\n\n{INJECTION}",
                                  description_content_type="text/html", yanked_reason=None)
    filename = f"injection-1.0-{FILENAME_INJECTION}.tar.gz"
    dataset.add_release("injection", "1.0", [StoredFile(filename, 0.0, partial(placeholder_bytes, filename, 64),
                                                        requires_python=INJECTION, comment_text=INJECTION)],
                        **fields)
    dataset.yank("injection", "1.0", INJECTION)


def _many_files(dataset: Dataset, total: int) -> None:
    """Many releases of 100 files each, and one release with a tenth of all files."""
    big_release = total // 10
    dataset.add_release("many-files", "0.0.1", _placeholders("many_files", "0.0.1", big_release))
    remaining, release = total - big_release, 1
    while remaining > 0:
        count = min(100, remaining)
        version = f"1.{release}"
        dataset.add_release("many-files", version, _placeholders("many_files", version, count))
        remaining, release = remaining - count, release + 1
