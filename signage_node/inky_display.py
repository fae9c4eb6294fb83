"""The real glass: hands frames to Pimoroni's inky driver classes.

Wiring: an Inky board on the Pi's 40-pin header (SPI0 MOSI 10 / SCLK 11, chip select 8, D/C 22,
RESET 27, BUSY 17; the 13.3" Impression selects its two controller halves with GPIO 26 and 16).
Enable SPI and I2C (``raspi-config``) so the driver and the board's EEPROM can be reached.

Frames go to the driver in "P" mode, with exactly the panel's palette (see
:mod:`shared.render.panels`): that path keeps text crisp (no dithering) and works on Pillow 12
and 13 alike, where inky 2.6's own RGB conversion fails on Pillow 13.

Example::

    from shared.render import get_panel
    from signage_node.inky_display import InkyDisplay

    display = InkyDisplay(get_panel("impression-7.3-spectra6"))   # or InkyDisplay(None): auto
    display.show(frame)                                          # blocks 20-45 s
"""

from __future__ import annotations

import importlib
import logging
import time
from typing import Any

import inky
from PIL import Image

from shared.errors import ConfigError
from shared.render.panels import PANELS, Panel

logger = logging.getLogger(__name__)


def driver_class(panel: Panel) -> Any:
    """The inky class that drives ``panel`` (imports the inky package)."""
    module_name, _, class_name = panel.driver.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError("panel", panel.id, f"cannot import {module_name}: {exc}") from exc
    return getattr(module, class_name)


def build_driver(panel: Panel, *, spi_bus: Any = None, gpio: Any = None,
                 i2c_bus: Any = None) -> Any:  # fmt: skip
    """A driver object for ``panel``, on the given buses (the driver's defaults when None).

    With injected GPIO lines the 13.3" driver skips the code that names its two chip-select
    lines, so they are named here.
    """
    options: dict[str, Any] = {"resolution": (panel.width, panel.height)}
    if panel.driver_colour is not None:
        options["colour"] = panel.driver_colour
    driver = driver_class(panel)(spi_bus=spi_bus, gpio=gpio, i2c_bus=i2c_bus, **options)
    if gpio is not None and hasattr(driver, "cs_pin_1"):
        driver.cs0_pin = driver.cs_pin_0
        driver.cs1_pin = driver.cs_pin_1
    return driver


def detect_panel(i2c_bus: Any = None) -> Panel:
    """The panel named by the board's EEPROM, via ``inky.auto()``.

    Raise :class:`ConfigError` when there is no EEPROM (set the panel id in the node config)
    or the board is one this project has no panel entry for.
    """
    try:
        found = inky.auto(i2c_bus=i2c_bus)
    except RuntimeError as exc:
        raise ConfigError("panel", "auto", f"{exc} Set the panel id in the node config.") from exc
    return panel_for_driver(found)


def panel_for_driver(driver: Any) -> Panel:
    """Our catalogue entry for an inky driver object (as ``inky.auto()`` returns)."""
    size = (driver.width, driver.height)
    colour = getattr(driver, "colour", None)
    for panel in PANELS.values():
        if (panel.width, panel.height) != size or not isinstance(driver, driver_class(panel)):
            continue
        if panel.driver_colour is None or panel.driver_colour == colour:
            return panel
    raise ConfigError("panel", "auto", f"no panel entry for {type(driver).__name__} {size}")


class InkyDisplay:
    """A Pimoroni Inky panel, driven through the unmodified inky driver classes.

    ``panel`` picks the driver class (None: detect it from the board's EEPROM with
    ``inky.auto()``). ``driver`` replaces the driver object outright; ``spi_bus``, ``gpio``
    (a gpiod line request) and ``i2c_bus`` are handed to the driver, so tests can run it on
    fakes. :meth:`show` blocks for the whole refresh; call it from one thread at a time.
    """

    def __init__(
        self,
        panel: Panel | None,
        *,
        driver: Any = None,
        spi_bus: Any = None,
        gpio: Any = None,
        i2c_bus: Any = None,
    ) -> None:
        if panel is None:
            panel = panel_for_driver(driver) if driver is not None else detect_panel(i2c_bus)
        self._panel = panel
        self._driver = driver or build_driver(panel, spi_bus=spi_bus, gpio=gpio, i2c_bus=i2c_bus)
        self.frames_shown = 0

    @property
    def panel(self) -> Panel:
        return self._panel

    @property
    def driver(self) -> Any:
        """The inky driver object frames go to."""
        return self._driver

    def show(self, frame: Image.Image) -> None:
        """Put ``frame`` on the glass; blocks until the panel has refreshed.

        Raise ValueError for a frame of the wrong size or not in the panel's palette.
        """
        self._check(frame)
        started = time.monotonic()
        self._driver.set_image(frame)
        self._driver.show()
        self.frames_shown += 1
        logger.info("%s refreshed in %.1f s", self._panel.id, time.monotonic() - started)

    def _check(self, frame: Image.Image) -> None:
        panel = self._panel
        if frame.size != (panel.width, panel.height):
            raise ValueError(f"frame is {frame.size}, {panel.id} is {panel.width}×{panel.height}")
        expected = [channel for colour in panel.palette for channel in colour]
        palette = frame.getpalette() if frame.mode == "P" else None
        if palette is None or palette[: len(expected)] != expected or len(palette) != len(expected):
            raise ValueError(f"frame is not a 'P' image in {panel.id}'s palette")
