"""One process of simulated door nodes for the fleet benchmark.

``python -m benchmarks.fleet_worker SPEC.json`` starts the nodes the spec lists (each a real
:class:`~signage_node.app.Node` with its own mock pins, drawing into memory), prints ``ready``
once every node has applied a snapshot, then prints one JSON line per frame a node draws:
``{"node": id, "room": room, "t": monotonic seconds}`` (``time.monotonic`` is one clock for
every process of the machine). It stops on SIGTERM or when its standard input closes.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from gpiozero.pins.mock import MockFactory
from PIL import Image

from shared.clock import SystemClock
from shared.render.panels import PANELS, Panel
from signage_node.app import Node
from signage_node.config import BrokerSettings, NodeSettings

_print_lock = threading.Lock()


def emit(line: str) -> None:
    with _print_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


class ReportingDisplay:
    """A panel that keeps no pixels: it reports the moment each frame is shown."""

    def __init__(self, panel: Panel, node_id: str, room_id: str) -> None:
        self._panel = panel
        self._prefix = json.dumps({"node": node_id, "room": room_id})[:-1]

    @property
    def panel(self) -> Panel:
        return self._panel

    def show(self, frame: Image.Image) -> None:
        frame.tobytes()  # the work a real driver does with the pixels
        emit(f'{self._prefix}, "t": {time.monotonic():.6f}}}')


def start_nodes(spec: dict[str, Any]) -> list[tuple[Node, MockFactory]]:
    started = []
    for entry in spec["nodes"]:
        settings = NodeSettings(
            node_id=entry["node_id"], room_id=entry["room_id"], panel=entry["panel"],
            broker=BrokerSettings(host=spec["host"], port=spec["port"],
                                  password=entry["password"], keepalive_s=30),
            state_dir=Path(spec["state_dir"]) / entry["node_id"], clock_sync_flag=None,
        )  # fmt: skip
        pins = MockFactory()
        display = ReportingDisplay(PANELS[entry["panel"]], entry["node_id"], entry["room_id"])
        node = Node(settings, clock=SystemClock(), display=display, pin_factory=pins)
        node.start()
        started.append((node, pins))
    return started


def main(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())

    def stop_when_stdin_closes() -> None:
        sys.stdin.read()
        stop.set()

    threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
    nodes = start_nodes(spec)
    try:
        deadline = time.monotonic() + 120
        while not all(n.last_status and n.last_status.applied_version for n, _ in nodes):
            if time.monotonic() > deadline or stop.is_set():
                emit("failed")
                return 1
            time.sleep(0.1)
        for node, _ in nodes:
            node.settle(30)
        emit("ready")
        stop.wait()
    finally:
        for node, pins in nodes:
            node.stop()
            pins.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
