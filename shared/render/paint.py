"""Drawing on a frame with palette indexes only, keeping a record of every text box.

A frame is a "P"-mode image whose palette is exactly the panel's colours. Pillow draws text in
"P" mode without anti-aliasing, so every pixel holds one of the panel's colours and no text is
dithered. :class:`Painter` also records where each text went (:class:`Placement`), so tests
can check that no text leaves its box.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import segno
from PIL import Image, ImageDraw

from shared.render.panels import Panel
from shared.render.text import Align, FittedText, draw_text, fit_text

Box = tuple[int, int, int, int]


def new_frame(panel: Panel) -> Image.Image:
    """A blank frame for ``panel``, filled with its background colour."""
    image = Image.new("P", (panel.width, panel.height), panel.background)
    image.putpalette([channel for colour in panel.palette for channel in colour])
    return image


@dataclass(frozen=True)
class Placement:
    """One text drawn on a frame: the box it was given and the ink boxes of its lines."""

    text: str
    box: Box
    lines: tuple[str, ...]
    ink: tuple[Box, ...]
    size: int
    truncated: bool


@dataclass
class Painter:
    """Draws one frame for ``panel``; ``placements`` lists every text drawn, in order."""

    panel: Panel
    frame: Image.Image = field(init=False)
    placements: list[Placement] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.frame = new_frame(self.panel)
        self._draw = ImageDraw.Draw(self.frame)

    def fill(self, box: Box, colour: int) -> None:
        """Fill ``box`` (left, top, right, bottom; right and bottom exclusive) with a colour."""
        left, top, right, bottom = box
        if right > left and bottom > top:
            self._draw.rectangle((left, top, right - 1, bottom - 1), fill=colour)

    def fit(
        self,
        text: str,
        box: Box,
        *,
        weight: str = "regular",
        max_size: int,
        min_size: int,
        max_lines: int = 99,
    ) -> FittedText:
        """``text`` fitted to ``box`` (not drawn yet)."""
        left, top, right, bottom = box
        return fit_text(
            text, right - left, bottom - top, weight=weight, max_size=max_size,
            min_size=min(min_size, max_size), max_lines=max_lines,
        )  # fmt: skip

    def put(
        self,
        text: str,
        fitted: FittedText,
        box: Box,
        colour: int,
        align: Align = "left",
        middle: bool = False,
    ) -> int:
        """Draw ``fitted`` in ``box`` (vertically centred if ``middle``); return its height."""
        left, top, right, bottom = box
        if middle:
            top += max(0, (bottom - top - fitted.height) // 2)
        ink = draw_text(self._draw, fitted, (left, top), right - left, colour, align)
        self.placements.append(
            Placement(text, box, fitted.lines, tuple(ink), fitted.size, fitted.truncated)
        )
        return fitted.height

    def text(
        self,
        text: str,
        box: Box,
        colour: int,
        *,
        weight: str = "regular",
        max_size: int,
        min_size: int,
        max_lines: int = 99,
        align: Align = "left",
        middle: bool = False,
    ) -> int:
        """Fit and draw ``text`` in ``box``; return the height it took (0 for no text)."""
        if not text.strip():
            return 0
        fitted = self.fit(
            text, box, weight=weight, max_size=max_size, min_size=min_size, max_lines=max_lines
        )
        if not fitted.lines:
            return 0
        return self.put(text, fitted, box, colour, align, middle)

    def rule(self, y: int, left: int, right: int, thickness: int, colour: int) -> None:
        """A horizontal line ``thickness`` pixels thick, starting at ``y``."""
        self.fill((left, y, right, y + thickness), colour)

    def qr(self, url: str, box: Box, colour: int) -> int:
        """Draw a QR code for ``url`` centred at the top of ``box``; return its side (or 0).

        Modules are whole pixels (at least 2 per module); a code that cannot fit is left out.
        """
        code = segno.make(url, error="m")
        modules = list(code.matrix_iter(border=2))
        count = len(modules)
        left, top, right, bottom = box
        scale = min(right - left, bottom - top) // count
        if scale < 2:
            return 0
        mask = Image.new("1", (count, count), 0)
        mask.putdata([1 if dark else 0 for row in modules for dark in row])
        mask = mask.resize((count * scale, count * scale), Image.Resampling.NEAREST)
        x = left + (right - left - count * scale) // 2
        self.fill((x, top, x + count * scale, top + count * scale), self.panel.background)
        self.frame.paste(colour, (x, top, x + count * scale, top + count * scale), mask)
        return count * scale
