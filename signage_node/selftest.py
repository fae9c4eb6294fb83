"""``openspaces node --selftest``: what the person at the door with a screwdriver needs to know.

Each check gives one line, OK or the fix::

    OK   spi      /dev/spidev0.0 is there
    FAIL gpio8    GPIO 8 is claimed by "spi0 CS0": add dtoverlay=spi0-0cs under [all] ...

The checks: the SPI and I2C device nodes, GPIO 8 (the panel's chip select, which inky drives
itself) unclaimed, the button's and LED's pins free and not the panel's, the panel's EEPROM
answering and naming the configured panel, the broker taking the node's credentials (and the
hub's heartbeat there), the clock trusted, and raqm for the text layout. Run it with the
service stopped (``sudo systemctl stop openspaces-node``): a running node holds the pins and
the broker connection that the checks try.

Everything that touches the machine comes in a :class:`Machine`: the tests give a folder for
``/dev``, gpiozero's mock pins, a panel helper on the fake bus and a real Mosquitto.
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import paho.mqtt.client as mqtt
from gpiozero import InputDevice
from gpiozero.exc import GPIOZeroError
from paho.mqtt.enums import CallbackAPIVersion

from shared.errors import LayoutEngineError, OpenSpacesError, PayloadError
from shared.render.fonts import require_raqm
from shared.wire import HubStatus, decode
from signage_node.config import AUTO_PANEL, NodeSettings
from signage_node.inky_display import PanelHelper, detect_panel

log = logging.getLogger(__name__)

CHIP_SELECT_PIN = 8
BROKER_TIMEOUT_S = 5.0
#: How far the system clock may be from the hub's last heartbeat time (its age included).
CLOCK_ALLOWANCE_S = 60.0
SPI_FIX = "turn SPI on: sudo raspi-config nonint do_spi 0, then reboot (install-node.sh does)"
I2C_FIX = "turn I2C on: sudo raspi-config nonint do_i2c 0, then reboot (install-node.sh does)"
CS_FIX = ("the kernel's SPI driver holds the chip select: add dtoverlay=spi0-0cs under [all] in "
          "/boot/firmware/config.txt and reboot")  # fmt: skip


@dataclass(frozen=True)
class Check:
    """One line of the self-test: its name, whether it passed, what was found or the fix."""

    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'OK  ' if self.ok else 'FAIL'} {self.name:8} {self.detail}"


@dataclass
class Machine:
    """Where the checks look: ``dev`` (``/dev``), gpiozero's ``pin_factory`` (None: the Pi's),
    the ``helper`` that reads the board's EEPROM, and the clock."""

    dev: Path = Path("/dev")
    pin_factory: object | None = None
    helper: PanelHelper | None = None
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))


def selftest(settings: NodeSettings, machine: Machine) -> list[Check]:
    """Every check, in the order a person fixing the door would want them."""
    hub = _broker(settings)
    return [
        _device(machine.dev / "spidev0.0", "spi", SPI_FIX),
        _device(machine.dev / "i2c-1", "i2c", I2C_FIX),
        _pin(machine, CHIP_SELECT_PIN, "gpio8", CS_FIX),
        _pin(machine, settings.button_pin, "button",
             "free the pin (another program holds it) or wire the button to another"),
        _pin(machine, settings.led_pin, "led",
             "free the pin (another program holds it) or wire the LED to another"),
        _panel(settings, machine),
        hub[0],
        _clock(settings, machine, hub[1]),
        _raqm(),
    ]  # fmt: skip


def _device(path: Path, name: str, fix: str) -> Check:
    if path.exists():
        return Check(name, True, f"{path} is there")
    return Check(name, False, f"no {path}: {fix}")


def _pin(machine: Machine, pin: int, name: str, fix: str) -> Check:
    """The pin can be opened (as an input: nothing is driven) and is not the panel's (the
    config refuses the panel's pins for the button and the LED)."""
    try:
        probe = InputDevice(pin, pull_up=None, active_state=True, pin_factory=machine.pin_factory)
    except (GPIOZeroError, OSError) as exc:
        return Check(name, False, f"GPIO {pin} is in use ({exc}): {fix}")
    probe.close()
    return Check(name, True, f"GPIO {pin} is free")


