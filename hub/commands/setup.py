"""``openspaces hub setup --config hub.toml --event event.toml``: the event from one file.

Works on the hub's database directly (``database_url`` from ``--config`` and the environment)
and stores the changed rooms' snapshots, which the doors receive when the hub next connects to
the broker (every start): run it before starting the hub, or restart the hub after it.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from hub.commands.options import add_config_option

DESCRIPTION = """\
Make the hub match an event file: the event (name, time zone, hashtag, address), its days
(first and last hour), rooms (id, name, capacity, location) and blocked slots, as documented
in deploy/event.example.toml. Running it again changes nothing; after editing the file it
changes only what differs, printing one line per change (--dry-run: what it would change).
Rooms, days and hours missing from the file are kept and listed; --prune removes them, except
those holding sessions. Blocks the file made and no longer lists are removed; blocks made by
hand or by a programme import are left alone. Changes are audited as 'staff setup'.
Run it before the hub starts, or restart the hub after it, so the doors get the changes.
"""


def register(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``setup`` under ``openspaces hub``."""
    parser = actions.add_parser(
        "setup", help="set up (or update) the event from an event file",
        description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    add_config_option(parser)
    parser.add_argument(
        "--event", type=Path, metavar="FILE", required=True,
        help="the event file (see deploy/event.example.toml)",
    )  # fmt: skip
    parser.add_argument(
        "--dry-run", action="store_true", help="print what would change, write nothing"
    )
    parser.add_argument(
        "--prune", action="store_true",
        help="remove rooms, days and hours the file does not list (never those with sessions)",
    )  # fmt: skip
    parser.set_defaults(run=run_setup)


def run_setup(args: argparse.Namespace) -> int:
    from hub.audit import Actor  # noqa: PLC0415
    from hub.runtime import Hub  # noqa: PLC0415
    from hub.settings import load_settings  # noqa: PLC0415
    from hub.setup.apply import setup_event  # noqa: PLC0415
    from hub.setup.file import read_event_file  # noqa: PLC0415
    from hub.storage.db import open_database  # noqa: PLC0415
    from shared.clock import SystemClock  # noqa: PLC0415

    wanted = read_event_file(args.event)
    settings = load_settings(getattr(args, "config", None), os.environ)
    database = open_database(settings.database_url)
    hub = Hub(settings.model_copy(update={"broker": None}), database, SystemClock())
    try:
        result = setup_event(
            hub, Actor.staff("setup"), wanted, dry_run=args.dry_run, prune=args.prune
        )
    finally:
        database.dispose()
    print("\n".join(result.lines()))
    return 0
