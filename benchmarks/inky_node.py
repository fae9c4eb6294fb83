"""A door node process driving the real inky driver (Spectra 6, 7.3") over a stand-in SPI bus
and GPIO lines, as on a Pi but without the glass: ``python -m benchmarks.inky_node CONFIG``.

Used by :mod:`benchmarks.node_process` to measure the memory of a node that has imported
and used the inky driver (which brings numpy and gpiod), not only the PNG display.
"""

from __future__ import annotations

import importlib
import signal
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

from gpiod.line import Value
from gpiozero.pins.mock import MockFactory

from shared.clock import SystemClock
from signage_node.app import Node
from signage_node.config import load_node_config
from signage_node.inky_display import InkyDisplay


class NullSpi:
    """Takes the bytes a real SPI bus would carry to the panel, and forgets them."""

    no_cs = False
    max_speed_hz = 0

    def open(self, bus: int, device: int) -> None:
        """Nothing to open."""

    def xfer3(self, values: list[int]) -> None:
        """Sent."""

    def xfer(self, values: list[int]) -> None:
        """Sent."""

    def writebytes(self, values: list[int]) -> None:
        """Sent."""


class IdleLines:
    """GPIO lines of a panel that is never busy (the E673 reads BUSY active when idle)."""

    def set_value(self, line: int, value: Value) -> None:
        """Driven."""

    def get_value(self, line: int) -> Value:
        return Value.ACTIVE

    def wait_edge_events(self, timeout: object = None) -> bool:
        return True

    def read_edge_events(self) -> list[SimpleNamespace]:
        return [SimpleNamespace(line_offset=17)]


def main(config: str) -> int:
    settings = load_node_config(Path(config), {})
    driver_module = importlib.import_module("inky.inky_e673")
    driver_module.time = SimpleNamespace(  # type: ignore[attr-defined]
        sleep=lambda seconds: None, monotonic=__import__("time").monotonic
    )
    display = InkyDisplay(settings.panel_spec, spi_bus=NullSpi(), gpio=IdleLines())
    node = Node(settings, clock=SystemClock(), display=display, pin_factory=MockFactory())
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    node.start()
    try:
        stop.wait()
    finally:
        node.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
