"""The bus between an inky driver and its panel, faked: SPI bytes with D/C and CS, GPIO levels,
the board's EEPROM on I2C; and :func:`decode`, which turns the bytes sent back into pixels.

Used in the test process (drivers built directly) and, through :func:`buses`, inside panel
helper processes (``python -m signage_node.panel_helper --buses
tests.signage_node.fake_panel:buses``), steered by environment variables:

* ``OPENSPACES_TEST_WIRING``: a file the helper writes what it sent to, when it ends;
* ``OPENSPACES_TEST_EEPROM``: the board's EEPROM bytes in hex for ``detect`` (unset: none);
* ``OPENSPACES_TEST_FAULT``: ``spi`` (the bus raises), ``busy`` (the BUSY line stays low, so
  the E673 driver times out waiting for it) or ``hang`` (the bus never returns).
"""

from __future__ import annotations

import atexit
import importlib
import itertools
import os
import pickle
import time
from collections.abc import Iterable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
from gpiod.line import Value
from inky.eeprom import EPDType

from shared.render import Panel

DC, BUSY = 22, 17
CHIP_SELECTS = (8, 26, 16)
SPECTRA_CODES = {0: (0, 0, 0), 1: (255, 255, 255), 2: (255, 255, 0), 3: (255, 0, 0),
                 5: (0, 0, 255), 6: (0, 255, 0)}  # fmt: skip
FOUR_CODES = {0: (0, 0, 0), 1: (255, 255, 255), 2: (255, 255, 0), 3: (255, 0, 0)}
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

    def __init__(self, busy: Iterable[Value]) -> None:
        self.levels: dict[int, Value] = {}
        self.busy = itertools.cycle(busy)
        self.commands: Commands = []

    def record(self, values: Iterable[int]) -> None:
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

    def __init__(self, wiring: Wiring, fault: str | None = None) -> None:
        self.wiring = wiring
        self.fault = fault
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
        self.wiring.record(values)


class FakeLines:
    """Stands in for a ``gpiod`` line request; ``stuck`` keeps BUSY saying "busy" for good."""

    def __init__(self, wiring: Wiring, stuck: Value | None = None) -> None:
        self.wiring = wiring
        self.stuck = stuck

    def set_value(self, line: int, value: Value) -> None:
        self.wiring.levels[line] = value

    def get_value(self, line: int) -> Value:
        if line == BUSY:
            return self.stuck if self.stuck is not None else next(self.wiring.busy)
        return self.wiring.levels.get(line, Value.INACTIVE)

    def wait_edge_events(self, timeout: object = None) -> bool:
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


def module_of(panel: Panel) -> str:
    return panel.driver.partition(":")[0]


def eeprom(width: int, height: int, colour: str, variant: int) -> bytes:
    return bytes(EPDType(width, height, colour, 12, variant).encode())


def buses(driver: str | None) -> dict[str, Any]:
    """The panel helper's buses (see the module docstring for the variables that steer it)."""
    board = os.environ.get("OPENSPACES_TEST_EEPROM")
    i2c = I2c(bytes.fromhex(board) if board else None)
    if driver is None:
        return {"i2c_bus": i2c}
    module = driver.partition(":")[0]
    no_sleeping(module)
    fault = os.environ.get("OPENSPACES_TEST_FAULT")
    wiring = Wiring(IDLE_BUSY[module])
    stuck = Value.INACTIVE if fault == "busy" else None  # the E673 reads INACTIVE as busy
    record = os.environ.get("OPENSPACES_TEST_WIRING")
    if record:
        atexit.register(lambda: Path(record).write_bytes(pickle.dumps(wiring.commands)))
    return {"spi_bus": FakeSpi(wiring, fault), "gpio": FakeLines(wiring, stuck), "i2c_bus": i2c}


def recorded(path: Path) -> Wiring:
    """What a helper sent, as written to ``OPENSPACES_TEST_WIRING``."""
    wiring = Wiring([])
    wiring.commands = pickle.loads(path.read_bytes())  # noqa: S301  # our own test's file
    return wiring


def decode(panel: Panel, wiring: Wiring) -> Any:
    """The pixels the panel was sent, as RGB rows (the inverse of each driver's packing)."""
    w, h = panel.width, panel.height
    module = module_of(panel)
    if module in ("inky.inky", "inky.inky_ssd1608", "inky.inky_ssd1683"):
        codes = _two_planes(wiring, module, w, h)
        return _colours(codes, dict(enumerate(panel.palette)))
    if module in ("inky.inky_jd79661", "inky.inky_jd79668", "inky.inky_ssd2683"):
        ((_, data),) = wiring.data(0x10)
        codes = _unpack(data, 2)
        if module == "inky.inky_jd79661":  # six rows of overscan, sent rotated
            codes = np.rot90(codes.reshape(w, h + 6), 1)[6:]
        return _colours(codes.reshape(h, w), FOUR_CODES)
    if module == "inky.inky_el133uf1":
        halves = {cs: _unpack(data, 4).reshape(w, 600) for cs, data in wiring.data(0x10)}
        assert set(halves) == {frozenset({26}), frozenset({16})}, "each half on its own CS"
        both = np.hstack((halves[frozenset({26})], halves[frozenset({16})]))
        return _colours(np.rot90(both, 1), SPECTRA_CODES)
    ((_, data),) = wiring.data(0x10)
    codes = _unpack(data, 4)
    if module == "inky.inky_e640":
        codes = np.rot90(codes.reshape(w, h), 1)
    if module in ("inky.inky_e640", "inky.inky_e673"):
        return _colours(codes.reshape(h, w), SPECTRA_CODES)
    return _colours(codes.reshape(h, w), dict(enumerate(panel.palette)))


def _two_planes(wiring: Wiring, module: str, w: int, h: int) -> np.ndarray[Any, Any]:
    """Black/white plane (0x24, 0 = black) and red/yellow plane (0x26, 1 = colour)."""
    ((_, plane_a),) = wiring.data(0x24)
    ((_, plane_b),) = wiring.data(0x26)
    bits_a = np.unpackbits(np.frombuffer(plane_a, dtype=np.uint8))
    bits_b = np.unpackbits(np.frombuffer(plane_b, dtype=np.uint8))
    codes = np.where(bits_b == 1, 2, np.where(bits_a == 0, 1, 0))
    if module == "inky.inky" and (w, h) == (212, 104):
        return np.rot90(codes.reshape(w, h), 1)
    if module == "inky.inky_ssd1608":  # a 136-row canvas, image 6 rows down, sent rotated
        return np.rot90(codes.reshape(w, 136), 1)[6 : 6 + h]
    return codes.reshape(h, w)


def _unpack(data: bytes, bits: int) -> np.ndarray[Any, Any]:
    raw = np.frombuffer(data, dtype=np.uint8)
    shifts = range(8 - bits, -1, -bits)
    mask = (1 << bits) - 1
    return np.stack([(raw >> s) & mask for s in shifts], axis=1).reshape(-1)


def _colours(codes: np.ndarray[Any, Any], table: dict[int, tuple[int, int, int]]) -> Any:
    lookup = np.zeros((256, 3), dtype=np.uint8)
    for code, rgb in table.items():
        lookup[code] = rgb
    unknown = set(np.unique(codes).tolist()) - set(table)
    assert not unknown, f"codes the panel has no colour for: {unknown}"
    return lookup[codes]
