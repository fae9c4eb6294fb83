"""The catalogue of supported e-ink panels: size, palette, colour roles, refresh time.

A frame for a panel is a "P"-mode image whose palette is exactly :attr:`Panel.palette`, in
that order; every pixel is one of those colours. Drivers map palette indexes to the panel's own
colour codes.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.errors import ConfigError

RGB = tuple[int, int, int]
BLACK: RGB = (0, 0, 0)
WHITE: RGB = (255, 255, 255)
RED: RGB = (255, 0, 0)
YELLOW: RGB = (255, 255, 0)
GREEN: RGB = (0, 255, 0)
BLUE: RGB = (0, 0, 255)
ORANGE: RGB = (255, 140, 0)


@dataclass(frozen=True)
class Panel:
    """One model of e-ink panel, as the renderer and the display driver see it.

    ``palette`` lists the colours a frame may contain; ``background``, ``text`` and ``accent``
    index into it (accent draws the FULL treatment). ``refresh_s`` is a typical full refresh.
    ``driver`` names the inky class (``module:Class``) and ``driver_colour`` its colour option.
    """

    id: str
    name: str
    width: int
    height: int
    palette: tuple[RGB, ...]
    background: int
    text: int
    accent: int
    refresh_s: float
    driver: str
    driver_colour: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "width": self.width,
            "height": self.height,
            "palette": [list(c) for c in self.palette],
            "roles": {"background": self.background, "text": self.text, "accent": self.accent},
            "refresh_s": self.refresh_s,
            "driver": self.driver,
        }


_SPECTRA6 = (BLACK, WHITE, YELLOW, RED, BLUE, GREEN)

PANELS: dict[str, Panel] = {
    p.id: p
    for p in (
        Panel(
            "phat-ssd1608-red", 'Inky pHAT (SSD1608) red, 2.13"', 250, 122,
            (WHITE, BLACK, RED), 0, 1, 2, 15.0, "inky.inky_ssd1608:Inky", "red",
        ),
        Panel(
            "impression-7.3-spectra6", 'Inky Impression 7.3" Spectra 6 (E673)', 800, 480,
            _SPECTRA6, 1, 0, 3, 30.0, "inky.inky_e673:Inky",
        ),
    )
}  # fmt: skip


def get_panel(panel_id: str) -> Panel:
    """The panel with that id; raise :class:`ConfigError` naming the known ids otherwise."""
    try:
        return PANELS[panel_id]
    except KeyError:
        known = ", ".join(sorted(PANELS))
        raise ConfigError("panel", panel_id, f"unknown panel; known panels: {known}") from None
