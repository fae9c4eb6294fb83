"""Options every ``openspaces hub`` action shares."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_config_option(parser: argparse.ArgumentParser) -> None:
    """``--config FILE``: the hub's TOML file, for ``database_url`` (absent: the defaults and
    ``OPENSPACES_HUB_*`` variables). Suppressed when not given, so an action's value does not
    hide the one ``openspaces hub --config`` took."""
    parser.add_argument(
        "--config", type=Path, metavar="FILE", default=argparse.SUPPRESS,
        help="the hub's TOML config file (for database_url)",
    )  # fmt: skip
