"""A faithful fake of PyPI on loopback, for tests, benchmarks and `make run` offline.

It never reaches the network.  See `server.py` for the endpoints, `dataset.py` for the state
and its mutation methods, `faults.py` for misbehaviour on demand.

    from pypioncouch.emulator import EmulatorServer, generate_dataset
    with EmulatorServer(generate_dataset(projects=10)) as emu:
        ...  # emu.url, emu.url + "/pypi" (XML-RPC), emu.faults, emu.requests_log
"""

from .captured import bundled_dataset, captured_payload, load_capture
from .capture import CAPTURED_PROJECTS
from .dataset import Dataset, DatasetError, JournalRow, NormalizedName, Project, Release, normalize
from .faults import FaultKind, FaultRule, Faults, LoggedRequest
from .files import StoredFile, placeholder_bytes
from .flavours import FLAVOURS, Flavour
from .generate import generate_dataset
from .hostile import HOSTILE_PROJECTS, INJECTION, LEGACY_VERSIONS, hostile_dataset
from .server import EmulatorServer
from .simple import SIMPLE_V1_HTML, SIMPLE_V1_JSON, TEXT_HTML
from .wheels import build_sdist, build_wheel, core_metadata, dist_name, installable_project
from .xmlrpc_api import DEFAULT_PAGE_SIZE

__all__ = [
    "CAPTURED_PROJECTS", "DEFAULT_PAGE_SIZE", "Dataset", "DatasetError", "EmulatorServer", "FLAVOURS", "FaultKind",
    "Flavour",
    "FaultRule", "Faults", "HOSTILE_PROJECTS", "INJECTION", "JournalRow", "LEGACY_VERSIONS", "LoggedRequest",
    "NormalizedName", "Project", "Release", "SIMPLE_V1_HTML", "SIMPLE_V1_JSON", "StoredFile", "TEXT_HTML",
    "build_sdist", "build_wheel", "bundled_dataset", "captured_payload", "core_metadata", "dist_name",
    "generate_dataset", "hostile_dataset", "installable_project", "load_capture", "normalize",
    "placeholder_bytes",
]
