"""The panel helper: a short-lived process that puts one frame on the glass with inky's drivers.

The node runs it once per refresh (and once at start to detect the board)::

    python -m signage_node.panel_helper show --driver inky.inky_e673:Inky --size 800x480 <frame.png
    python -m signage_node.panel_helper detect

Why a process of its own: inky imports numpy, and its drivers turn a frame into int64 arrays
and Python lists. Kept inside the node, that memory stays for good (measured: a node at 55 MB
grew to 82 MB driving an 800×480 panel and to 111 MB at 1600×1200); in a helper it is handed
back when the refresh ends. A driver that hangs or crashes cannot take the node's loop with it
either: the node kills a helper that overruns and retries (:mod:`signage_node.refresh`).

Protocol. ``show`` reads the frame as a PNG from stdin: a "P" image of the panel's size in its
palette (see :mod:`shared.render.panels`), which the driver takes as it is: no dithering, and
inky 2.6's broken RGB path on Pillow 13 is never used. The helper then writes one JSON line to
stdout and exits 0 with ``{"ok": true, "seconds": 31.2, "peak_rss_kb": 34120}`` when the panel
refreshed, or 1 with ``{"ok": false, "error": "..."}`` when it did not (a driver exception,
pins held by another program, or the long wait for the refresh itself timing out, which inky
only warns about; the 7-colour drivers' short power-on/off waits time out harmlessly).
``detect`` answers ``{"ok": true, "classes": [...], "width": 800, "height": 480, "colour":
"multi"}`` from the board's EEPROM (``classes``: the driver's class and its bases, as
``module:Class``; ``colour``: the driver's own colour name). Diagnostics go to stderr.

Once ``show`` has its frame it ignores SIGTERM and SIGINT: a refresh cut off midway leaves the
panel powered with a half-drawn image, so the helper finishes it however it is asked to stop
(``systemctl stop`` signals every process of the service). The node kills a helper that
overruns with SIGKILL.

It imports the standard library, Pillow and inky, and nothing of the node (not pydantic, paho
or the renderer), so that it stays small and starts quickly.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import logging
import re
import resource
import signal
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO, TextIO

from PIL import Image

from shared.errors import PanelError, PinsInUseError

log = logging.getLogger(__name__)

#: Where the SPI bus, GPIO lines and I2C bus come from: ``buses(driver_path)`` returns keyword
#: arguments for the driver (``spi_bus``, ``gpio``, ``i2c_bus``); an empty mapping means the
#: driver's own (the Pi's real buses). Tests and benchmarks name fakes with ``--buses``.
BusFactory = Callable[[str | None], Mapping[str, Any]]

#: What the warnings say that inky gives instead of an error when the panel stays busy too long.
TIMED_OUT = "Timed out"
#: A busy wait this long (seconds) or longer is the wait for the refresh itself; its timeout
#: is a failed refresh. The 7-colour drivers also wait 0.2-1 s around power on and off, and
#: those waits time out on good refreshes (the panel does not always pulse BUSY for them).
LONG_WAIT_S = 5.0
_WAITED = re.compile(r"after (\d+(?:\.\d+)?)s")
#: What to do when gpiodevice finds the panel's pins claimed.
PINS_FIX = (
    "stop whatever holds them (another openspaces node or inky program); GPIO 8 held "
    "by the kernel means the SPI chip-select overlay is missing: add dtoverlay=spi0-0cs "
    "under [all] in /boot/firmware/config.txt and reboot (deploy/install-node.sh does)"
)


def failed_waits(messages: Sequence[str]) -> list[str]:
    """The inky warnings among ``messages`` that mean the refresh itself timed out: a timed-out
    wait of :data:`LONG_WAIT_S` or more, or one whose length the message does not say."""
    failed = []
    for message in messages:
        if TIMED_OUT not in message:
            continue
        waited = _WAITED.search(message)
        if waited is None or float(waited.group(1)) >= LONG_WAIT_S:
            failed.append(message)
    return failed


@dataclass(frozen=True)
class DriverSpec:
    """Which inky class drives the panel (``module:Class``) and how to build it."""

    path: str
    width: int
    height: int
    colour: str | None = None

    def arguments(self) -> list[str]:
        """The command-line arguments of ``show`` that name this driver."""
        colour = ["--colour", self.colour] if self.colour else []
        return ["--driver", self.path, "--size", f"{self.width}x{self.height}", *colour]


def import_inky() -> Any:
    """The inky package, imported without ``pkg_resources``.

    inky's ``__init__`` declares a namespace package with ``pkg_resources`` when setuptools can
    be imported (Raspberry Pi OS has it in the system site packages that the node's virtual
    environment sees). That costs 5.7 MB and a third of a second for nothing: without it inky
    falls back to :func:`pkgutil.extend_path`, which does the same job.
    """
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # import fails at once
    try:
        return importlib.import_module("inky")
    finally:
        if blocked:
            del sys.modules["pkg_resources"]


def driver_class(path: str) -> Any:
    """The inky class named ``module:Class``."""
    import_inky()
    module_name, _, class_name = path.partition(":")
    return getattr(importlib.import_module(module_name), class_name)


def build_driver(spec: DriverSpec, buses: Mapping[str, Any]) -> Any:
    """A driver object for ``spec`` on ``buses`` (the driver's own buses when empty).

    With injected GPIO lines the 13.3" driver skips the code that names its two chip-select
    lines, so they are named here.
    """
    options: dict[str, Any] = {"resolution": (spec.width, spec.height)}
    if spec.colour is not None:
        options["colour"] = spec.colour
    driver = driver_class(spec.path)(**buses, **options)
    if buses.get("gpio") is not None and hasattr(driver, "cs_pin_1"):
        driver.cs0_pin = driver.cs_pin_0
        driver.cs1_pin = driver.cs_pin_1
    return driver


def refresh(driver: Any, frame: Image.Image) -> None:
    """Hand ``frame`` to ``driver`` and refresh the panel; blocks for the whole refresh.

    Raise :class:`~shared.errors.PanelError` if the driver raises or warns that the refresh
    timed out (:func:`failed_waits`; the rest of the driver's sequence still runs, so the panel
    is powered down as usual), :class:`~shared.errors.PinsInUseError` if its pins are taken.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            driver.set_image(frame)
            driver.show()
        except SystemExit as exc:  # gpiodevice's way of saying the pins are claimed
            raise PinsInUseError(f"the panel's pins are in use: {exc}; {PINS_FIX}") from None
        except Exception as exc:  # whatever the driver or its bus raises is this refresh's end
            raise PanelError(f"{type(exc).__name__}: {exc}") from exc
    timeouts = failed_waits([str(w.message) for w in caught])
    for warning in caught:
        log.warning("inky: %s", warning.message)
    if timeouts:
        raise PanelError(f"the panel stayed busy: {'; '.join(timeouts)}")


def detect(buses: Mapping[str, Any]) -> dict[str, Any]:
    """The board named by its EEPROM, via ``inky.auto()``: driver classes, size and colour.

    Raise RuntimeError (inky's own) when there is no EEPROM or inky knows no driver for it.
    """
    driver = import_inky().auto(i2c_bus=buses.get("i2c_bus"))
    classes = [f"{cls.__module__}:{cls.__qualname__}" for cls in type(driver).__mro__]
    return {"classes": classes, "width": driver.width, "height": driver.height,
            "colour": getattr(driver, "colour", None)}  # fmt: skip


def peak_rss_kb() -> int:
    """This process's peak resident memory so far, in KiB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def load_buses(name: str | None) -> BusFactory:
    """The bus factory named ``module:function``; None: the driver's own buses."""
    if name is None:
        return lambda driver: {}
    module_name, _, function = name.partition(":")
    try:
        factory: BusFactory = getattr(importlib.import_module(module_name), function)
    except (ImportError, AttributeError, ValueError) as exc:
        raise PanelError(f"--buses {name}: {type(exc).__name__}: {exc}") from exc
    return factory


def _size(text: str) -> tuple[int, int]:
    width, sep, height = text.partition("x")
    if not sep or not width.isdigit() or not height.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not WIDTHxHEIGHT")
    return int(width), int(height)


def parser() -> argparse.ArgumentParser:
    """The helper's command line."""
    top = argparse.ArgumentParser(
        prog="python -m signage_node.panel_helper",
        description="Put one frame (a PNG on stdin) on an Inky panel, or detect the board. "
        "Run by 'openspaces node' with display = \"inky\"; prints one JSON line.",
    )
    top.add_argument("--buses", metavar="MODULE:FUNCTION",
                     help="where the SPI, GPIO and I2C buses come from (tests use fakes); "
                     "default: the Pi's own")  # fmt: skip
    commands = top.add_subparsers(dest="command", required=True)
    show = commands.add_parser("show", help="refresh the panel with the PNG frame on stdin")
    show.add_argument("--driver", required=True, metavar="MODULE:CLASS", help="the inky class")
    show.add_argument("--size", required=True, type=_size, metavar="WxH", help="the resolution")
    show.add_argument("--colour", help="the driver's colour option (pHAT/wHAT)")
    commands.add_parser("detect", help="name the board from its EEPROM (inky.auto)")
    return top


def _show(args: argparse.Namespace, buses: BusFactory, stdin: BinaryIO) -> dict[str, Any]:
    width, height = args.size
    spec = DriverSpec(args.driver, width, height, args.colour)
    try:
        frame = Image.open(io.BytesIO(stdin.read()))
        frame.load()
    except (OSError, SyntaxError, ValueError) as exc:
        raise PanelError(f"the frame on stdin is not an image: {exc}") from exc
    if frame.size != (spec.width, spec.height) or frame.mode != "P":
        raise PanelError(f"the frame is {frame.mode} {frame.size}, the panel is P "
                         f"{(spec.width, spec.height)}")  # fmt: skip
    _finish_whatever_happens()
    started = time.monotonic()
    try:
        driver = build_driver(spec, buses(spec.path))
    except SystemExit as exc:  # gpiodevice: the pins are claimed
        raise PinsInUseError(f"the panel's pins are in use: {exc}; {PINS_FIX}") from None
    except Exception as exc:  # an unknown class, a bad option, a bus that cannot open
        raise PanelError(f"cannot build {spec.path}: {type(exc).__name__}: {exc}") from exc
    refresh(driver, frame)
    return {"seconds": round(time.monotonic() - started, 3)}


def _finish_whatever_happens() -> None:
    """From here on, a stop request waits for the refresh to end (see the module docstring)."""
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, signal.SIG_IGN)


def _detect(buses: BusFactory) -> dict[str, Any]:
    try:
        return detect(buses(None))
    except Exception as exc:  # no EEPROM, an unknown board, no I2C bus
        raise PanelError(f"{type(exc).__name__}: {exc}") from exc


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """Keep stdout for the one JSON answer: anything a driver prints goes to stderr."""
    with contextlib.redirect_stdout(sys.stderr):
        yield


def main(argv: Sequence[str] | None = None, stdin: BinaryIO | None = None,
         stdout: TextIO | None = None) -> int:  # fmt: skip
    """Run one command; print its JSON answer on ``stdout``; 0 on success, 1 on failure."""
    args = parser().parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(message)s")
    out = stdout or sys.stdout
    try:
        with _stdout_to_stderr():
            buses = load_buses(args.buses)
            answer = _show(args, buses, stdin or sys.stdin.buffer) if args.command == "show" \
                else _detect(buses)  # fmt: skip
    except PanelError as exc:
        print(json.dumps({"ok": False, "error": str(exc), "peak_rss_kb": peak_rss_kb()}), file=out)
        return 1
    print(json.dumps({"ok": True, **answer, "peak_rss_kb": peak_rss_kb()}), file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
