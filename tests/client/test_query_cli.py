"""``pypioncouch show|search|projects|newest|watch`` (query_cli.py), through ``cli.main`` as the
console script runs it, on this package's node; and the importer's own options left as they were."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest

from pypioncouch import cli, query_cli

from .conftest import PAGED


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_show_prints_what_pip_users_look_for(capsys, reader_url: str) -> None:
    code, out, _ = run(capsys, "show", "Django_Thing", "--node", reader_url)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Django-Thing 1.1: A thing for Django web sites"
    assert "  license: MIT" in lines and "  4 releases, newest first:" in lines
    table = lines[lines.index("  4 releases, newest first:") + 1:]
    assert table[0].split() == ["VERSION", "UPLOADED", "(UTC)", "REQUIRES-PYTHON", "FILES"]
    assert [row.split()[0] for row in table[1:]] == ["2.0rc1", "1.1", "1.0", "0.9"]
    assert re.search(r"^2\.0rc1 .* >=3\.10 +1$", table[1])
    assert re.search(r"^1\.0 .* 2 +yanked: broken metadata$", table[3])
    assert table[4].startswith("0.9") and "2020-09-13 12:26" in table[4]


def test_show_a_release_lists_its_files(capsys, reader_url: str) -> None:
    code, out, _ = run(capsys, "show", "django-thing", "1.1", "--node", reader_url)
    assert code == 0
    head, header, row = out.splitlines()
    assert head.startswith("django-thing 1.1, uploaded ") and head.endswith("UTC, requires-python >=3.9")
    assert header.split()[:2] == ["FILE", "BYTES"]
    assert row.startswith("django_thing-1.1-py3-none-any.whl") and re.search(r" [0-9a-f]{64}$", row)
    code, out, _ = run(capsys, "show", "django-thing", "1.0", "--node", reader_url)
    assert out.splitlines()[0].endswith("yanked: broken metadata")
    code, out, _ = run(capsys, "show", "django-thing", "1.1", "--json", "--node", reader_url)
    assert json.loads(out)["_id"] == "django-thing/1.1"


def test_search_projects_and_newest(capsys, reader_url: str) -> None:
    code, out, _ = run(capsys, "search", "django", "web", "--node", reader_url)
    assert code == 0 and "Names starting with 'django web': 0" in out and "Summaries with 'django web': 1" in out
    assert "Django-Thing" in out
    code, out, _ = run(capsys, "projects", "--keyword", "paging", "--limit", "3", "--node", reader_url)
    assert [line.split()[0] for line in out.splitlines()[1:4]] == PAGED[:3]
    cursor = re.search(r"^more: --after '(.*)'$", out, re.M).group(1)
    code, out, _ = run(capsys, "projects", "--keyword", "paging", "--limit", "3", "--after", cursor,
                       "--node", reader_url)
    assert [line.split()[0] for line in out.splitlines()[1:4]] == PAGED[3:6]
    code, out, _ = run(capsys, "projects", "--keyword", "paging", "--all", "--node", reader_url)
    assert len(out.splitlines()) == 1 + len(PAGED) and "more:" not in out
    code, out, _ = run(capsys, "newest", "--limit", "2", "--node", reader_url)
    assert code == 0 and len(out.splitlines()) == 3 and out.splitlines()[0].startswith("UPLOADED (UTC)")


def test_watch_once_and_resume_from_the_state_file(capsys, reader_url: str, tmp_path: Path) -> None:
    state = tmp_path / "django.seq"
    code, out, _ = run(capsys, "watch", "--once", "--since", "0", "--classifier", "Framework :: Django",
                       "--state", str(state), "--node", reader_url)
    assert code == 0
    printed = [line.split()[:3] for line in out.splitlines()]
    assert sorted(printed) == [["new", "django-thing", v] for v in ("0.9", "1.0", "1.1", "2.0rc1")]
    assert "yanked: broken metadata" in out and json.loads(state.read_text())["seq"] not in (None, 0, "0")
    code, out, _ = run(capsys, "watch", "--once", "--classifier", "Framework :: Django", "--state", str(state),
                       "--node", reader_url)
    assert (code, out) == (0, "")  # resumed after everything already printed


def test_errors_have_their_exit_codes(capsys, reader_url: str) -> None:
    code, _, err = run(capsys, "show", "no-such-project", "--node", reader_url)
    assert code == 1 and "no project named 'no-such-project'" in err
    code, _, err = run(capsys, "show", "django-thing", "7.0", "--node", reader_url)
    assert code == 1 and "no release '7.0'" in err
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        code, _, err = run(capsys, "show", "x", "--node", f"http://127.0.0.1:{sock.getsockname()[1]}/pypi")
    assert code == 3 and "no answer" in err
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["projects", "--node", reader_url])  # one of --classifier/--author/... is required
    assert exit_info.value.code == 2


def test_the_importers_options_are_untouched(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"])
    assert exit_info.value.code == 0 and "--fullimport" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        cli.main([])  # still: one of --fullimport, --update, --setup is required
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--update", "not-a-url"])
    assert exit_info.value.code == 2


@pytest.mark.parametrize("command", query_cli.COMMANDS)
def test_cli_hands_each_query_command_to_query_cli(capsys, command: str) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main([command, "--help"])
    assert exit_info.value.code == 0 and "--node URL" in capsys.readouterr().out
