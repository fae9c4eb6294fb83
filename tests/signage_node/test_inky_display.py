"""InkyDisplay on the unmodified inky drivers, over a fake SPI bus and fake gpiod lines.

Every panel's frame goes through ``set_image()`` + ``show()`` of its real driver class; the
bytes the driver sends are decoded back into pixels and compared with the frame.
"""

from __future__ import annotations

import importlib
import itertools
import time
from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from gpiod.line import Value
from inky.eeprom import EPDType
from PIL import Image, ImageDraw

from shared.errors import ConfigError
from shared.render import PANELS, Panel, render_door
from shared.render.samples import sample_scene
from signage_node.display import Display
from signage_node.inky_display import InkyDisplay, detect_panel, panel_for_driver

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


class Wiring:
    """The bus between driver and panel: GPIO levels, and every SPI byte with D/C and CS."""

    def __init__(self, busy: Iterable[Value]) -> None:
        self.levels: dict[int, Value] = {}
        self.busy = itertools.cycle(busy)
        self.commands: list[tuple[int, frozenset[int], bytearray]] = []

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

    def __init__(self, wiring: Wiring) -> None:
        self.wiring = wiring
        self.no_cs = False
        self.max_speed_hz = 0

    def open(self, bus: int, device: int) -> None:
        self.opened = (bus, device)

    def xfer3(self, values: list[int]) -> None:
        self.wiring.record(values)

    def xfer(self, values: list[int]) -> None:
        self.wiring.record(values)

    def writebytes(self, values: list[int]) -> None:
        self.wiring.record(values)


class FakeLines:
    """Stands in for a ``gpiod`` line request."""

    def __init__(self, wiring: Wiring) -> None:
        self.wiring = wiring

    def set_value(self, line: int, value: Value) -> None:
        self.wiring.levels[line] = value

    def get_value(self, line: int) -> Value:
        if line == BUSY:
            return next(self.wiring.busy)
        return self.wiring.levels.get(line, Value.INACTIVE)

    def wait_edge_events(self, timeout: object = None) -> bool:
        return True

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


@pytest.fixture(autouse=True)
def no_sleeping(monkeypatch: pytest.MonkeyPatch) -> None:
    """The drivers wait seconds for the glass; here the glass is instant."""
    fast = SimpleNamespace(sleep=lambda seconds: None, monotonic=time.monotonic)
    for name in IDLE_BUSY:
        monkeypatch.setattr(importlib.import_module(name), "time", fast)


def module_of(panel: Panel) -> str:
    return panel.driver.partition(":")[0]


def test_frame_shape() -> None:
    """Every panel's frame: every palette colour and some text, as the renderer makes it."""
    for panel in PANELS.values():
        frame = colourful_frame(panel)
        assert frame.mode == "P"
        assert len(frame.getcolors() or []) == len(panel.palette)


def colourful_frame(panel: Panel) -> Image.Image:
    scene = sample_scene("full")
    frame = render_door(scene.snapshot, scene.at, panel, scene.context)
    draw = ImageDraw.Draw(frame)
    for index in range(len(panel.palette)):
        draw.rectangle((3 + 9 * index, 3, 10 + 9 * index, 14), fill=index)
    return frame


@pytest.mark.parametrize("panel_id", sorted(PANELS))
def test_every_panel_gets_its_frame_through_the_real_driver(panel_id: str) -> None:
    panel = PANELS[panel_id]
    wiring = Wiring(IDLE_BUSY[module_of(panel)])
    display = InkyDisplay(panel, spi_bus=FakeSpi(wiring), gpio=FakeLines(wiring), i2c_bus=I2c())
    frame = colourful_frame(panel)

    display.show(frame)

    sent = decode(panel, wiring)
    assert sent.shape == (panel.height, panel.width, 3)
    expected = np.asarray(frame.convert("RGB"))
    assert np.array_equal(sent, expected), f"{panel_id}: the glass would differ from the frame"
    assert display.frames_shown == 1


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


def test_the_13_inch_selects_each_half_by_hand() -> None:
    panel = PANELS["impression-13.3-spectra6"]
    wiring = Wiring(IDLE_BUSY[module_of(panel)])
    display = InkyDisplay(panel, spi_bus=FakeSpi(wiring), gpio=FakeLines(wiring), i2c_bus=I2c())
    assert (display.driver.cs0_pin, display.driver.cs1_pin) == (26, 16)


