"""``pypioncouch --fullimport URL`` / ``--update URL`` as users run them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pypioncouch.cli import EXIT_DATABASE, EXIT_OK, EXIT_PARTIAL, EXIT_UPSTREAM, EXIT_USAGE, main
from pypioncouch.couch import Database
from pypioncouch.emulator import generate_dataset
from pypioncouch.names import normalize
from pypioncouch.state import STATE_ID

FAST = ["--no-progress", "--workers", "2"]


def test_help_names_both_jobs() -> None:
    script = Path(sys.executable).with_name("pypioncouch")  # the console script setup.cfg installs
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=True)
    assert "--fullimport URL" in result.stdout and "--update URL" in result.stdout
    assert "--index-url" in result.stdout and "--projects" in result.stdout


def test_exactly_one_job_is_required(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == EXIT_USAGE
    with pytest.raises(SystemExit):
        main(["--fullimport", "http://a/", "--update", "http://a/"])


def test_fullimport_then_update(db: Database, start_emulator, capsys) -> None:
    dataset = generate_dataset(projects=5, seed=41)
    emu = start_emulator(dataset)
    assert main(["--fullimport", db.url, "--index-url", emu.url, *FAST]) == EXIT_OK
    assert "5 projects fetched" in capsys.readouterr().out
    name = sorted(p.name for p in dataset)[0]
    dataset.add_release(name, "9.0")
    assert main(["--update", db.url, "--index-url", emu.url, *FAST]) == EXIT_OK
    assert f"{normalize(name)}/9.0" in db.fetch([f"{normalize(name)}/9.0"])
    assert db.get(STATE_ID)["last_serial"] == dataset.last_serial


def test_projects_file_limits_the_mirror(db: Database, start_emulator, tmp_path) -> None:
    dataset = generate_dataset(projects=6, seed=42)
    emu = start_emulator(dataset)
    wanted = sorted(p.name for p in dataset)[:2]
    listing = tmp_path / "requirements.txt"
    listing.write_text(f"# mirror these\n{wanted[0]}>=1.0\n{wanted[1].upper()}[extra]  # comment\n\n")
    assert main(["--fullimport", db.url, "--index-url", emu.url, "--projects-file", str(listing), *FAST]) == EXIT_OK
    projects = {row["id"] for row in db.iter_all_docs() if "/" not in row["id"] and ":" not in row["id"]}
    assert projects == {normalize(n) for n in wanted}


def test_failed_projects_give_exit_code_1_and_are_listed(db: Database, start_emulator, capsys) -> None:
    emu = start_emulator(generate_dataset(projects=3, seed=43))
    broken = sorted(p.name for p in emu.dataset)[0]
    emu.faults.add(f"/pypi/{normalize(broken)}/json", status=500)
    code = main(["--fullimport", db.url, "--index-url", emu.url, *FAST])
    out = capsys.readouterr().out
    assert code == EXIT_PARTIAL
    assert "1 projects failed" in out and broken in out


def test_update_before_fullimport_is_a_usage_error(db: Database, start_emulator, capsys) -> None:
    emu = start_emulator(generate_dataset(projects=1))
    assert main(["--update", db.url, "--index-url", emu.url, *FAST]) == EXIT_USAGE
    assert "--fullimport first" in capsys.readouterr().err


def test_unreachable_upstream_and_database_have_their_exit_codes(db: Database, start_emulator, capsys) -> None:
    assert main(["--fullimport", db.url, "--index-url", "http://127.0.0.1:9", *FAST]) == EXIT_UPSTREAM
    emu = start_emulator(generate_dataset(projects=1))
    from pypioncouch import cli
    original = cli.XmlRpcImporter

    class NoWait(original):  # type: ignore[misc, valid-type]
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.db.max_wait = 1

    cli.XmlRpcImporter = NoWait
    try:
        assert main(["--fullimport", "http://127.0.0.1:9/db", "--index-url", emu.url, *FAST]) == EXIT_DATABASE
    finally:
        cli.XmlRpcImporter = original
    assert "database error" in capsys.readouterr().err


def test_credentials_are_used_and_never_printed(start_server, start_emulator) -> None:
    emu = start_emulator(generate_dataset(projects=1))
    server = start_server("secured", admin=("admin", "hunter2"))  # its own server, with this admin on either kind
    url = server.base_url.replace("http://", "http://admin:hunter2@") + "/secured"
    env = {k: v for k, v in os.environ.items() if k not in ("COUCHDB_USER", "COUCHDB_PASSWORD")}  # the URL's only
    result = subprocess.run([sys.executable, "-m", "pypioncouch.cli", "--fullimport", url, "--index-url", emu.url,
                             "--no-progress", "-v"], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == EXIT_OK, result.stderr
    assert "hunter2" not in result.stdout + result.stderr
    assert "/secured" in result.stdout
    wrong = url.replace("hunter2", "wrong-secret")
    result = subprocess.run([sys.executable, "-m", "pypioncouch.cli", "--update", wrong, "--index-url", emu.url,
                             "--no-progress"], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == EXIT_DATABASE and "401" in result.stderr
    assert "wrong-secret" not in result.stdout + result.stderr


def test_an_index_url_that_is_not_http_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--fullimport", "http://127.0.0.1:9/db", "--index-url", "ftp://pypi.example/"])
    assert exited.value.code == EXIT_USAGE and "--index-url: not an http(s) URL" in capsys.readouterr().err


def test_a_simple_root_is_an_index_url(db: Database, start_emulator) -> None:
    """As pip is given it: https://pypi.org/simple/ (devpi's .../+simple/ is tested with the devpi flavour)."""
    emu = start_emulator(generate_dataset(projects=2, seed=47))
    name = sorted(p.name for p in emu.dataset)[0]
    assert main(["--fullimport", db.url, "--index-url", f"{emu.url}/simple/", "--projects", name, *FAST]) == EXIT_OK
    assert db.get(normalize(name)) is not None
