"""A door node fed 5,000 random and wrong-schema messages on every topic it reads, over a real
Mosquitto: it never crashes, logs and drops them, and still applies the next good snapshot."""

from __future__ import annotations

import logging
import random

import pytest

from shared import wire
from tests.fuzzing import MESSAGES, examples, mutate
from tests.signage_node.conftest import TOPICS, HubClient, NodeRig, snapshot, wait_until


def test_a_node_survives_5000_bad_messages_on_every_topic(
    rig: NodeRig, hub: HubClient, caplog: pytest.LogCaptureFixture
) -> None:
    node, _, _ = rig.start(rig.settings())
    topics = [
        TOPICS.room_state("room-a"), TOPICS.site(), TOPICS.hub_status(),
        TOPICS.node_config("door-1"), TOPICS.node_cmd("door-1"),
    ]  # fmt: skip
    valid = [wire.encode(model) for model in examples()[:5]]
    rng = random.Random(2027)
    with caplog.at_level(logging.WARNING):
        for _ in range(MESSAGES):
            choice = rng.randrange(len(topics))
            hub.publish(topics[choice], mutate(rng, valid[choice]), retain=False)
        # a mutated config can be valid and move the door (or leave it unassigned): the hub's
        # good config puts it back in room a
        good_config = wire.NodeConfig(node_id="door-1", room_id="room-a")
        hub.publish(TOPICS.node_config("door-1"), good_config, retain=False)
        # retained, as the hub publishes it: a door that had moved subscribes to room a again
        hub.publish(TOPICS.room_state("room-a"), snapshot(99), retain=True)

        def applied_the_good_one() -> bool:
            status = node.last_status
            return status is not None and status.applied_version == 99

        wait_until(applied_the_good_one, timeout=30)
    dropped = [r for r in caplog.records if "dropped" in r.getMessage().lower()]
    assert len(dropped) > MESSAGES // 2, "bad payloads should be logged"
