"""``openspaces demo``: run the whole system on this machine."""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from pathlib import Path
from types import FrameType
from typing import Any


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "demo",
        help="run hub, private Mosquitto and simulated door nodes on this machine",
        description=(
            "Run everything on one machine: a private Mosquitto on a free port, the hub with a "
            "SQLite database under --out and a sample event laid out around now, and simulated "
            "door nodes drawing PNG frames to OUT/doors/<room_id>.png. Writes OUT/demo.json. "
            "Stops after --duration seconds, or on Ctrl-C."
        ),
    )
    parser.add_argument("--out", type=Path, default=Path("var/demo"), help="output folder")
    parser.add_argument("--port", type=int, default=8000, help="the hub's HTTP port")
    parser.add_argument(
        "--nodes", type=int, default=None, help="simulated door nodes (default: one per room)"
    )
    parser.add_argument(
        "--duration", type=float, default=None, help="exit cleanly after this many seconds"
    )
    parser.add_argument(
        "--timezone", default=None,
        help="the sample event's IANA time zone (default: this machine's, else UTC)",
    )  # fmt: skip
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    _log_to_file(args.out / "demo.log")
    from hub.demo import DemoError  # noqa: PLC0415 (heavy imports wait for the command)
    from hub.demo.runner import Demo, DemoOptions, local_timezone  # noqa: PLC0415

    if args.nodes is not None and not 1 <= args.nodes <= 500:
        raise DemoError("--nodes must be between 1 and 500")
    if args.duration is not None and args.duration <= 0:
        raise DemoError("--duration must be a positive number of seconds")
    options = DemoOptions(args.out, args.port, args.nodes, args.timezone or local_timezone())
    demo = Demo(options)
    stop = threading.Event()
    _on_signals(stop)
    demo.start()
    try:
        demo.wait_for_frames()
        _print_welcome(demo)
        stop.wait(args.duration)
    finally:
        demo.stop()
    print("Demo stopped.")
    return 0


def _log_to_file(path: Path) -> None:
    """Keep the console for warnings and the welcome text; the full log goes to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    for handler in root.handlers:
        handler.setLevel(max(handler.level, logging.WARNING))
    to_file = logging.FileHandler(path, mode="w", encoding="utf-8")
    to_file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(to_file)


def _on_signals(stop: threading.Event) -> None:
    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


def _print_welcome(demo: Any) -> None:
    info = demo.info
    lines = [
        "",
        "Open Spaces door signs demo is running.",
        f"  Board:           {info['hub_url']}/",
        f"  API docs:        {info['hub_url']}/docs",
        f"  Door simulator:  {info['simulator_url']}   (press the door buttons here)",
        f"  Staff login:     {info['hub_url']}/staff/login  user "
        f"{info['staff_login']['username']!r}, password {info['staff_login']['password']!r}",
        f"  Staff API token: Authorization: Bearer {info['staff_token']}",
        f"  Broker:          mqtt://{info['broker']['host']}:{info['broker']['port']}",
        f"  Door frames:     {demo.options.out / 'doors'}/",
        f"  Details:         {demo.options.out / 'demo.json'}",
        f"  Log:             {demo.options.out / 'demo.log'}",
        "Press Ctrl-C to stop.",
    ]
    print("\n".join(lines), flush=True)
