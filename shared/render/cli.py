"""``openspaces panels`` and ``openspaces render``: the panel catalogue and door frames as PNGs.

Examples::

    openspaces panels --json
    openspaces render --panel impression-7.3-spectra6 --state full --out full.png
    openspaces render --panel phat-ssd1608-red --snapshot room.json --at 2025-05-16T10:20-04:00
    openspaces render --gallery docs/gallery
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PIL import Image

from shared.errors import ConfigError
from shared.render import PANELS, NodeContext, get_panel, render_door
from shared.render.door import door_view
from shared.render.gallery import script_page, two_metres_sheet
from shared.render.legibility import as_json, text_runs
from shared.render.samples import (
    MAIN_STATES,
    SCRIPT_SAMPLES,
    STATES,
    Scene,
    sample_scene,
    script_scene,
)  # fmt: skip
from shared.wire import RoomSnapshot, decode

logger = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    """Add the ``panels`` and ``render`` commands to the ``openspaces`` parser."""
    panels = subparsers.add_parser("panels", help="list the supported e-ink panels")
    panels.add_argument("--json", action="store_true", help="print JSON instead of a table")
    panels.set_defaults(run=run_panels)

    render = subparsers.add_parser(
        "render", help="draw a door frame to a PNG (from a snapshot file or the sample event)"
    )
    render.add_argument("--panel", help="panel id (see `openspaces panels`)")
    render.add_argument("--snapshot", type=Path, help="a RoomSnapshot JSON file")
    render.add_argument("--state", default="session",
                        help="state of the sample event to draw (default: session)")  # fmt: skip
    render.add_argument("--at", help="the time to draw for, ISO 8601 with a UTC offset")
    render.add_argument("--node-id", default="", help="node id shown when waiting/identifying")
    render.add_argument("--offline-since", help="ISO 8601 time the node lost the hub")
    render.add_argument("--identify", action="store_true", help="draw the identify frame")
    render.add_argument("--out", type=Path, default=Path("door.png"), help="PNG to write")
    render.add_argument("--script", help="title the sample session in this script "
                        f"({', '.join(SCRIPT_SAMPLES)})")  # fmt: skip
    render.add_argument(
        "--layout-json", action="store_true",
        help="print every text on the frame (role, pixel size, cap height in mm) as JSON "
        "instead of writing a PNG",
    )  # fmt: skip
    render.add_argument(
        "--gallery", type=Path, metavar="DIR",
        help="write DIR/<panel>-<state>.png for every panel × main state",
    )  # fmt: skip
    render.add_argument(
        "--all-states", action="store_true",
        help="with --gallery: every sample state, not only the main ones",
    )  # fmt: skip
    render.set_defaults(run=run_render)


def run_panels(args: argparse.Namespace) -> int:
    if args.json:
        json.dump([p.as_dict() for p in PANELS.values()], sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    for panel in PANELS.values():
        colours = len(panel.palette)
        print(f"{panel.id:26} {panel.width:4}×{panel.height:<4} {colours} colours "
              f"~{panel.refresh_s:>4.0f} s  {panel.name}")  # fmt: skip
    return 0


def run_render(args: argparse.Namespace) -> int:
    if args.gallery is not None:
        return _gallery(args.gallery, args.panel, args.all_states)
    if not args.panel:
        raise ConfigError("render", "--panel", "required (or use --gallery DIR)")
    if args.layout_json:
        snapshot, moment, context = _scene(args)
        view = door_view(snapshot, moment, context)
        json.dump(as_json(text_runs(view, get_panel(args.panel))), sys.stdout, indent=2,
                  ensure_ascii=False)  # fmt: skip
        sys.stdout.write("\n")
        return 0
    frame = _frame(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    frame.save(args.out, format="PNG")
    print(args.out)
    return 0


def _frame(args: argparse.Namespace) -> Image.Image:
    panel = get_panel(args.panel)
    snapshot, moment, context = _scene(args)
    return render_door(snapshot, moment, panel, context)


def _scene(args: argparse.Namespace) -> tuple[RoomSnapshot | None, datetime, NodeContext]:
    """What to draw: the snapshot file or the sample event (titled in ``--script``)."""
    at = _parse_time("--at", args.at)
    snapshot: RoomSnapshot | None
    if args.snapshot is not None:
        snapshot = _read_snapshot(args.snapshot)
        context = NodeContext(node_id=args.node_id)
        moment = at or datetime.now(UTC)
    else:
        try:
            scene = sample_scene(args.state, at=at)
        except ValueError as exc:
            raise ConfigError("render", "--state", str(exc)) from None
        if args.script:
            scene = _scripted(scene, args.script)
        snapshot, moment, context = scene.snapshot, scene.at, scene.context
        if args.node_id:
            context = replace(context, node_id=args.node_id)
    offline = _parse_time("--offline-since", args.offline_since)
    if offline is not None:
        context = replace(context, offline_since=offline)
    if args.identify:
        context = replace(context, identify=True)
    return snapshot, moment, context


def _scripted(scene: Scene, script: str) -> Scene:
    try:
        titled = script_scene(script, scene.state)
    except ValueError as exc:
        raise ConfigError("render", "--script", str(exc)) from None
    return replace(titled, at=scene.at)


def _gallery(folder: Path, panel_id: str | None, all_states: bool) -> int:
    panels = [get_panel(panel_id)] if panel_id else list(PANELS.values())
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for panel in panels:
        for state in STATES if all_states else MAIN_STATES:
            scene = sample_scene(state)
            frame = render_door(scene.snapshot, scene.at, panel, scene.context)
            frame.save(folder / f"{panel.id}-{state}.png", format="PNG", optimize=True)
            count += 1
    if panel_id is None:
        count += _sheets(folder)
    print(f"wrote {count} frames and sheets to {folder}")
    return 0


def _sheets(folder: Path) -> int:
    """A page per script (every panel) and the two-metres sheet; how many were written."""
    (folder / "scripts").mkdir(exist_ok=True)
    for script in SCRIPT_SAMPLES:
        script_page(script).save(folder / "scripts" / f"{script}.png", optimize=True)
    two_metres_sheet().save(folder / "two-metres.png", optimize=True)
    return len(SCRIPT_SAMPLES) + 1


def _parse_time(option: str, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ConfigError("render", option, f"not an ISO 8601 time: {value!r}") from None
    if moment.tzinfo is None:
        raise ConfigError("render", option, "needs a UTC offset, e.g. 2025-05-16T10:20-04:00")
    return moment


def _read_snapshot(path: Path) -> RoomSnapshot:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(str(path), "snapshot", exc.strerror or str(exc)) from None
    return decode(RoomSnapshot, data)
