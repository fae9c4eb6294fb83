"""The outbox: button events on disk until the broker took them, sent in order, one at a time.

The first tests drive :class:`Outbox` and :class:`EventSender` directly (``send`` records what
would go to paho); the last ones run a real node against a real Mosquitto that the test kills.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from gpiozero.pins.mock import MockFactory

from shared.wire import ButtonEvent, HubStatus, decode
from signage_node.app import Node
from signage_node.outbox import (
    NO_MATCHING_SUBSCRIBERS,
    SUCCESS,
    EventSender,
    Outbox,
)
from tests.conftest import Broker
from tests.signage_node.conftest import START, TOPICS, HubClient, NodeRig, snapshot, wait_until

NOT_AUTHORIZED = 135


def press(number: int) -> ButtonEvent:
    return ButtonEvent(
        event_id=uuid.uuid4().hex, node_id="door-1", room_id="room-a", full=number % 2 == 1,
        session_id=100, pressed_at=START + timedelta(seconds=number),
    )  # fmt: skip


class Paho:
    """Stands in for the client: records what was handed over and numbers it like paho."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, ButtonEvent]] = []
        self.answer_at_once: int | None = None
        self.sender: EventSender | None = None

    def send(self, event: ButtonEvent) -> int:
        mid = len(self.sent) + 1
        self.sent.append((mid, event))
        if self.answer_at_once is not None and self.sender is not None:
            self.sender.acknowledged(mid, self.answer_at_once)  # before send returns
        return mid

    @property
    def last_mid(self) -> int:
        return self.sent[-1][0]

    def ids(self) -> list[str]:
        return [event.event_id for _, event in self.sent]


def online_sender(outbox: Outbox) -> tuple[EventSender, Paho]:
    paho = Paho()
    sender = paho.sender = EventSender(outbox, paho.send)
    sender.connected()
    return sender, paho


# -- the outbox on disk ------------------------------------------------------------------


def test_events_survive_a_restart_in_order(tmp_path: Path) -> None:
    presses = [press(n) for n in range(5)]
    outbox = Outbox(tmp_path)
    for event in presses:
        outbox.add(event)
    outbox.remove(presses[1].event_id)

    reopened = Outbox(tmp_path)
    assert reopened.events() == [presses[0], *presses[2:]]
    later = press(9)
    reopened.add(later)
    assert Outbox(tmp_path).events() == [presses[0], *presses[2:], later]


