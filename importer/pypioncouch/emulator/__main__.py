"""`python -m pypioncouch.emulator --dataset {bundled,generated,hostile} [--flavour F] --port P`: serve a fake PyPI.

It prints the URL to give the importer (`--index-url`): the base, or devpi's Simple root."""

from __future__ import annotations

import argparse
import dataclasses
import sys

from .captured import bundled_dataset
from .dataset import Dataset
from .flavours import FLAVOURS
from .generate import generate_dataset
from .hostile import hostile_dataset
from .server import EmulatorServer
from .xmlrpc_api import DEFAULT_PAGE_SIZE


def build(args: argparse.Namespace) -> Dataset:
    if args.dataset == "bundled":
        return bundled_dataset()
    if args.dataset == "hostile":
        return hostile_dataset()
    return generate_dataset(projects=args.projects, releases_per_project=args.releases_per_project,
                            files_per_release=args.files_per_release, seed=args.seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pypioncouch.emulator", description=__doc__)
    parser.add_argument("--dataset", choices=("bundled", "generated", "hostile"), default="bundled")
    parser.add_argument("--projects", type=int, default=100)
    parser.add_argument("--releases-per-project", type=int, default=5)
    parser.add_argument("--files-per-release", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--flavour", choices=sorted(FLAVOURS), default="pypi",
                        help="the kind of index to play (see flavours.py)")
    parser.add_argument("--no-xmlrpc", action="store_true", help="answer XML-RPC with 404 (PyPI without its journal)")
    parser.add_argument("--page-size", type=int, default=DEFAULT_PAGE_SIZE)
    parser.add_argument("--rewrite-file-urls", action="store_true",
                        help="point captured files' URLs at the emulator too")
    parser.add_argument("--cache-payloads", action="store_true",
                        help="build each JSON payload once, all of them before serving (benchmarks)")
    args = parser.parse_args(argv)
    flavour = FLAVOURS[args.flavour]
    if args.no_xmlrpc:
        flavour = dataclasses.replace(flavour, xmlrpc=False)
    server = EmulatorServer(build(args), port=args.port, page_size=args.page_size,
                            rewrite_file_urls=args.rewrite_file_urls, cache_payloads=args.cache_payloads,
                            flavour=flavour)
    if args.cache_payloads:
        server.prewarm()
    print(server.index_url, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
