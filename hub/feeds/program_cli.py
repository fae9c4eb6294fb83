"""``openspaces hub import-program FILE|URL``: the main programme as blocked slots, offline.

Works on the hub's database directly (``database_url`` from ``--config`` and the environment)
and stores the changed rooms' snapshots; the doors get them when the hub next connects to the
broker (every start). While the hub runs, import through ``POST /api/v1/import/program``
instead, which publishes at once.
"""

from __future__ import annotations

import argparse
import os
from datetime import datetime
from typing import TYPE_CHECKING

from hub.commands.options import add_config_option

if TYPE_CHECKING:
    from hub.feeds.program_import import ProgramReport

DESCRIPTION = """\
Read a conference schedule.json (the c3voc format pretalx and frab publish) from FILE or an
http(s) URL, and block every slot that a talk held in an Open Spaces room overlaps, labelled
with the talk's title. Rooms match by name, ignoring case and spaces; --room maps a programme
room whose name differs ('Hall 1=room-a', repeatable). Slots holding a card or a block made by
hand are reported, never changed. Importing the same programme again changes nothing; a newer
one moves or removes only the blocks an import made. --dry-run prints what would change.
While the hub runs, prefer the HTTP call (docs/feeds.md), which updates the doors at once.
"""


def register(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``import-program`` under ``openspaces hub``."""
    parser = actions.add_parser(
        "import-program", help="block the slots the main programme uses in Open Spaces rooms",
        description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    add_config_option(parser)
    parser.add_argument("source", metavar="FILE|URL", help="the schedule.json, or its URL")
    parser.add_argument(
        "--dry-run", action="store_true", help="print what would change, write nothing"
    )
    parser.add_argument(
        "--room", action="append", default=[], metavar="'NAME=ROOM_ID'",
        help="a programme room name and the id of the Open Spaces room it is (repeatable)",
    )  # fmt: skip
    parser.set_defaults(run=run_import)


def run_import(args: argparse.Namespace) -> int:
    from hub.audit import Actor  # noqa: PLC0415
    from hub.feeds.program_fetch import read_source  # noqa: PLC0415
    from hub.feeds.program_import import import_program  # noqa: PLC0415
    from hub.feeds.program_plan import parse_mapping  # noqa: PLC0415
    from hub.runtime import Hub  # noqa: PLC0415
    from hub.settings import load_settings  # noqa: PLC0415
    from hub.storage.db import open_database  # noqa: PLC0415
    from shared.clock import SystemClock  # noqa: PLC0415

    mapping = parse_mapping(args.room)
    data = read_source(args.source)
    settings = load_settings(getattr(args, "config", None), os.environ)
    database = open_database(settings.database_url)
    hub = Hub(settings.model_copy(update={"broker": None}), database, SystemClock())
    actor = Actor.staff(f"cli:{os.environ.get('USER', 'unknown')}")
    try:
        report = import_program(hub, actor, data, mapping, dry_run=args.dry_run)
    finally:
        database.dispose()
    print("\n".join(report_lines(report)))
    return 0


def report_lines(report: ProgramReport) -> list[str]:
    """The report for people: one line per block, conflict and leftover, then a summary."""
    verb = "would block" if report.dry_run else "blocked"
    lines = [f'programme "{report.conference}": {report.talks} talks, '
             f"{report.matched_talks} in Open Spaces rooms"]  # fmt: skip
    lines += [f"{verb}: {b.room}, {_when(b.start)}: {b.label}" for b in report.blocked]
    lines += [f"relabelled: {b.room}, {_when(b.start)}: {b.label}" for b in report.updated]
    lines += [f"unblocked: {b.room}, {_when(b.start)}: {b.label}" for b in report.removed]
    for taken in report.taken:
        what = "card" if taken.taken_by == "session" else "block made by hand"
        lines.append(f'taken: {taken.room}, {_when(taken.start)} holds the {what} "{taken.what}"'
                     f"; not blocked for {' / '.join(taken.talks)}")  # fmt: skip
    lines += [f'no Open Spaces room named "{u.name}" ({_talks(u.talks)}); map it with --room'
              for u in report.unmatched_rooms]  # fmt: skip
    lines += [f"outside every slot: {t.room}, {_when(t.start)}: {t.title}"
              for t in report.outside_slots]  # fmt: skip
    lines.append(
        f"{report.status}: {len(report.blocked)} blocked, {len(report.updated)} relabelled, "
        f"{len(report.removed)} unblocked, {report.unchanged} unchanged, "
        f"{len(report.taken)} taken"
    )
    return lines


def _talks(count: int) -> str:
    return f"{count} talk" if count == 1 else f"{count} talks"


def _when(at: datetime) -> str:
    return at.strftime("%a %Y-%m-%d %H:%M")
