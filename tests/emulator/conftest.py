"""Fixtures for the emulator's own tests (other suites build theirs from the package API)."""

from __future__ import annotations

import itertools
from typing import Iterator

import pytest
import requests

from pypioncouch.emulator import Dataset, EmulatorServer, generate_dataset, installable_project

PIP_ACCEPT = ("application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, "
              "text/html; q=0.01")
UV_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"


def fixed_clock(start: float = 1_700_000_000.0):
    counter = itertools.count()
    return lambda: start + next(counter)


@pytest.fixture
def dataset() -> Dataset:
    """A small generated set plus one installable project, `Demo.Pkg` 1.0 and 2.0."""
    data = generate_dataset(projects=12, releases_per_project=3, files_per_release=2, seed=7)
    data.clock = fixed_clock()
    return installable_project("Demo.Pkg", ["1.0", "2.0"], requires_python=">=3.8",
                               dependencies=["requests>=2"], dataset=data)


@pytest.fixture
def emulator(dataset: Dataset) -> Iterator[EmulatorServer]:
    with EmulatorServer(dataset, page_size=10) as server:
        yield server


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session
