"""The bus between an inky driver and its panel, faked: SPI bytes with D/C and CS, GPIO levels,
the board's EEPROM on I2C. It imports gpiod (as inky does) and the standard library only, so a
panel helper running it is the size of one on a Pi.

Used in the test process (drivers built directly) and, through :func:`buses`, inside panel
helper processes (``python -m signage_node.panel_helper --buses
tests.signage_node.fake_bus:buses``: the tests, and ``benchmarks/node_process.py``), steered
by environment variables:

* ``OPENSPACES_TEST_WIRING``: a file the helper writes what it sent to, when it ends (unset:
  the bytes are forgotten as they go);
* ``OPENSPACES_TEST_EEPROM``: the board's EEPROM bytes in hex for ``detect`` (unset: none);
* ``OPENSPACES_TEST_FAULT``: ``spi`` (the bus raises), ``busy`` (the BUSY line stays low, so
  the E673 driver times out waiting for it), ``hang`` (the bus never returns) or ``slow``
  (the first transfer takes ``SLOW_S`` seconds, after touching ``<WIRING file>.busy``).
"""

from __future__ import annotations

import atexit
import importlib
import itertools
import os
import pickle
import time
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from gpiod.line import Value

SLOW_S = 2.0
DC, BUSY = 22, 17
CHIP_SELECTS = (8, 26, 16)
#: What each driver reads on BUSY while the panel is idle (or the ready/busy pulse it needs).
IDLE_BUSY: dict[str, list[Value]] = {
    "inky.inky": [Value.INACTIVE], "inky.inky_ssd1608": [Value.INACTIVE],
    "inky.inky_ssd1683": [Value.INACTIVE], "inky.inky_uc8159": [Value.INACTIVE],
    "inky.inky_ac073tc1a": [Value.INACTIVE], "inky.inky_jd79661": [Value.ACTIVE],
    "inky.inky_jd79668": [Value.ACTIVE], "inky.inky_ssd2683": [Value.ACTIVE],
    "inky.inky_e640": [Value.ACTIVE], "inky.inky_e673": [Value.ACTIVE],
    "inky.inky_el133uf1": [Value.ACTIVE, Value.INACTIVE],
}  # fmt: skip
#: Commands: (command byte, chip selects active, data bytes).
Commands = list[tuple[int, frozenset[int], bytearray]]


class Wiring:
    """The bus between driver and panel: GPIO levels, and every SPI byte with D/C and CS."""

    def __init__(self, busy: Iterable[Value], *, keep: bool = True) -> None:
        self.levels: dict[int, Value] = {}
        self.busy = itertools.cycle(busy)
        self.keep = keep
        self.commands: Commands = []

    def record(self, values: Iterable[int]) -> None:
        """Note the bytes sent (unless ``keep`` is off: then they are forgotten)."""
        if not self.keep:
            return
        data = bytearray(int(v) & 0xFF for v in values)
        if self.levels.get(DC, Value.INACTIVE) == Value.INACTIVE:
            selected = frozenset(p for p in CHIP_SELECTS if self.levels.get(p) == Value.INACTIVE)
            self.commands.extend((byte, selected, bytearray()) for byte in data)
        else:
            self.commands[-1][2].extend(data)

    def data(self, command: int) -> list[tuple[frozenset[int], bytes]]:
        return [(cs, bytes(d)) for c, cs, d in self.commands if c == command]


class FakeSpi:
    """Stands in for ``spidev.SpiDev``."""

    def __init__(self, wiring: Wiring, fault: str | None = None,
                 slow_marker: Path | None = None) -> None:  # fmt: skip
        self.wiring = wiring
        self.fault = fault
        self.slow_marker = slow_marker
        self.no_cs = False
        self.max_speed_hz = 0

    def open(self, bus: int, device: int) -> None:
        self.opened = (bus, device)

    def xfer3(self, values: list[int]) -> None:
        self._send(values)

    def xfer(self, values: list[int]) -> None:
        self._send(values)

    def writebytes(self, values: list[int]) -> None:
        self._send(values)

    def _send(self, values: list[int]) -> None:
        if self.fault == "spi":
            raise OSError(5, "Input/output error")
        if self.fault == "hang":
            time.sleep(3600)
        if self.fault == "slow" and self.slow_marker is not None:
            marker, self.slow_marker = self.slow_marker, None
            marker.touch()
            time.sleep(SLOW_S)
        self.wiring.record(values)


class FakeLines:
    """Stands in for a ``gpiod`` line request; ``stuck`` keeps BUSY saying "busy" for good;
    ``quiet_below_s``: BUSY gives no edge to waits shorter than that (a panel that does not
    pulse BUSY around power on and off, as 7-colour panels may not)."""

    def __init__(
        self, wiring: Wiring, stuck: Value | None = None, quiet_below_s: float = 0.0
    ) -> None:
        self.wiring = wiring
        self.stuck = stuck
        self.quiet_below_s = quiet_below_s

    def set_value(self, line: int, value: Value) -> None:
        self.wiring.levels[line] = value

    def get_value(self, line: int) -> Value:
        if line == BUSY:
            return self.stuck if self.stuck is not None else next(self.wiring.busy)
        return self.wiring.levels.get(line, Value.INACTIVE)

    def wait_edge_events(self, timeout: object = None) -> bool:
        if isinstance(timeout, timedelta) and timeout.total_seconds() < self.quiet_below_s:
            return False
        return self.stuck is None

    def read_edge_events(self) -> list[SimpleNamespace]:
        return [SimpleNamespace(line_offset=BUSY)]


class I2c:
    """An I2C bus with the board's EEPROM (``eeprom`` bytes) or without one (None)."""

    def __init__(self, eeprom: bytes | None = None) -> None:
        self.eeprom = eeprom

    def write_i2c_block_data(self, address: int, register: int, data: list[int]) -> None:
        if self.eeprom is None:
            raise OSError(121, "Remote I/O error")

    def read_i2c_block_data(self, address: int, register: int, length: int) -> list[int]:
        assert self.eeprom is not None
        return list(self.eeprom[:length])


class FastTime:
    """A driver module's ``time``: sleeping is instant and each look at the clock moves it on
    by a second, so a busy wait that would last its whole timeout ends at once."""

    def __init__(self) -> None:
        self.now = time.monotonic()

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    def monotonic(self) -> float:
        self.now += 1.0
        return self.now


def no_sleeping(module: str) -> None:
    """The driver ``module`` waits seconds for the glass; here the glass is instant."""
    importlib.import_module(module).time = FastTime()  # type: ignore[attr-defined]


def buses(driver: str | None) -> dict[str, Any]:
    """The panel helper's buses (see the module docstring for the variables that steer it)."""
    board = os.environ.get("OPENSPACES_TEST_EEPROM")
    i2c = I2c(bytes.fromhex(board) if board else None)
    if driver is None:
        return {"i2c_bus": i2c}
    module = driver.partition(":")[0]
    no_sleeping(module)
    fault = os.environ.get("OPENSPACES_TEST_FAULT")
    record = os.environ.get("OPENSPACES_TEST_WIRING")
    wiring = Wiring(IDLE_BUSY[module], keep=bool(record))
    stuck = Value.INACTIVE if fault == "busy" else None  # the E673 reads INACTIVE as busy
    marker = Path(f"{record}.busy") if record else None
    if record:
        atexit.register(lambda: Path(record).write_bytes(pickle.dumps(wiring.commands)))
    return {"spi_bus": FakeSpi(wiring, fault, marker), "gpio": FakeLines(wiring, stuck),
            "i2c_bus": i2c}  # fmt: skip
