"""The panels' physical size, and how large text on them is in millimetres.

Active areas (the part of the glass that shows pixels) are in docs/rendering.md with their
sources. The 4.2" wHAT's is the published figure for that 400×300 glass (84.8 × 63.6 mm,
0.212 mm pixel pitch); the others are computed from the panel's nominal diagonal and its
resolution, pixels being square, and agree with the published 4.2" figure to 1 %.
"""

from __future__ import annotations

import math
import re

from shared.render.fonts import font
from shared.render.panels import Panel

#: Panel id prefix → active area (width, height) in mm, where a published figure is used.
PUBLISHED_MM: dict[str, tuple[float, float]] = {"what-": (84.8, 63.6)}
_DIAGONAL = re.compile(r'(\d+(?:\.\d+)?)"')


def diagonal_in(panel: Panel) -> float:
    """The nominal diagonal in inches, from the panel's name (e.g. ``Inky wHAT ..., 4.2"``)."""
    found = _DIAGONAL.search(panel.name)
    if found is None:
        raise ValueError(f"panel {panel.id} names no diagonal")
    return float(found.group(1))


def active_area_mm(panel: Panel) -> tuple[float, float]:
    """(width, height) of the panel's active area in millimetres."""
    for prefix, area in PUBLISHED_MM.items():
        if panel.id.startswith(prefix):
            return area
    scale = diagonal_in(panel) * 25.4 / math.hypot(panel.width, panel.height)
    return round(panel.width * scale, 1), round(panel.height * scale, 1)


def mm_per_px(panel: Panel) -> float:
    """The pixel pitch in millimetres."""
    return active_area_mm(panel)[0] / panel.width


def cap_height_px(size: int, weight: str = "regular") -> int:
    """The height of a capital "H" in DejaVu at ``size`` pixels."""
    box = font(size, weight).getbbox("H", mode="1", anchor="ls")
    return int(box[3] - box[1])


def cap_height_mm(panel: Panel, size: int, weight: str = "regular") -> float:
    """The cap height of ``size``-pixel text on ``panel``, in millimetres."""
    return round(cap_height_px(size, weight) * mm_per_px(panel), 2)


def size_for_cap(panel: Panel, cap_mm: float, weight: str = "regular") -> int:
    """The smallest pixel size whose cap height on ``panel`` is at least ``cap_mm``."""
    size = 6
    while cap_height_px(size, weight) * mm_per_px(panel) < cap_mm:
        size += 1
    return size
