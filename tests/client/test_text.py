"""The client folds queries as the views fold documents: Python against couchapp/lib/browse_index.js."""

from __future__ import annotations

import json
import subprocess

import pytest

from pypioncouch.client.text import fold_text, summary_words
from pypioncouch.designdoc import COUCHAPP_DIR

CASES = [
    "Ada  Lovelace", "  Guido van Rossum ", "ÉCOLE\tNormale\u00a0Supérieure", "", "x", "Web, Django; REST",
    "The HTTP client for humans: fast & small!", "a an the of to in", "C++/C# bindings (3.12)",
    "snake_case-and.dots", "one " * 50, "ω-Ωmega \u2003 wide\u3000space", "naïve café \ufeffbom",
    "word" * 11 + " shortword", "Über-fast JSON [de]serializer {v2} `cli` ~tools~",
]


def javascript(function: str, inputs: list[str]) -> list:
    source = (COUCHAPP_DIR / "lib" / "browse_index.js").read_text(encoding="utf-8")
    script = (source + f"\nvar inputs = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              f"\nprocess.stdout.write(JSON.stringify(inputs.map({function})));")
    result = subprocess.run(["node", "-e", script], input=json.dumps(inputs), capture_output=True, text=True,
                            check=True)
    return json.loads(result.stdout)


@pytest.mark.parametrize("python, js", [(fold_text, "foldText"), (summary_words, "summaryWords")])
def test_python_folds_as_the_views_do(python, js) -> None:
    assert [python(text) for text in CASES] == javascript(js, CASES)


def test_a_summary_word_list_is_capped_as_the_view_caps_it() -> None:
    words = summary_words(" ".join(f"w{index:03d}" for index in range(60)))
    assert len(words) == 40 and words[0] == "w000"
