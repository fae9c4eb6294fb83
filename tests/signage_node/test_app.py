"""The door node end to end: real Mosquitto, real gpiozero mock pins, real PNG frames."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest
from PIL import Image

from shared import __version__
from shared.render import NodeContext, frame_hash, render_door
from shared.wire import (
    ButtonEvent,
    HubStatus,
    NodeCommand,
    NodeConfig,
    NodeStatus,
    RoomSnapshot,
    decode,
)
from signage_node.app import Node
from signage_node.display import PngDisplay
from tests.signage_node.conftest import (
    PANEL,
    TITLES,
    TOPICS,
    HubClient,
    NodeRig,
    snapshot,
    wait_until,
)


def drawn_hash(display: PngDisplay) -> str:
    with Image.open(display.path) as image:
        image.load()
        return frame_hash(image)


def expected_hash(node: Node, shown: RoomSnapshot, at: datetime) -> str:
    return frame_hash(render_door(shown, at, PANEL, NodeContext(node.settings.node_id)))


def applied(node: Node, version: int) -> bool:
    status = node.last_status
    return status is not None and status.applied_version == version


def test_a_retained_snapshot_reaches_the_frame(rig: NodeRig, hub: HubClient) -> None:
    first = snapshot(1)
    hub.publish(TOPICS.room_state("room-a"), first)
    node, display, _ = rig.start(rig.settings())

    wait_until(lambda: applied(node, 1))
    assert node.settle()
    assert drawn_hash(display) == expected_hash(node, first, rig.clock.now())
    assert node.last_view is not None
    assert node.last_view.headline == TITLES[0]


def test_an_older_or_duplicate_snapshot_is_ignored(
    rig: NodeRig, hub: HubClient, caplog: pytest.LogCaptureFixture
) -> None:
    node, display, _ = rig.start(rig.settings())
    current = snapshot(5, titles=("Django", "NLP and chatbots"))
    hub.publish(TOPICS.room_state("room-a"), current)
    wait_until(lambda: applied(node, 5))
    assert node.settle()
    frames, drawn = display.frames_shown, drawn_hash(display)

    caplog.set_level(logging.INFO, logger="signage_node.state")
    hub.publish(TOPICS.room_state("room-a"), snapshot(5, titles=("Duplicate", "x")))
    hub.publish(TOPICS.room_state("room-a"), snapshot(3, titles=("Older", "y")))
    wait_until(lambda: caplog.text.count("ignored snapshot") == 2)
    assert node.settle()

    assert (display.frames_shown, drawn_hash(display)) == (frames, drawn)
    assert node.last_status is not None
    assert node.last_status.applied_version == 5
    assert node.last_view is not None
    assert node.last_view.headline == "Django"


def test_a_new_epoch_is_applied_whatever_its_version(rig: NodeRig, hub: HubClient) -> None:
    node, _, _ = rig.start(rig.settings())
    hub.publish(TOPICS.room_state("room-a"), snapshot(9))
    wait_until(lambda: applied(node, 9))
    hub.publish(TOPICS.room_state("room-a"), snapshot(1, epoch="epoch-2", titles=("Fresh",)))
    wait_until(lambda: applied(node, 1))
    assert node.last_status is not None
    assert node.last_status.applied_epoch == "epoch-2"


def test_a_node_restarted_while_the_broker_is_down_draws_its_cache(
    rig: NodeRig, hub: HubClient
) -> None:
    settings = rig.settings()
    node, _, _ = rig.start(settings)
    cached = snapshot(2)
    hub.publish(TOPICS.room_state("room-a"), cached)
    wait_until(lambda: applied(node, 2))
    rig.stop(node)
    hub.close()
    rig.broker.process.kill()

    again = settings.model_copy(update={"png_path": settings.frame_path.with_name("again.png")})
    restarted, display, _ = rig.start(again)
    assert restarted.settle()
    assert drawn_hash(display) == expected_hash(restarted, cached, rig.clock.now())
    assert restarted.last_status is not None
    assert restarted.last_status.applied_version == 2


def test_the_door_turns_over_at_a_slot_boundary_with_no_message(
    rig: NodeRig, hub: HubClient
) -> None:
    node, display, _ = rig.start(rig.settings())
    hub.publish(TOPICS.room_state("room-a"), snapshot(1))
    wait_until(lambda: applied(node, 1))
    assert node.settle()
    frames = display.frames_shown

    rig.clock.advance(timedelta(minutes=30))  # 11:00: the second session starts
    node.wake()
    assert node.settle()

    assert node.last_view is not None
    assert node.last_view.headline == TITLES[1]
    assert display.frames_shown == frames + 1


def test_a_press_lights_the_led_at_once_and_tells_the_hub(rig: NodeRig, hub: HubClient) -> None:
    settings = rig.settings()
    hub.subscribe(TOPICS.node_events(settings.node_id))
    node, _, factory = rig.start(settings)
    hub.publish(TOPICS.room_state("room-a"), snapshot(1))
    wait_until(lambda: applied(node, 1))
    led = factory.pin(settings.led_pin)
    assert not led.state

    factory.pin(settings.button_pin).drive_low()
    factory.pin(settings.button_pin).drive_high()
    wait_until(lambda: led.state, timeout=1)
    first = decode(ButtonEvent, hub.next_message(TOPICS.node_events("door-1")).payload)

    rig.clock.advance(settings.debounce_s)
    factory.pin(settings.button_pin).drive_low()
    factory.pin(settings.button_pin).drive_high()
    wait_until(lambda: not led.state, timeout=1)
    second = decode(ButtonEvent, hub.next_message(TOPICS.node_events("door-1")).payload)

    assert (first.full, first.session_id, first.room_id, first.node_id) == (
        True, 100, "room-a", "door-1",
    )  # fmt: skip
    assert first.pressed_at == rig.clock.now() - timedelta(seconds=settings.debounce_s)
    assert (second.full, second.session_id) == (False, 100)
    assert first.event_id != second.event_id


def test_the_hubs_snapshot_is_the_truth_after_a_press(rig: NodeRig, hub: HubClient) -> None:
    settings = rig.settings()
    node, _, factory = rig.start(settings)
    hub.publish(TOPICS.room_state("room-a"), snapshot(1))
    wait_until(lambda: applied(node, 1))
    factory.pin(settings.button_pin).drive_low()
    factory.pin(settings.button_pin).drive_high()
    wait_until(lambda: factory.pin(settings.led_pin).state, timeout=1)

    hub.publish(TOPICS.room_state("room-a"), snapshot(2, full=False))
    wait_until(lambda: applied(node, 2))
    assert node.settle()
    assert not factory.pin(settings.led_pin).state
    assert node.last_view is not None
    assert not node.last_view.full


def test_a_hold_shows_diagnostics_until_the_next_press(rig: NodeRig, hub: HubClient) -> None:
    settings = rig.settings()
    node, _, factory = rig.start(settings)
    hub.publish(TOPICS.room_state("room-a"), snapshot(1))
    wait_until(lambda: applied(node, 1))
    button = factory.pin(settings.button_pin)

    button.drive_low()
    wait_until(lambda: node.last_view is not None and node.last_view.status == "diagnostic")
    button.drive_high()
    assert node.last_view is not None
    facts = dict(node.last_view.facts)
    assert (facts["Node"], facts["IP"], facts["Snapshot"]) == (
        "door-1",
        "127.0.0.1",
        "v1 · epoch-1",
    )
    rig.clock.advance(settings.debounce_s)
    button.drive_low()
    button.drive_high()
    wait_until(lambda: node.last_view is not None and node.last_view.status == "session")
    assert node.settle()
    assert not factory.pin(settings.led_pin).state  # neither gesture marked the room full


def test_other_rooms_feed_also_on_now(rig: NodeRig, hub: HubClient) -> None:
    hub.publish(TOPICS.room_state("room-b"), snapshot(2, room_id="room-b"))
    node, _, _ = rig.start(rig.settings())
    hub.publish(TOPICS.room_state("room-a"), snapshot(3, full=True))
    wait_until(lambda: applied(node, 3))
    wait_until(lambda: node.last_view is not None and node.last_view.also_on_now == ("Room B",))
    hub.publish(TOPICS.room_state("room-b"), b"")  # the hub removed room b
    wait_until(lambda: node.last_view is not None and node.last_view.also_on_now == ())


def test_status_tells_the_address_and_the_clock_offset(rig: NodeRig, hub: HubClient) -> None:
    hub.publish(TOPICS.hub_status(), HubStatus(state="online", at=rig.clock.now()))
    hub.subscribe(TOPICS.node_status("door-1"))
    node, _, _ = rig.start(rig.settings())
    hub.next_message(TOPICS.node_status("door-1"))  # sent once its subscriptions are made

    def with_address() -> bool:
        return node.last_status is not None and node.last_status.ip == "127.0.0.1"

    wait_until(with_address)
    assert node.last_status is not None
    assert node.last_status.clock_offset_s is None  # a retained status is no heartbeat
    late = HubStatus(state="online", at=rig.clock.now() - timedelta(seconds=7))
    hub.publish(TOPICS.hub_status(), late, retain=False)

    def with_offset() -> bool:
        return node.last_status is not None and node.last_status.clock_offset_s == 7

    wait_until(with_offset)


def test_the_hub_config_assigns_the_room(rig: NodeRig, hub: HubClient) -> None:
    settings = rig.settings(room_id=None)
    hub.publish(TOPICS.room_state("room-b"), snapshot(4, room_id="room-b"))
    node, _, _ = rig.start(settings)
    assert node.settle()
    assert node.last_view is not None
    assert node.last_view.status == "not_assigned"

    hub.publish(TOPICS.node_config("door-1"), NodeConfig(node_id="door-1", room_id="room-b"))
    wait_until(lambda: applied(node, 4))
    assert node.last_status is not None
    assert node.last_status.room_id == "room-b"
    rig.stop(node)

    remembered, _, _ = rig.start(settings)  # the assignment and the snapshot survive a restart
    assert remembered.settle()
    assert remembered.last_status is not None
    assert (remembered.last_status.room_id, remembered.last_status.applied_version) == ("room-b", 4)


def test_a_hub_config_without_a_room_leaves_the_door_not_assigned(
    rig: NodeRig, hub: HubClient
) -> None:
    node, _, _ = rig.start(rig.settings())  # its node.toml names room-a
    hub.publish(TOPICS.room_state("room-a"), snapshot(1))
    wait_until(lambda: applied(node, 1))
    hub.publish(TOPICS.node_config("door-1"), NodeConfig(node_id="door-1", room_id=None))
    wait_until(lambda: node.last_view is not None and node.last_view.status == "not_assigned")
    # the status follows the view in the same loop turn: wait for it rather than race it
    wait_until(lambda: node.last_status is not None and node.last_status.room_id is None)
    rig.stop(node)


def test_identify_shows_the_node_id_for_its_duration(rig: NodeRig, hub: HubClient) -> None:
    node, _, _ = rig.start(rig.settings())
    hub.publish(TOPICS.room_state("room-a"), snapshot(1))
    wait_until(lambda: applied(node, 1))
    command = NodeCommand(id="cmd-1", command="identify", issued_at=rig.clock.now(), duration_s=5)
    hub.publish(TOPICS.node_cmd("door-1"), command, retain=False)
    wait_until(lambda: node.last_view is not None and node.last_view.status == "identify")

    rig.clock.advance(6)
    node.wake()
    assert node.settle()
    assert node.last_view is not None
    assert node.last_view.status == "session"


def test_status_is_retained_online_then_offline(rig: NodeRig, hub: HubClient) -> None:
    hub.subscribe(TOPICS.node_status("door-1"))
    hub.publish(TOPICS.room_state("room-a"), snapshot(3))
    node, display, _ = rig.start(rig.settings())
    wait_until(lambda: applied(node, 3))
    assert node.settle()

    drawn, latest = drawn_hash(display), None
    while latest is None or latest.frame_hash != drawn:  # skips the "waiting for hub" frame
        latest = decode(NodeStatus, hub.next_message(TOPICS.node_status("door-1")).payload)
    assert (latest.state, latest.room_id, latest.panel) == ("online", "room-a", PANEL.id)
    assert (latest.applied_version, latest.software_version) == (3, __version__)
    rig.stop(node)
    while latest.state == "online":
        latest = decode(NodeStatus, hub.next_message(TOPICS.node_status("door-1")).payload)
    assert latest.applied_version == 3


@pytest.mark.parametrize(
    ("topic", "payload"),
    [
        (TOPICS.room_state("room-a"), b"not json"),
        (TOPICS.room_state("room-a"), b'{"schema_version": 2}'),
        (TOPICS.room_state("room-a"), snapshot(7, room_id="room-b").model_dump_json().encode()),
        (TOPICS.site(), b'{"schema_version": 1, "event": {}}'),
        (TOPICS.hub_status(), b'{"schema_version": 1, "state": "sleepy"}'),
        (TOPICS.node_config("door-1"), b'{"schema_version": 1, "node_id": "door-2"}'),
        (TOPICS.node_cmd("door-1"), b"\xff\xfe"),
    ],
)
def test_bad_payloads_are_logged_and_dropped(
    rig: NodeRig,
    hub: HubClient,
    caplog: pytest.LogCaptureFixture,
    topic: str,
    payload: bytes,
) -> None:
    node, _, _ = rig.start(rig.settings())
    hub.publish(TOPICS.room_state("room-a"), snapshot(1))
    wait_until(lambda: applied(node, 1))

    hub.publish(topic, payload, retain=False)
    wait_until(lambda: f"dropped a message on {topic}" in caplog.text)

    hub.publish(TOPICS.room_state("room-a"), snapshot(2))
    wait_until(lambda: applied(node, 2))


def test_the_node_comes_back_after_a_broker_restart(rig: NodeRig, hub: HubClient) -> None:
    node, _, _ = rig.start(rig.settings())
    hub.publish(TOPICS.room_state("room-a"), snapshot(1))
    wait_until(lambda: applied(node, 1))

    rig.broker.process.kill()
    rig.broker.process.start()
    hub.wait_connected()
    hub.publish(TOPICS.room_state("room-a"), snapshot(2))  # as the hub does on reconnect
    wait_until(lambda: applied(node, 2))


def test_the_door_says_offline_when_the_hub_falls_silent(
    rig: NodeRig, hub: HubClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="signage_node.app")
    node, display, _ = rig.start(rig.settings())
    hub.publish(TOPICS.room_state("room-a"), snapshot(1))
    wait_until(lambda: applied(node, 1))
    for beats in range(1, 5):  # heartbeats keep the door online and do not refresh the glass
        if beats > 1:
            rig.clock.advance(10)
        beat = HubStatus(state="online", at=rig.clock.now(), heartbeat_s=10)
        hub.publish(TOPICS.hub_status(), beat)
        wait_until(lambda n=beats: caplog.text.count("hub online at") == n)  # type: ignore[misc]
        assert node.settle()
        if beats == 1:
            frames = display.frames_shown
    assert display.frames_shown == frames
    assert node.last_view is not None
    assert "offline" not in node.last_view.footer

    silent_from = rig.clock.now()
    rig.clock.advance(31)
    node.wake()
    assert node.settle()
    assert display.frames_shown == frames + 1
    assert node.last_view is not None
    assert f"offline since {silent_from:%H:%M}" in node.last_view.footer
