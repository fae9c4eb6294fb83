"""A door node fed bad messages on every topic it reads, over a real Mosquitto: 5,000 random
and wrong-schema ones, and payloads Hypothesis builds from the wire models. It never crashes,
logs and drops them, and still applies the next good snapshot."""

from __future__ import annotations

import logging
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared import wire
from tests.fuzzing import MESSAGES, examples, mutate, payloads
from tests.signage_node.conftest import TITLES, TOPICS, HubClient, NodeRig, snapshot, wait_until

#: What a node reads, in the order of :func:`tests.fuzzing.examples`.
NODE_TOPICS = (
    TOPICS.room_state("room-a"), TOPICS.site(), TOPICS.hub_status(),
    TOPICS.node_config("door-1"), TOPICS.node_cmd("door-1"),
)  # fmt: skip


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


#: Hypothesis examples per run, each a message through the broker.
FUZZ_EXAMPLES = 250


def test_a_node_takes_any_payload_shaped_like_the_wire_models_and_goes_on(
    rig: NodeRig, hub: HubClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Every bad payload is a logged rejection (none reaches the supervisor as an unexpected
    failure), and afterwards the door still applies and draws a good snapshot."""
    node, _, _ = rig.start(rig.settings())
    good = dict(zip(NODE_TOPICS, examples()[:5], strict=True))

    @settings(
        max_examples=FUZZ_EXAMPLES,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.sampled_from(NODE_TOPICS).flatmap(lambda t: st.tuples(st.just(t), payloads(good[t]))))
    def publish(message: tuple[str, bytes]) -> None:
        hub.publish(message[0], message[1], retain=False)  # fmt: skip

    with caplog.at_level(logging.WARNING):
        publish()
        hub.publish(TOPICS.node_config("door-1"), wire.NodeConfig(node_id="door-1",
                    room_id="room-a"), retain=False)  # fmt: skip
        hub.publish(TOPICS.room_state("room-a"), snapshot(1, epoch="after-the-fuzz"))

        def applied_the_good_one() -> bool:
            status = node.last_status
            return status is not None and status.applied_epoch == "after-the-fuzz"

        wait_until(applied_the_good_one, timeout=60)
        rig.clock.advance(601)  # past any identify a valid fuzzed command started (≤ 600 s)
        node.wake()
        assert node.settle()
    assert node.last_view is not None
    assert node.last_view.headline == TITLES[0]
    assert node.supervisor.failures("mqtt") == 0
    assert not node.supervisor.failed_fatally.is_set()
    assert "dropped a message" in caplog.text
