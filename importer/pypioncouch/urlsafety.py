"""Which file URLs from an upstream may become links in the node's pages.

PyPI metadata is untrusted, and the Simple API's HTML page is served from the
database's own origin, where an administrator's session cookie lives: a file
whose ``url`` is ``javascript:...`` or ``data:...`` would be script on that
origin the moment someone clicks it. So only http(s) URLs are stored; anything
else (but a relative URL, which the pages resolve against the node itself)
is refused at import and recorded on the project document
(``refused_files``, docs/schema.md). The CouchApp checks the same rule again
when it renders (couchapp/lib/url_safety.js), for documents written before.

The check reads a URL the way a browser does (WHATWG URL parsing): tabs and
newlines anywhere are dropped and leading or trailing control characters and
spaces ignored, so ``java\\tscript:`` and `` javascript:`` are schemes too.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["is_safe_file_url", "refuse_unsafe_files", "RefusedFile"]

_IGNORED_ANYWHERE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
SAFE_SCHEMES = ("http", "https")
_CONTROLS_AND_SPACE = "".join(map(chr, range(0x21)))
_URL_SHOWN = 200  # characters of a refused URL kept in the record

RefusedFile = dict[str, str]


def is_safe_file_url(url: Any) -> bool:
    """True for an http(s) URL, or a relative one (the node's pages resolve it against themselves);
    False for any other scheme, and for what is not a URL at all."""
    if not isinstance(url, str):
        return False
    text = _IGNORED_ANYWHERE.sub("", url).strip(_CONTROLS_AND_SPACE)
    scheme = _SCHEME.match(text)
    if scheme is None:
        return text != ""
    return scheme.group(1).lower() in SAFE_SCHEMES


def refuse_unsafe_files(files: list[dict[str, Any]], refused: list[RefusedFile]) -> list[dict[str, Any]]:
    """``files`` without those whose ``url`` is not a safe link; each one left out is added to ``refused``."""
    kept = []
    for entry in files:
        url = entry.get("url") if isinstance(entry, dict) else None
        if isinstance(entry, dict) and is_safe_file_url(url):
            kept.append(entry)
            continue
        filename = str(entry.get("filename", "")) if isinstance(entry, dict) else ""
        if not any(item["filename"] == filename for item in refused):
            refused.append({"filename": filename, "url": str(url)[:_URL_SHOWN],
                            "reason": "not an http(s) URL: a file is linked only at http://, https:// or a relative URL"})
    return kept
