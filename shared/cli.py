"""The ``openspaces`` command: one entry point, a subcommand per concern.

Each command module has ``register(subparsers)``, which adds its parsers and sets
``run=<function taking the parsed args and returning an exit code>``. Modules import their
heavy dependencies inside ``run``, so ``openspaces node --help`` works on a node that does not
have the hub's web stack installed.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence

from shared import __version__
from shared.errors import OpenSpacesError

COMMAND_MODULES = (
    "hub.demo.cli",
    "hub.commands.main",
    "hub.commands.provision",
    "hub.storage.backup",
    "signage_node.cli",
    "shared.render.cli",
)

Run = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="openspaces",
        description="E-ink door signs for conference Open Spaces: hub, door node and tools.",
    )
    parser.add_argument("--version", action="version", version=f"openspaces {__version__}")
    parser.add_argument(
        "--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="how much to log (default: INFO)",
    )  # fmt: skip
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    run: Run = args.run
    try:
        return run(args)
    except OpenSpacesError as exc:
        print(f"openspaces {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
