"""Contact sheets for docs/gallery: a page per script (every panel) and "from two metres".

A script page shows the sample session, titled in that script, on every panel at its own
resolution (the 13.3" panel halved). The two-metres sheet shows each panel's frame at the
size it appears from 2 m, for a reviewer sitting 60 cm from a 96 dpi screen: its active area
(:mod:`shared.render.physical`) times 0.6 / 2.0, resampled as an eye would blur it.
"""

from __future__ import annotations

from collections.abc import Iterable

from PIL import Image, ImageDraw

from shared.render import PANELS, render_door
from shared.render.fonts import font
from shared.render.panels import Panel
from shared.render.physical import active_area_mm
from shared.render.samples import Scene, sample_scene, script_scene

SHEET_WIDTH = 1700
GAP = 12
LABEL = 16
SCREEN_DPI = 96
VIEWER_M, DOOR_M = 0.6, 2.0


def _frame(panel: Panel, scene: Scene) -> Image.Image:
    return render_door(scene.snapshot, scene.at, panel, scene.context).convert("RGB")


def script_page(script: str) -> Image.Image:
    """Every panel drawing the sample session titled in ``script``."""
    tiles = []
    for panel in PANELS.values():
        frame = _frame(panel, script_scene(script))
        if frame.width > SHEET_WIDTH // 2:
            frame = frame.resize((frame.width // 2, frame.height // 2), Image.Resampling.BOX)
        tiles.append((panel.name, frame))
    return _sheet(tiles)


def two_metres_sheet(state: str = "session") -> Image.Image:
    """Every panel's ``state`` frame at the size it appears from two metres."""
    tiles = []
    for panel in PANELS.values():
        size = seen_from_two_metres(panel)
        frame = _frame(panel, sample_scene(state)).resize(size, Image.Resampling.LANCZOS)
        tiles.append((panel.id, frame))
    return _sheet(tiles, columns_hint=4)


def seen_from_two_metres(panel: Panel) -> tuple[int, int]:
    """The size in screen pixels (96 dpi, seen from 60 cm) that ``panel`` looks from 2 m."""
    width_mm, height_mm = active_area_mm(panel)
    scale = VIEWER_M / DOOR_M * SCREEN_DPI / 25.4
    return max(1, round(width_mm * scale)), max(1, round(height_mm * scale))


def _sheet(tiles: Iterable[tuple[str, Image.Image]], columns_hint: int = 0) -> Image.Image:
    """``tiles`` packed in rows left to right, each under its label, on a grey sheet."""
    placed: list[tuple[str, Image.Image, int, int]] = []
    x = y = row_height = count = 0
    for label, image in tiles:
        width = max(image.width, 8 * len(label))
        full_row = columns_hint and count == columns_hint
        if x and (x + width > SHEET_WIDTH or full_row):
            x, y, row_height, count = 0, y + row_height + GAP, 0, 0
        placed.append((label, image, x, y))
        x, row_height, count = x + width + GAP, max(row_height, image.height + LABEL), count + 1
    sheet = Image.new("RGB", (SHEET_WIDTH, y + row_height + GAP), (200, 200, 200))
    draw = ImageDraw.Draw(sheet)
    for label, image, left, top in placed:
        draw.text((left, top), label, font=font(12), fill=(0, 0, 0))
        sheet.paste(image, (left, top + LABEL))
    return sheet
