"""Decoding what an inky driver sent over the fake bus (:mod:`tests.signage_node.fake_bus`)
back into pixels, and the board EEPROMs that ``inky.auto()`` reads."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

import numpy as np
from inky.eeprom import EPDType

from shared.render import Panel
from signage_node.inky_display import PanelHelper
from tests.signage_node.fake_bus import Wiring

REPOSITORY = Path(__file__).resolve().parents[2]

#: The colours behind the Spectra 6 and 4-colour drivers' pixel codes.
SPECTRA_CODES = {0: (0, 0, 0), 1: (255, 255, 255), 2: (255, 255, 0), 3: (255, 0, 0),
                 5: (0, 0, 255), 6: (0, 255, 0)}  # fmt: skip
FOUR_CODES = {0: (0, 0, 0), 1: (255, 255, 255), 2: (255, 255, 0), 3: (255, 0, 0)}


def fake_helper(**variables: str) -> PanelHelper:
    """A panel helper process on :mod:`tests.signage_node.fake_bus`; keyword arguments set its
    ``OPENSPACES_TEST_*`` variables (``wiring=``, ``eeprom=``, ``fault=``)."""
    environ = {**os.environ, "PYTHONPATH": str(REPOSITORY)}
    environ.update({f"OPENSPACES_TEST_{k.upper()}": v for k, v in variables.items()})
    return PanelHelper(buses="tests.signage_node.fake_bus:buses", environ=environ)


def module_of(panel: Panel) -> str:
    return panel.driver.partition(":")[0]


def eeprom(width: int, height: int, colour: str, variant: int) -> bytes:
    return bytes(EPDType(width, height, colour, 12, variant).encode())


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