def test_an_event_is_on_disk_once_and_its_file_goes_when_removed(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox")
    event = press(1)
    outbox.add(event)
    outbox.add(event)
    files = list((tmp_path / "outbox").iterdir())
    assert len(files) == 1
    assert decode(ButtonEvent, files[0].read_bytes()) == event
    assert outbox.remove(event.event_id)
    assert not outbox.remove(event.event_id)
    assert list((tmp_path / "outbox").iterdir()) == []


def test_a_corrupt_entry_and_an_unfinished_write_are_logged_and_dropped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    outbox = Outbox(tmp_path)
    kept = [press(1), press(2), press(3)]
    for event in kept:
        outbox.add(event)
    (tmp_path / "0000000002.json").write_bytes(b'{"schema_version": 1, "event_id": "ab')
    (tmp_path / ".0000000004.json-x1y2.tmp").write_bytes(b'{"sche')
    caplog.set_level(logging.INFO, logger="signage_node.outbox")

    reopened = Outbox(tmp_path)

    assert reopened.events() == [kept[0], kept[2]]
    assert "dropping unreadable outbox file" in caplog.text
    assert "0000000002.json" in caplog.text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0000000001.json", "0000000003.json"]
    reopened.add(press(4))
    assert (tmp_path / "0000000004.json").exists()


def test_a_full_outbox_drops_the_oldest_with_an_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    presses = [press(n) for n in range(5)]
    outbox = Outbox(tmp_path, limit=3)
    for event in presses:
        outbox.add(event)
    assert outbox.events() == presses[2:]
    assert [r.levelno for r in caplog.records if "outbox full" in r.message] == [logging.ERROR] * 2
    assert Outbox(tmp_path, limit=2).events() == presses[3:]


def test_an_event_the_disk_refuses_is_kept_in_memory(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "outbox").write_text("a file where the folder should be")
    outbox = Outbox(tmp_path / "outbox")
    event = press(1)
    outbox.add(event)
    assert outbox.events() == [event]
    assert "in memory only" in caplog.text


# -- sending ------------------------------------------------------------------------------


def test_events_go_one_at_a_time_in_order_and_leave_when_acknowledged(tmp_path: Path) -> None:
    sender, paho = online_sender(Outbox(tmp_path))
    presses = [press(n) for n in range(3)]
    for event in presses:
        sender.add(event)
    assert paho.ids() == [presses[0].event_id]  # the next waits for the broker's answer

    sender.acknowledged(paho.last_mid + 100, SUCCESS)  # another message of the link
    assert len(paho.sent) == 1
    for _ in presses:
        sender.acknowledged(paho.last_mid, SUCCESS)
    assert paho.ids() == [event.event_id for event in presses]
    assert len(sender.outbox) == 0
    assert list(tmp_path.iterdir()) == []


def test_nothing_goes_while_disconnected_and_a_reconnect_starts_from_the_oldest(
    tmp_path: Path,
) -> None:
    sender, paho = online_sender(Outbox(tmp_path))
    first, second = press(1), press(2)
    sender.add(first)
    sender.disconnected()
    sender.add(second)
    assert paho.ids() == [first.event_id]

    sender.connected()  # the first was never acknowledged: it goes again, then the second
    sender.acknowledged(paho.sent[0][0], SUCCESS)  # paho dropped that message: ignored
    assert paho.ids() == [first.event_id, first.event_id]
    sender.acknowledged(paho.last_mid, SUCCESS)
    sender.acknowledged(paho.last_mid, SUCCESS)
    assert paho.ids() == [first.event_id, first.event_id, second.event_id]
    assert len(sender.outbox) == 0


def test_events_waiting_from_before_a_restart_go_on_the_first_connect(tmp_path: Path) -> None:
    presses = [press(n) for n in range(3)]
    outbox = Outbox(tmp_path)
    for event in presses:
        outbox.add(event)
    paho = Paho()
    paho.answer_at_once = SUCCESS
    sender = paho.sender = EventSender(Outbox(tmp_path), paho.send)
    assert paho.sent == []
    sender.connected()
    assert paho.ids() == [event.event_id for event in presses]
    assert list(tmp_path.iterdir()) == []


def test_with_no_subscriber_the_events_wait_for_the_hub(tmp_path: Path) -> None:
    sender, paho = online_sender(Outbox(tmp_path))
    first, second = press(1), press(2)
    sender.add(first)
    sender.acknowledged(paho.last_mid, NO_MATCHING_SUBSCRIBERS)
    sender.add(second)
    assert paho.ids() == [first.event_id]
    assert sender.outbox.events() == [first, second]

    sender.hub_seen()
    assert paho.ids() == [first.event_id, first.event_id]
    sender.acknowledged(paho.last_mid, SUCCESS)
    sender.acknowledged(paho.last_mid, SUCCESS)
    assert paho.ids() == [first.event_id, first.event_id, second.event_id]
    assert len(sender.outbox) == 0


def test_an_event_the_broker_refuses_is_dropped_with_an_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sender, paho = online_sender(Outbox(tmp_path))
    refused, fine = press(1), press(2)
    sender.add(refused)
    sender.add(fine)
    sender.acknowledged(paho.last_mid, NOT_AUTHORIZED)
    assert paho.ids() == [refused.event_id, fine.event_id]
    assert sender.outbox.events() == [fine]
    assert "refused button event" in caplog.text


def test_an_acknowledgement_before_send_returned_is_not_lost(tmp_path: Path) -> None:
    sender, paho = online_sender(Outbox(tmp_path))
    paho.answer_at_once = SUCCESS
    presses = [press(n) for n in range(3)]
    for event in presses:
        sender.add(event)
    assert paho.ids() == [event.event_id for event in presses]
    assert len(sender.outbox) == 0


# -- a real node, a real broker that goes away --------------------------------------------


def outbox_files(node: Node) -> list[Path]:
    return sorted((node.settings.state_dir / "outbox").glob("*.json"))


def waiting_events(node: Node) -> list[ButtonEvent]:
    return [decode(ButtonEvent, path.read_bytes()) for path in outbox_files(node)]


def press_button(rig: NodeRig, node: Node, pins: MockFactory, times: int) -> None:
    pin = pins.pin(node.settings.button_pin)
    for _ in range(times):
        pin.drive_low()
        pin.drive_high()
        rig.clock.advance(node.settings.debounce_s)
    assert node.settle()


def running_node(rig: NodeRig, hub: HubClient) -> tuple[Node, MockFactory]:
    node, _, pins = rig.start(rig.settings())
    hub.publish(TOPICS.room_state("room-a"), snapshot(1))
    wait_until(lambda: node.last_status is not None and node.last_status.applied_version == 1)
    return node, pins


def hub_returns(broker: Broker) -> HubClient:
    """A hub that connects once the broker is back (which lost every session), subscribes to
    the events and says it is online."""
    hub = HubClient(broker)
    hub.subscribe(TOPICS.node_events("door-1"))
    hub.publish(TOPICS.hub_status(), HubStatus(state="online"))
    return hub


def heard_events(hub: HubClient, count: int) -> list[ButtonEvent]:
    """The first ``count`` distinct events the hub hears, in order of first arrival."""
    heard: dict[str, ButtonEvent] = {}
    while len(heard) < count:
        event = decode(ButtonEvent, hub.next_message(TOPICS.node_events("door-1")).payload)
        heard.setdefault(event.event_id, event)
    return list(heard.values())


def test_an_acknowledged_press_leaves_the_outbox(rig: NodeRig, hub: HubClient) -> None:
    hub.subscribe(TOPICS.node_events("door-1"))
    node, pins = running_node(rig, hub)
    press_button(rig, node, pins, 1)
    assert [event.full for event in heard_events(hub, 1)] == [True]
    wait_until(lambda: outbox_files(node) == [])


def test_presses_during_a_broker_outage_reach_the_hub_in_order(
    rig: NodeRig, broker: Broker, hub: HubClient
) -> None:
    node, pins = running_node(rig, hub)
    hub.close()
    broker.process.kill()  # its sessions and retained messages go with it
    press_button(rig, node, pins, 3)
    pressed = waiting_events(node)
    assert [event.full for event in pressed] == [True, False, True]

    broker.process.start()
    back = hub_returns(broker)
    try:
        assert heard_events(back, 3) == pressed
        wait_until(lambda: outbox_files(node) == [])
    finally:
        back.close()


def test_presses_survive_a_node_restart_during_the_outage(
    rig: NodeRig, broker: Broker, hub: HubClient
) -> None:
    node, pins = running_node(rig, hub)
    settings = node.settings
    hub.close()
    broker.process.kill()
    press_button(rig, node, pins, 1)
    pressed = waiting_events(node)
    rig.stop(node)  # paho's memory of the press is gone with it

    broker.process.start()
    restarted, _, _ = rig.start(settings)
    back = hub_returns(broker)
    try:
        assert heard_events(back, 1) == pressed
        wait_until(lambda: outbox_files(restarted) == [])
    finally:
        back.close()
