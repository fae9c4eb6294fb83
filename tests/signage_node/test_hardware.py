from __future__ import annotations

import queue
from collections.abc import Iterator

import pytest
from gpiozero.pins.mock import MockFactory

from shared.clock import FakeClock
from signage_node.hardware import DoorButton, DoorLed
from tests.signage_node.conftest import START

PIN = 5


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


def test_the_led_follows_what_it_is_told(factory: MockFactory) -> None:
    led = DoorLed(13, pin_factory=factory)
    try:
        led.show(True)
        assert factory.pin(13).state
        assert led.is_lit
        led.show(False)
        assert not factory.pin(13).state
    finally:
        led.close()