def test_it_is_a_display() -> None:
    wiring = Wiring([Value.INACTIVE])
    display: Display = InkyDisplay(PANELS["phat-ssd1608-red"], spi_bus=FakeSpi(wiring),
                                   gpio=FakeLines(wiring), i2c_bus=I2c())  # fmt: skip
    assert display.panel.id == "phat-ssd1608-red"


def test_frames_of_another_size_or_palette_are_refused() -> None:
    wiring = Wiring([Value.INACTIVE])
    panel = PANELS["what-ssd1683-red"]
    display = InkyDisplay(panel, spi_bus=FakeSpi(wiring), gpio=FakeLines(wiring), i2c_bus=I2c())
    with pytest.raises(ValueError, match="frame is"):
        display.show(Image.new("P", (10, 10)))
    with pytest.raises(ValueError, match="palette"):
        display.show(Image.new("RGB", (panel.width, panel.height), "white"))
    assert wiring.commands == []


def eeprom(width: int, height: int, colour: str, variant: int) -> bytes:
    return bytes(EPDType(width, height, colour, 12, variant).encode())


BOARDS = [
    (eeprom(212, 104, "red", 1), "phat-v1-red"),
    (eeprom(212, 104, "black", 4), "phat-v1-black"),
    (eeprom(212, 104, "yellow", 5), "phat-v1-yellow"),
    (eeprom(250, 122, "black", 10), "phat-ssd1608-black"),
    (eeprom(250, 122, "red", 11), "phat-ssd1608-red"),
    (eeprom(250, 122, "yellow", 12), "phat-ssd1608-yellow"),
    (eeprom(400, 300, "yellow", 2), "what-v1-yellow"),
    (eeprom(400, 300, "black", 3), "what-v1-black"),
    (eeprom(400, 300, "red", 6), "what-v1-red"),
    (eeprom(600, 448, "7colour", 14), "impression-5.7-7colour"),
    (eeprom(640, 400, "7colour", 16), "impression-4-7colour"),
    (eeprom(400, 300, "black", 17), "what-ssd1683-black"),
    (eeprom(400, 300, "red", 18), "what-ssd1683-red"),
    (eeprom(400, 300, "yellow", 19), "what-ssd1683-yellow"),
    (eeprom(800, 480, "7colour", 20), "impression-7.3-7colour"),
    (eeprom(1600, 1200, "spectra6", 21), "impression-13.3-spectra6"),
    (eeprom(800, 480, "spectra6", 22), "impression-7.3-spectra6"),
    (eeprom(250, 122, "red/yellow", 23), "phat-jd79661"),
    (eeprom(400, 300, "red/yellow", 24), "what-jd79668"),
    (eeprom(600, 400, "spectra6", 25), "impression-4-spectra6"),
    (eeprom(400, 300, "red/yellow", 28), "what-ssd2683"),
]


@pytest.mark.parametrize(("board", "panel_id"), BOARDS, ids=[p for _, p in BOARDS])
def test_inky_auto_picks_the_panel(board: bytes, panel_id: str) -> None:
    assert detect_panel(I2c(board)).id == panel_id


def test_every_panel_is_reachable_by_auto() -> None:
    assert {panel_id for _, panel_id in BOARDS} == set(PANELS)


def test_no_eeprom_means_naming_the_panel() -> None:
    with pytest.raises(ConfigError, match="Set the panel id"):
        detect_panel(I2c())
    with pytest.raises(ConfigError, match="Set the panel id"):
        InkyDisplay(None, i2c_bus=I2c())


def test_a_given_driver_names_its_panel() -> None:
    wiring = Wiring([Value.ACTIVE])
    panel = PANELS["impression-7.3-spectra6"]
    driver = InkyDisplay(panel, spi_bus=FakeSpi(wiring), gpio=FakeLines(wiring),
                         i2c_bus=I2c()).driver  # fmt: skip
    assert InkyDisplay(None, driver=driver).panel is panel
    assert panel_for_driver(driver) is panel
