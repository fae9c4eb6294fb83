"""A door node process driving the real inky driver over a stand-in SPI bus and GPIO lines,
as on a Pi but without the glass: ``python -m benchmarks.inky_node CONFIG``.

The node is the real one (``display = "inky"``): each refresh runs a panel helper process with
the unmodified driver. Only the helper's buses are stand-ins, the tests' fake bus
(:func:`tests.signage_node.fake_bus.buses`, which forgets the bytes it is sent unless a test
asks for them), and its driver does not sleep through the seconds a real panel takes. Used by
:mod:`benchmarks.node_process` to measure the memory of the node and of its helper.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from pathlib import Path

from gpiozero.pins.mock import MockFactory

from shared.clock import SystemClock
from signage_node.app import Node
from signage_node.config import load_node_config
from signage_node.inky_display import InkyDisplay, PanelHelper


def main(config: str) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = load_node_config(Path(config), {})
    helper = PanelHelper(buses="tests.signage_node.fake_bus:buses")
    display = InkyDisplay(settings.panel_spec, helper=helper)
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
