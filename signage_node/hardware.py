"""The door's button and LED, on real gpiozero devices.

Wiring (BCM numbers from the node config): the button between its pin and ground (gpiozero's
internal pull-up, so pressed = low) — the Impression boards' own buttons A-D (GPIO 5, 6, 16, 24)
are wired that way already; the LED's anode through a ~330 Ω resistor to its pin, cathode to
ground. Every device takes gpiozero's ``pin_factory``: ``None`` for the default on a
Pi, :class:`gpiozero.pins.mock.MockFactory` in tests and the demo, where
``factory.pin(5).drive_low()`` presses the button and ``drive_high()`` releases it::

    factory = MockFactory()
    presses = queue.SimpleQueue()
    button = DoorButton(5, on_press=lambda: presses.put("press"),
                        on_hold=lambda: presses.put("hold"),
                        clock=SystemClock(), pin_factory=factory)
    factory.pin(5).drive_low()
    factory.pin(5).drive_high()      # presses.get() == "press"

gpiozero calls back on its own threads (and synchronously inside a mock pin's ``drive_*``);
the callbacks given here must only queue an event. Nothing raised in them reaches gpiozero: the
:class:`~signage_node.supervisor.Supervisor` logs and counts it (part ``button``), and the
next press is handled as usual.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from enum import Enum

from gpiozero import LED, Button

from shared.clock import Clock
from signage_node.supervisor import Supervisor

log = logging.getLogger(__name__)


class DoorButton:
    """The host's button: a short press toggles full, a long hold asks for diagnostics.

    A press counts when the button is released before ``hold_s``; holding it that long calls
    ``on_hold`` instead (on gpiozero's hold thread), and its release is not a press. Debounce
    is ours, on ``clock.monotonic()`` (gpiozero's ``bounce_time`` does nothing on mock pins):
    a press that starts less than ``debounce_s`` after the last release is contact chatter and
    is ignored. With a clock that does not move (a fake one), advance it by ``debounce_s``
    between presses.
    """

    def __init__(
        self,
        pin: int,
        *,
        on_press: Callable[[], None],
        on_hold: Callable[[], None],
        clock: Clock,
        debounce_s: float = 0.05,
        hold_s: float = 3.0,
        pin_factory: object | None = None,
        supervisor: Supervisor | None = None,
    ) -> None:
        self._supervisor = supervisor or Supervisor()
        self._on_press = on_press
        self._on_hold = on_hold
        self._clock = clock
        self._debounce_s = debounce_s
        self._lock = threading.Lock()
        self._down = False
        self._last_release = float("-inf")
        self._button = Button(pin, pull_up=True, hold_time=hold_s, pin_factory=pin_factory)
        self._button.when_pressed = self._guarded(self._pressed)
        self._button.when_released = self._guarded(self._released)
        self._button.when_held = self._guarded(self._held)

    def _guarded(self, callback: Callable[[], None]) -> Callable[[], None]:
        def guarded() -> None:
            self._supervisor.call("button", callback)

        return guarded

    def _pressed(self) -> None:
        with self._lock:
            if self._clock.monotonic() - self._last_release < self._debounce_s:
                log.debug("button chatter ignored")
                return
            self._down = True

    def _released(self) -> None:
        with self._lock:
            counted, self._down = self._down, False
            self._last_release = self._clock.monotonic()
        if counted:
            self._on_press()

    def _held(self) -> None:
        with self._lock:
            counted, self._down = self._down, False
        if counted:
            self._on_hold()

    def close(self) -> None:
        """Release the pin."""
        self._button.close()


class LedPattern(Enum):
    """What the door's LED says, from the most to the least urgent.

    ``IDENTIFY`` blinks fast (the hub asked the door to show itself); ``OFFLINE`` and
    ``OFFLINE_FULL`` blink slowly (the hub is unreachable: mostly dark, or mostly lit while
    the session on the door is full); ``FULL`` is steady on; ``OFF`` is dark.
    """

    OFF = "off"
    FULL = "full"
    OFFLINE = "offline"
    OFFLINE_FULL = "offline_full"
    IDENTIFY = "identify"


#: (seconds on, seconds off) of each blinking pattern.
BLINKS = {
    LedPattern.OFFLINE: (0.3, 1.7),
    LedPattern.OFFLINE_FULL: (1.7, 0.3),
    LedPattern.IDENTIFY: (0.15, 0.15),
}
#: How long the LED flips for a quick flash (the hub confirmed a press).
FLASH_S = 0.15


class DoorLed:
    """The LED beside the button, speaking :class:`LedPattern`.

    Blinks and flashes run on gpiozero's own background threads, so no call here waits. Call
    from one thread (the node's loop).
    """

    def __init__(self, pin: int, *, pin_factory: object | None = None) -> None:
        self._led = LED(pin, pin_factory=pin_factory)
        self.pattern = LedPattern.OFF

    def show(self, pattern: LedPattern) -> None:
        """Switch to ``pattern`` (nothing happens if it is already showing)."""
        if pattern is self.pattern:
            return
        self.pattern = pattern
        self._led.source = None  # ends a flash still running
        if pattern in BLINKS:
            on_s, off_s = BLINKS[pattern]
            self._led.blink(on_time=on_s, off_time=off_s)
        elif pattern is LedPattern.FULL:
            self._led.on()
        else:
            self._led.off()

    def flash(self) -> None:
        """One quick flip and back: lit for a moment if dark, dark for a moment if lit.

        Ignored while blinking, which already says something more urgent.
        """
        if self.pattern not in (LedPattern.OFF, LedPattern.FULL):
            return
        steady = self.pattern is LedPattern.FULL
        self._led.source_delay = FLASH_S
        self._led.source = iter((not steady, steady))

    def nothing_to_mark(self) -> None:
        """Two quick flips and back: the button was pressed with no session on the door, so
        there is nothing to mark full (one flip is a confirmed press). Ignored while blinking."""
        if self.pattern not in (LedPattern.OFF, LedPattern.FULL):
            return
        steady = self.pattern is LedPattern.FULL
        self._led.source_delay = FLASH_S
        self._led.source = iter((not steady, steady, not steady, steady))

    @property
    def is_lit(self) -> bool:
        return bool(self._led.is_lit)

    def close(self) -> None:
        """Stop blinking and release the pin."""
        self._led.close()
