"""How the browsing views fold what they index, in Python (couchapp/lib/browse_index.js).

A query must be folded exactly as the view folded the document, or it finds nothing:
tests/client/test_text.py runs both on the same inputs (the JavaScript in Node.js).
"""

from __future__ import annotations

import re

__all__ = ["fold_text", "summary_words"]

# JavaScript's \s (ECMAScript WhiteSpace and LineTerminator), which is not Python's.
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_SPACES = re.compile(f"[{_JS_SPACE}]+")
_WORD_BREAK = re.compile(f"[{_JS_SPACE}!-/:-@\\[-`{{-~]+")
_STOP_WORDS = frozenset("a an and the of to in for on with by is it or as at be from that this your".split())


def fold_text(text: str | None) -> str:
    """One person or keyword under one key, however its case and spacing vary."""
    folded = _SPACES.sub(" ", "" if text is None else str(text))
    return folded.removeprefix(" ").removesuffix(" ").lower()


def summary_words(summary: str | None) -> list[str]:
    """The searchable words of a summary: lower case, split at spaces and ASCII
    punctuation, no stop words, 2 to 40 characters, at most 40 of them."""
    out: list[str] = []
    for word in _WORD_BREAK.split(fold_text(summary)):
        if len(out) >= 40:
            break
        if 1 < len(word) <= 40 and word not in _STOP_WORDS and word not in out:
            out.append(word)
    return out
