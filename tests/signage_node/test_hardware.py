from __future__ import annotations

import queue
import time
from collections.abc import Iterator

import pytest
from gpiozero.pins.mock import MockFactory

from shared.clock import FakeClock
from signage_node.hardware import BLINKS, FLASH_S, DoorButton, DoorLed, LedPattern
from tests.signage_node.conftest import START, wait_until

PIN = 5
LED_PIN = 13


@pytest.fixture
def factory() -> MockFactory:
    return MockFactory()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def presses(factory: MockFactory, clock: FakeClock) -> Iterator[queue.SimpleQueue[str]]:
    heard: queue.SimpleQueue[str] = queue.SimpleQueue()
    button = DoorButton(
        PIN,
        on_press=lambda: heard.put("press"),
        on_hold=lambda: heard.put("hold"),
        clock=clock,
        debounce_s=0.05,
        hold_s=0.1,
        pin_factory=factory,
    )
    try:
        yield heard
    finally:
        button.close()


def drain(heard: queue.SimpleQueue[str]) -> list[str]:
    out = []
    while not heard.empty():
        out.append(heard.get())
    return out


def test_a_short_press_counts_on_release(
    factory: MockFactory, presses: queue.SimpleQueue[str]
) -> None:
    factory.pin(PIN).drive_low()
    assert drain(presses) == []
    factory.pin(PIN).drive_high()
    assert drain(presses) == ["press"]


def test_chatter_is_one_press(
    factory: MockFactory, clock: FakeClock, presses: queue.SimpleQueue[str]
) -> None:
    pin = factory.pin(PIN)
    for _ in range(4):  # contacts bouncing within a few milliseconds
        pin.drive_low()
        pin.drive_high()
        clock.advance(0.002)
    assert drain(presses) == ["press"]
    clock.advance(0.05)
    pin.drive_low()
    pin.drive_high()
    assert drain(presses) == ["press"]


def test_a_hold_is_not_a_press(factory: MockFactory, presses: queue.SimpleQueue[str]) -> None:
    factory.pin(PIN).drive_low()
    assert presses.get(timeout=5) == "hold"
    factory.pin(PIN).drive_high()
    assert drain(presses) == []


@pytest.fixture
def led(factory: MockFactory) -> Iterator[DoorLed]:
    made = DoorLed(LED_PIN, pin_factory=factory)
    try:
        yield made
    finally:
        made.close()


def states(factory: MockFactory) -> list[bool]:
    """The LED pin's levels since it was opened, without repeats."""
    levels = [bool(s.state) for s in factory.pin(LED_PIN).states]
    return [level for i, level in enumerate(levels) if i == 0 or level != levels[i - 1]]


def test_steady_on_means_full(factory: MockFactory, led: DoorLed) -> None:
    led.show(LedPattern.FULL)
    assert factory.pin(LED_PIN).state
    assert led.is_lit
    led.show(LedPattern.FULL)  # the same pattern again changes nothing
    led.show(LedPattern.OFF)
    assert not factory.pin(LED_PIN).state
    assert states(factory) == [False, True, False]


@pytest.mark.parametrize(
    ("pattern", "lit_s"),
    [(LedPattern.OFFLINE, 0.3), (LedPattern.OFFLINE_FULL, 1.7), (LedPattern.IDENTIFY, 0.15)],
)
def test_blinks_run_in_the_background(
    factory: MockFactory, led: DoorLed, pattern: LedPattern, lit_s: float
) -> None:
    led.show(pattern)  # returns at once: gpiozero's blink thread does the rest
    assert BLINKS[pattern][0] == lit_s
    pin = factory.pin(LED_PIN)
    wait_until(lambda: len(states(factory)) >= 2, timeout=1)
    assert states(factory)[:2] == [False, True]
    led.show(LedPattern.OFF)
    assert not pin.state
    settled = len(pin.states)
    time.sleep(0.05)
    assert len(pin.states) == settled  # the blinking stopped


def test_the_identify_blink_is_fast(factory: MockFactory, led: DoorLed) -> None:
    led.show(LedPattern.IDENTIFY)
    wait_until(lambda: len(states(factory)) >= 5, timeout=2)
    assert states(factory)[:5] == [False, True, False, True, False]


@pytest.mark.parametrize(("steady", "flash"), [(LedPattern.OFF, [False, True, False]),
                                               (LedPattern.FULL, [True, False, True])])  # fmt: skip
def test_a_flash_flips_the_led_once_and_back(
    factory: MockFactory, led: DoorLed, steady: LedPattern, flash: list[bool]
) -> None:
    led.show(steady)
    factory.pin(LED_PIN).clear_states()
    led.flash()
    wait_until(lambda: states(factory) == flash, timeout=2)
    time.sleep(FLASH_S * 2)
    assert states(factory) == flash
    assert led.pattern is steady


TWICE_FROM_DARK = [False, True, False, True, False]
TWICE_FROM_LIT = [True, False, True, False, True]


@pytest.mark.parametrize(
    ("steady", "twice"), [(LedPattern.OFF, TWICE_FROM_DARK), (LedPattern.FULL, TWICE_FROM_LIT)]
)
def test_nothing_to_mark_flips_the_led_twice_and_back(
    factory: MockFactory, led: DoorLed, steady: LedPattern, twice: list[bool]
) -> None:
    """A press outside a session: two flips, unlike the one flip of a confirmed press."""
    led.show(steady)
    factory.pin(LED_PIN).clear_states()
    led.nothing_to_mark()
    wait_until(lambda: states(factory) == twice, timeout=2)
    time.sleep(FLASH_S * 2)
    assert states(factory) == twice
    assert led.pattern is steady


def test_a_flash_is_ignored_while_blinking(factory: MockFactory, led: DoorLed) -> None:
    led.show(LedPattern.OFFLINE)
    led.flash()
    assert led.pattern is LedPattern.OFFLINE