def _panel(settings: NodeSettings, machine: Machine) -> Check:
    if settings.display != "inky":
        return Check("panel", True, f'display = "{settings.display}": no panel to ask')
    try:
        found = detect_panel(machine.helper, "the board")
    except OpenSpacesError as exc:
        return Check("panel", False, f"{exc} (is the board seated on all 40 pins?)")
    if settings.panel not in (AUTO_PANEL, found.id):
        return Check("panel", False, f'the board is {found.id}, the config says '
                     f'{settings.panel}: set panel = "{found.id}" (or "auto")')  # fmt: skip
    return Check("panel", True, f"the EEPROM names {found.id} ({found.name})")


def _broker(settings: NodeSettings) -> tuple[Check, HubStatus | None]:
    """Connect with the node's credentials; read the hub's retained status there."""
    broker, answers = settings.broker, queue.SimpleQueue[object]()
    client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2,
                         client_id=settings.node_id, protocol=mqtt.MQTTv5)  # fmt: skip
    client.username_pw_set(settings.broker_username, broker.password)
    if broker.tls:
        client.tls_set()
    topic = settings.topics.hub_status()

    def connected(c: mqtt.Client, _u: object, _f: object, reason: object, _p: object) -> None:
        answers.put(reason)
        if not getattr(reason, "is_failure", True):
            c.subscribe(topic, 1)

    def received(_c: mqtt.Client, _u: object, message: mqtt.MQTTMessage) -> None:
        answers.put(message.payload)

    client.on_connect = connected
    client.on_message = received
    where = f"{broker.host}:{broker.port} as {settings.broker_username}"
    try:
        client.connect(broker.host, broker.port, keepalive=15)
    except OSError as exc:
        return Check("broker", False, f"cannot reach {where}: {exc}: check the network and "
                     "[broker] host and port"), None  # fmt: skip
    client.loop_start()
    try:
        return _broker_answers(answers, where)
    finally:
        client.disconnect()
        client.loop_stop()


def _broker_answers(answers: queue.SimpleQueue[object], where: str
                    ) -> tuple[Check, HubStatus | None]:  # fmt: skip
    try:
        reason = answers.get(timeout=BROKER_TIMEOUT_S)
    except queue.Empty:
        return Check("broker", False, f"{where}: no answer in {BROKER_TIMEOUT_S:.0f} s: is it "
                     "Mosquitto, and the port right?"), None  # fmt: skip
    if getattr(reason, "is_failure", True):
        return Check("broker", False, f"{where} refused: {reason}: check the password "
                     "(provision-node --rotate on the hub)"), None  # fmt: skip
    try:
        payload = answers.get(timeout=BROKER_TIMEOUT_S)
    except queue.Empty:
        return Check("broker", True, f"{where}: connected; no hub status (is the hub up?)"), None
    try:
        status = decode(HubStatus, payload) if isinstance(payload, bytes) else None
    except PayloadError:
        status = None
    state = status.state if status else "unknown"
    return Check("broker", True, f"{where}: connected; the hub is {state}"), status


def _clock(settings: NodeSettings, machine: Machine, hub: HubStatus | None) -> Check:
    flag = settings.clock_sync_flag
    if flag is None or flag.exists():
        return Check("clock", True, "synchronised by NTP this boot" if flag else "trusted as is")
    if hub is not None and hub.state == "online" and hub.at is not None:
        off = (machine.now() - hub.at).total_seconds()
        if abs(off) <= CLOCK_ALLOWANCE_S:
            return Check("clock", True, f"not synchronised by NTP, but within {off:+.0f} s of "
                         "the hub's, whose heartbeats the door follows")  # fmt: skip
        return Check("clock", True, f"{off:+.0f} s off the hub's and not synchronised by NTP: "
                     "the door follows the hub's heartbeats (fix NTP: docs/venue.md)")  # fmt: skip
    return Check("clock", False, f"no {flag} (timesyncd has not synchronised this boot) and no "
                 "hub heartbeat: the door would say \"Time unknown\". Let the door reach NTP "
                 "(UDP 123) or the hub; see timedatectl and docs/venue.md")  # fmt: skip


def _raqm() -> Check:
    try:
        return Check("raqm", True, f"text laid out with raqm {require_raqm()}")
    except LayoutEngineError as exc:
        return Check("raqm", False, str(exc))


def report(checks: list[Check]) -> tuple[str, int]:
    """The lines to print and the exit status (0 only when every check passed)."""
    lines = [check.line() for check in checks]
    failed = sum(not check.ok for check in checks)
    lines.append("all checks passed" if not failed else f"{failed} check(s) failed")
    return "\n".join(lines), 1 if failed else 0
