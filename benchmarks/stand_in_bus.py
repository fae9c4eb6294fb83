"""Stand-in buses for a panel helper in the benchmarks: an SPI bus that forgets what it is
sent and GPIO lines of a panel that is never busy (``--buses benchmarks.stand_in_bus:buses``).

Imports nothing but gpiod (which inky imports anyway), so the helper measured is the helper
a node runs on a Pi.
"""

from __future__ import annotations

import importlib
import itertools
import time
from types import SimpleNamespace
from typing import Any

from gpiod.line import Value

#: What each driver module reads on BUSY from a panel that is never busy (the 13.3" waits for
#: a busy pulse after each command, so its line goes up and down).
IDLE = {"inky.inky_e673": [Value.ACTIVE], "inky.inky_el133uf1": [Value.ACTIVE, Value.INACTIVE]}


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
    """GPIO lines of a panel that is never busy."""

    def __init__(self, idle: list[Value]) -> None:
        self.idle = itertools.cycle(idle)

    def set_value(self, line: int, value: Value) -> None:
        """Driven."""

    def get_value(self, line: int) -> Value:
        return next(self.idle)

    def wait_edge_events(self, timeout: object = None) -> bool:
        return True

    def read_edge_events(self) -> list[SimpleNamespace]:
        return [SimpleNamespace(line_offset=17)]


def buses(driver: str | None) -> dict[str, Any]:
    """The panel helper's buses; the driver module no longer sleeps."""
    if driver is None:
        return {}
    module = driver.partition(":")[0]
    importlib.import_module(module).time = SimpleNamespace(  # type: ignore[attr-defined]
        sleep=lambda seconds: None, monotonic=time.monotonic
    )
    return {"spi_bus": NullSpi(), "gpio": IdleLines(IDLE.get(module, [Value.INACTIVE]))}
