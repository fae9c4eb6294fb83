"""The catalogue of supported e-ink panels: size, palette, colour roles, refresh time, driver.

A frame for a panel is a "P"-mode image whose palette is exactly :attr:`Panel.palette`, in
that order; every pixel is one of those colours. The order is the one the panel's inky driver
expects when it is handed a "P"-mode image:

* pHAT/wHAT v1, SSD1608 and SSD1683 drivers read palette indexes as their own colour codes
  (white 0, black 1, red or yellow 2);
* the 7-colour UC8159 and AC073TC1A drivers do the same with their codes (black 0, white 1,
  green 2, blue 3, red 4, yellow 5, orange 6);
* the 4-colour (JD79661, JD79668, SSD2683) and Spectra 6 (E640, E673, EL133UF1) drivers match
  the frame's RGB colours against their pure ("desaturated") palette, without dithering when
  the frame's palette has exactly their number of colours; we list those colours in the
  driver's own order.

``refresh_s`` is a typical full refresh, from the drivers' busy waits and release notes.
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
    index into it (accent draws the FULL treatment and the announcement banner, with text in
    ``on_accent`` on top of it). ``refresh_s`` is a typical full refresh in seconds.
    ``driver`` names the inky class (``module:Class``), built with ``resolution=(width,
    height)`` and, when set, ``colour=driver_colour``.
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
    on_accent: int | None = None

    @property
    def accent_text(self) -> int:
        """The palette index to write text in on an accent-coloured area."""
        return self.background if self.on_accent is None else self.on_accent

    @property
    def accent_ink(self) -> int:
        """The colour for accent text on the background: the accent if it reads well there
        (dark enough to carry background-coloured text itself), else the text colour."""
        return self.accent if self.accent_text == self.background else self.text

    @property
    def compact(self) -> bool:
        """Whether this is a small panel (the pHATs) that gets the one-glance layout."""
        return self.height < 200

    def as_dict(self) -> dict[str, object]:
        """The panel as JSON-ready data (what ``openspaces panels --json`` prints)."""
        return {
            "id": self.id,
            "name": self.name,
            "width": self.width,
            "height": self.height,
            "palette": [list(c) for c in self.palette],
            "roles": {
                "background": self.background,
                "text": self.text,
                "accent": self.accent,
                "on_accent": self.accent_text,
            },
            "refresh_s": self.refresh_s,
            "driver": self.driver,
            "driver_colour": self.driver_colour,
        }


_SEVEN = (BLACK, WHITE, GREEN, BLUE, RED, YELLOW, ORANGE)
_SPECTRA6 = (BLACK, WHITE, YELLOW, RED, BLUE, GREEN)
_FOUR = (BLACK, WHITE, YELLOW, RED)
_INCHES = {(212, 104): '2.13"', (250, 122): '2.13"', (400, 300): '4.2"'}


def _two_or_three(
    kind: str, chip: str, size: tuple[int, int], driver: str, colour: str, refresh_s: float
) -> Panel:
    """A pHAT/wHAT v1, SSD1608 or SSD1683 panel: white, black and maybe red or yellow."""
    extra = {"red": (RED,), "yellow": (YELLOW,), "black": ()}[colour]
    palette = (WHITE, BLACK, *extra)
    accent = 2 if extra else 1
    on_accent = 1 if colour == "yellow" else 0
    name = f"Inky {'pHAT' if kind == 'phat' else 'wHAT'} {chip} {colour}, {_INCHES[size]}"
    return Panel(
        id=f"{kind}-{chip.lower()}-{colour}", name=name, width=size[0], height=size[1],
        palette=palette, background=0, text=1, accent=accent, refresh_s=refresh_s,
        driver=driver, driver_colour=colour, on_accent=on_accent,
    )  # fmt: skip


def _classic_panels() -> list[Panel]:
    panels = []
    for colour in ("red", "yellow", "black"):
        slow = 8.0 if colour == "black" else 15.0
        panels += [
            _two_or_three("phat", "v1", (212, 104), "inky.inky:Inky", colour, slow),
            _two_or_three("phat", "SSD1608", (250, 122), "inky.inky_ssd1608:Inky", colour, slow),
            _two_or_three("what", "v1", (400, 300), "inky.inky:Inky", colour, slow),
            _two_or_three("what", "SSD1683", (400, 300), "inky.inky_ssd1683:Inky", colour, slow),
        ]
    return panels


def _colour_panels() -> list[Panel]:
    def four(pid: str, name: str, size: tuple[int, int], driver: str) -> Panel:
        return Panel(pid, name, *size, _FOUR, 1, 0, 3, 25.0, driver, on_accent=1)

    def seven(pid: str, name: str, size: tuple[int, int], driver: str, refresh: float) -> Panel:
        return Panel(pid, name, *size, _SEVEN, 1, 0, 4, refresh, driver, on_accent=1)

    def spectra(pid: str, name: str, size: tuple[int, int], driver: str, refresh: float) -> Panel:
        return Panel(pid, name, *size, _SPECTRA6, 1, 0, 3, refresh, driver, on_accent=1)

    return [
        four("phat-jd79661", 'Inky pHAT 4-colour (JD79661), 2.13"', (250, 122),
             "inky.inky_jd79661:Inky"),
        four("what-jd79668", 'Inky wHAT 4-colour (JD79668), 4.2"', (400, 300),
             "inky.inky_jd79668:Inky"),
        four("what-ssd2683", 'Inky wHAT 4-colour (SSD2683), 4.2"', (400, 300),
             "inky.inky_ssd2683:Inky"),
        seven("impression-4-7colour", 'Inky Impression 4" 7-colour (UC8159)', (640, 400),
              "inky.inky_uc8159:Inky", 30.0),
        seven("impression-5.7-7colour", 'Inky Impression 5.7" 7-colour (UC8159)', (600, 448),
              "inky.inky_uc8159:Inky", 30.0),
        seven("impression-7.3-7colour", 'Inky Impression 7.3" 7-colour (AC073TC1A)', (800, 480),
              "inky.inky_ac073tc1a:Inky", 45.0),
        spectra("impression-4-spectra6", 'Inky Impression 4" Spectra 6 (E640)', (600, 400),
                "inky.inky_e640:Inky", 30.0),
        spectra("impression-7.3-spectra6", 'Inky Impression 7.3" Spectra 6 (E673)', (800, 480),
                "inky.inky_e673:Inky", 30.0),
        spectra("impression-13.3-spectra6", 'Inky Impression 13.3" Spectra 6 (EL133UF1)',
                (1600, 1200), "inky.inky_el133uf1:Inky", 20.0),
    ]  # fmt: skip


PANELS: dict[str, Panel] = {p.id: p for p in [*_classic_panels(), *_colour_panels()]}


def get_panel(panel_id: str) -> Panel:
    """The panel with that id; raise :class:`ConfigError` naming the known ids otherwise."""
    try:
        return PANELS[panel_id]
    except KeyError:
        known = ", ".join(sorted(PANELS))
        raise ConfigError("panel", panel_id, f"unknown panel; known panels: {known}") from None
