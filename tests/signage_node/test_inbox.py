"""The node loop's queue: order kept, markers passed through, the stop marker ends a drain."""

from __future__ import annotations

from signage_node.events import ButtonHeld, ButtonPressed, Wake
from signage_node.inbox import Flush, Inbox


def test_a_drain_with_nothing_queued_times_out() -> None:
    assert Inbox().drain(0.0) is None


def test_a_drain_yields_events_and_flushes_in_order() -> None:
    inbox = Inbox()
    inbox.put(ButtonPressed())
    flush = inbox.flush()
    inbox.put(Wake())
    items = inbox.drain(1.0)
    assert items is not None
    found = list(items)
    assert [type(item) for item in found] == [ButtonPressed, Flush, Wake]
    assert found[1] is flush
    assert not inbox.stopped


def test_the_stop_marker_ends_the_drain_before_later_events() -> None:
    inbox = Inbox()
    inbox.put(ButtonPressed())
    inbox.close()
    inbox.put(ButtonHeld())
    items = inbox.drain(1.0)
    assert items is not None
    assert [type(item) for item in items] == [ButtonPressed]
    assert inbox.stopped
