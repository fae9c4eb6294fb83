"""A door follows only its own room's state, and every room's while its session is full (to
suggest rooms that are not), over a real Mosquitto."""

from __future__ import annotations

from tests.signage_node.conftest import TOPICS, HubClient, NodeRig, snapshot, wait_until


def test_other_rooms_are_followed_only_while_the_session_is_full(
    rig: NodeRig, hub: HubClient
) -> None:
    hub.publish(TOPICS.room_state("room-b"), snapshot(1, room_id="room-b"))
    hub.publish(TOPICS.room_state("room-a"), snapshot(1))
    node, _, _ = rig.start(rig.settings())

    def shows(version: int) -> bool:
        status = node.last_status
        return status is not None and status.applied_version == version

    wait_until(lambda: shows(1))
    assert node.settle()
    view = node.last_view
    assert view is not None
    assert view.also_on_now == ()

    hub.publish(TOPICS.room_state("room-a"), snapshot(2, full=True))

    def suggests_room_b() -> bool:
        view = node.last_view
        return view is not None and view.also_on_now == ("Room B",)

    wait_until(suggests_room_b)

    hub.publish(TOPICS.room_state("room-a"), snapshot(3))
    wait_until(lambda: shows(3))
    hub.publish(TOPICS.room_state("room-b"), snapshot(2, room_id="room-b", titles=("Moved on",)))
    hub.publish(TOPICS.room_state("room-a"), snapshot(4, full=True))
    wait_until(suggests_room_b)  # the retained room-b state came back with the subscription
