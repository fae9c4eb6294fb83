"""The real glass: Pimoroni Inky panels, driven by inky's own driver classes in a helper.

Wiring: an Inky board on the Pi's 40-pin header (SPI0 MOSI 10 / SCLK 11, chip select 8, D/C 22,
RESET 27, BUSY 17; the 13.3" Impression selects its two controller halves with GPIO 26 and 16).
Enable SPI and I2C (``raspi-config``) so the driver and the board's EEPROM can be reached.

Each refresh runs the unmodified driver in a short-lived :mod:`signage_node.panel_helper`
process, so the node itself never imports inky or numpy and never holds the driver's buffers
(the helper's docstring says why, with figures). Frames go over as PNGs in "P" mode, with
exactly the panel's palette (see :mod:`shared.render.panels`): that keeps text crisp (no
dithering) and works on Pillow 12 and 13 alike.

Example::

    from shared.render import get_panel
    from signage_node.inky_display import InkyDisplay, detect_panel

    display = InkyDisplay(get_panel("impression-7.3-spectra6"))   # or InkyDisplay(detect_panel())
    display.show(frame)                                          # blocks 20-45 s
"""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from PIL import Image

from shared.errors import ConfigError, PanelError
from shared.render.panels import PANELS, Panel
from signage_node.panel_helper import DriverSpec

log = logging.getLogger(__name__)

#: How the helper is started: this interpreter, with the script's folder kept off sys.path.
HELPER_COMMAND: tuple[str, ...] = (sys.executable, "-P", "-m", "signage_node.panel_helper")
#: Seconds ``detect_panel`` waits for the board to answer.
DETECT_TIMEOUT_S = 60.0


def spec_of(panel: Panel) -> DriverSpec:
    """The driver the helper builds for ``panel``."""
    return DriverSpec(panel.driver, panel.width, panel.height, panel.driver_colour)


def check_frame(panel: Panel, frame: Image.Image) -> None:
    """Raise ValueError unless ``frame`` is a "P" image of ``panel``'s size and palette."""
    if frame.size != (panel.width, panel.height):
        raise ValueError(f"frame is {frame.size}, {panel.id} is {panel.width}×{panel.height}")
    expected = [channel for colour in panel.palette for channel in colour]
    palette = frame.getpalette() if frame.mode == "P" else None
    if palette is None or palette[: len(expected)] != expected or len(palette) != len(expected):
        raise ValueError(f"frame is not a 'P' image in {panel.id}'s palette")


class PanelHelper:
    """Runs :mod:`signage_node.panel_helper` commands and reads their one-line JSON answers.

    ``command`` starts the helper; ``buses`` (``module:function``) hands the driver fake buses
    in tests and benchmarks; ``environ`` is the helper's environment (None: this process's).
    """

    def __init__(self, command: Sequence[str] = HELPER_COMMAND, *, buses: str | None = None,
                 environ: Mapping[str, str] | None = None) -> None:  # fmt: skip
        self.command = [*command, *(["--buses", buses] if buses else [])]
        self.environ = None if environ is None else dict(environ)

    def run(self, arguments: Sequence[str], timeout_s: float, frame: bytes = b"") -> dict[str, Any]:
        """The helper's answer to ``arguments``; raise :class:`PanelError` if it failed,
        overran ``timeout_s`` (it is killed) or gave no answer."""
        # Its own session: a Ctrl-C at the node's terminal does not cut a refresh off midway.
        try:
            done = subprocess.run(
                [*self.command, *arguments], input=frame, capture_output=True,
                timeout=timeout_s, env=self.environ, start_new_session=True, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired as exc:
            _log_lines(exc.stderr, logging.WARNING)
            overran = f"the panel did not finish within {timeout_s:.0f} s; stopped"
            raise PanelError(overran) from None
        except OSError as exc:
            raise PanelError(f"cannot start the panel helper: {exc}") from None
        try:
            answer = _answer(done)
        except PanelError:
            _log_lines(done.stderr, logging.WARNING)
            raise
        _log_lines(done.stderr, logging.INFO)
        return answer


def _answer(done: subprocess.CompletedProcess[bytes]) -> dict[str, Any]:
    lines = done.stdout.decode(errors="replace").strip().splitlines()
    try:
        answer = json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        answer = None
    if not isinstance(answer, dict):
        last = done.stderr.decode(errors="replace").strip().splitlines()[-1:]
        said = f": {last[0]}" if last else ""
        raise PanelError(f"the panel helper stopped (exit {done.returncode}) without an "
                         f"answer{said}")  # fmt: skip
    if not answer.get("ok") or done.returncode != 0:
        raise PanelError(str(answer.get("error") or f"exit {done.returncode}"))
    return answer


def _log_lines(output: bytes | None, level: int) -> None:
    for line in (output or b"").decode(errors="replace").splitlines():
        log.log(level, "panel helper: %s", line)


def detect_panel(helper: PanelHelper | None = None, source: str = "panel") -> Panel:
    """The panel named by the board's EEPROM (``inky.auto()``, run in the helper).

    Raise :class:`ConfigError` (naming ``source``, the config file) when there is no EEPROM
    (set the panel id in the node config) or the board is one this project has no panel entry
    for.
    """
    try:
        found = (helper or PanelHelper()).run(["detect"], DETECT_TIMEOUT_S)
    except PanelError as exc:
        problem = f'"auto": {str(exc).rstrip(".")}. Set the panel id in the node config.'
        raise ConfigError(source, "panel", problem) from None
    return panel_for_board(found, source)


def panel_for_board(board: Mapping[str, Any], source: str = "panel") -> Panel:
    """Our catalogue entry for a board as ``detect`` describes it (classes, size, colour)."""
    classes = set(board.get("classes", ()))
    for panel in PANELS.values():
        if (panel.width, panel.height) != (board.get("width"), board.get("height")):
            continue
        if panel.driver in classes and panel.driver_colour in (None, board.get("colour")):
            return panel
    raise ConfigError(source, "panel", f'"auto": no panel entry for the board {dict(board)}')


class InkyDisplay:
    """A Pimoroni Inky panel: each :meth:`show` refreshes it through a panel helper process.

    ``timeout_s`` bounds one refresh (default: twice the panel's refresh time plus a minute);
    a helper past it is killed and the refresh fails. Use from one thread at a time.
    """

    def __init__(self, panel: Panel, *, helper: PanelHelper | None = None,
                 timeout_s: float | None = None) -> None:  # fmt: skip
        self._panel = panel
        self._helper = helper or PanelHelper()
        self.timeout_s = timeout_s if timeout_s is not None else 2 * panel.refresh_s + 60
        self.frames_shown = 0
        #: The last helper's peak resident memory in KiB (None before the first refresh).
        self.helper_peak_kb: int | None = None

    @property
    def panel(self) -> Panel:
        return self._panel

    def show(self, frame: Image.Image) -> None:
        """Put ``frame`` on the glass; blocks until the panel has refreshed.

        Raise ValueError for a frame of the wrong size or not in the panel's palette (nothing
        is sent), :class:`PanelError` when the panel did not refresh.
        """
        check_frame(self._panel, frame)
        png = io.BytesIO()
        frame.save(png, format="PNG", compress_level=1)
        arguments = ["show", *spec_of(self._panel).arguments()]
        answer = self._helper.run(arguments, self.timeout_s, png.getvalue())
        self.frames_shown += 1
        self.helper_peak_kb = answer.get("peak_rss_kb")
        log.info("%s refreshed in %.1f s (helper peak %s KiB)", self._panel.id,
                 answer.get("seconds", 0.0), self.helper_peak_kb)  # fmt: skip
