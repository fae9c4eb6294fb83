"""``openspaces node``: run one door node until SIGINT or SIGTERM (exit status 0), or until
a part of it fails for good (exit status 1, see :mod:`signage_node.supervisor`), so that
systemd starts it again. Under systemd it reports readiness and feeds the watchdog
(:mod:`signage_node.watchdog`)."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
from pathlib import Path
from types import FrameType

from gpiozero.pins.mock import MockFactory

from shared.clock import SystemClock
from shared.render.fonts import require_raqm
from signage_node.app import Node
from signage_node.config import AUTO_PANEL, ENV_PREFIX, NodeSettings, load_node_config
from signage_node.display import Display, PngDisplay
from signage_node.inky_display import InkyDisplay, PanelHelper, detect_panel
from signage_node.supervisor import Supervisor
from signage_node.watchdog import SystemdNotifier

log = logging.getLogger(__name__)

DESCRIPTION = f"""\
Run a door node: follow the room's snapshot on the broker, keep it on disk, draw the door on
the panel (or to a PNG), read the full button and drive the LED. Settings come from the TOML
file given with --config (every setting is documented in deploy/node.example.toml) and from
{ENV_PREFIX}* environment variables, which win (e.g. {ENV_PREFIX}BROKER_PASSWORD).
Stops cleanly on SIGINT or SIGTERM; exits with status 1 when a part of the node fails for
good (the log says which), so that systemd starts it again.
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "node",
        help="run a door node",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--config", type=Path, required=True, metavar="FILE", help="the node's TOML config file"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="only check the config file and the text layout (raqm) and exit (0 if good); "
        'with panel = "auto" the board is read only when the node starts',
    )
    parser.add_argument(
        "--selftest",
        action="store_true",
        help="check this door's hardware, broker, clock and text layout, one line each (OK or "
        "the fix), and exit (0 if all passed); stop the service first",
    )
    parser.add_argument(
        "--mock-gpio",
        action="store_true",
        help="use gpiozero's mock pins (to run a node on a machine without GPIO)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, helper: PanelHelper | None = None) -> int:
    """Run the node of ``args.config``; ``helper`` runs the Inky panel's driver (tests give
    one on fake buses)."""
    settings = load_node_config(args.config, os.environ)
    if args.selftest:
        return _selftest(settings, args, helper)
    raqm = require_raqm()
    if args.check:
        log.info("%s: configuration is valid for node %s", args.config, settings.node_id)
        log.info("text layout: raqm %s", raqm)
        return 0
    settings = resolve_panel(settings, str(args.config), helper)
    pin_factory = _mock_pins() if args.mock_gpio else None
    supervisor = Supervisor()
    node = Node(
        settings, clock=SystemClock(), display=make_display(settings, helper),
        pin_factory=pin_factory, supervisor=supervisor,
        notifier=SystemdNotifier.from_environ(os.environ),
    )  # fmt: skip
    stop = threading.Event()
    supervisor.on_fatal(lambda part, reason: stop.set())

    def request_stop(signum: int, frame: FrameType | None) -> None:
        log.info("signal %s: stopping", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    restore_hook = supervisor.install_excepthook()
    try:
        node.start()
        stop.wait()
    finally:
        node.stop(settings.stop_wait)
        restore_hook()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if supervisor.failed_fatally.is_set():
        log.critical("node %s stopped after a failure (%s): exit status 1, for systemd to start "
                     "it again", settings.node_id, supervisor.reason)  # fmt: skip
        return 1
    return 0


def resolve_panel(settings: NodeSettings, source: str, helper: PanelHelper | None = None
                  ) -> NodeSettings:  # fmt: skip
    """``settings`` with the panel the board names when they say ``panel = "auto"``.

    Raise :class:`~shared.errors.ConfigError` naming ``source`` when there is no board to
    read, or its panel clashes with the configured pins.
    """
    if settings.panel != AUTO_PANEL:
        return settings
    resolved = settings.with_panel(detect_panel(helper, source), source)
    log.info("the board is a %s", resolved.panel_spec.name)
    return resolved


def make_display(settings: NodeSettings, helper: PanelHelper | None = None) -> Display:
    """The display the settings ask for: the PNG file, or the Inky panel (whose driver runs
    in a panel helper process, see :mod:`signage_node.inky_display`)."""
    if settings.display == "png":
        return PngDisplay(settings.panel_spec, settings.frame_path)
    return InkyDisplay(settings.panel_spec, helper=helper)


def _selftest(settings: NodeSettings, args: argparse.Namespace, helper: PanelHelper | None
              ) -> int:  # fmt: skip
    """Print the self-test's lines; 0 if every check passed."""
    from signage_node.selftest import Machine, report, selftest  # noqa: PLC0415

    pins = _mock_pins() if args.mock_gpio else None
    text, status = report(selftest(settings, Machine(pin_factory=pins, helper=helper)))
    print(text)  # the command's output, for the person at the door
    return status


def _mock_pins() -> object:
    factory: object = MockFactory()
    return factory
