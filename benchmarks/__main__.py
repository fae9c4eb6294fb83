"""``python -m benchmarks [NAME ...]``: run the benchmarks (all by default) and write
``docs/benchmarks.md``."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

BENCHMARKS = {
    "edit-latency": "benchmarks.edit_latency",
    "render": "benchmarks.render",
    "refreshes": "benchmarks.refreshes",
    "node-process": "benchmarks.node_process",
    "node-week": "benchmarks.node_week",
    "hub-http": "benchmarks.hub_http",
    "faults": "benchmarks.faults",
    "fleet-offline": "benchmarks.fleet_offline",
    "fleet": "benchmarks.fleet",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "names",
        nargs="*",
        choices=[*BENCHMARKS, []],
        metavar="NAME",
        help=f"benchmarks to run (default: all of {', '.join(BENCHMARKS)})",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for name in args.names or list(BENCHMARKS):
        print(f"== {name}", flush=True)
        print(importlib.import_module(BENCHMARKS[name]).run(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
