from __future__ import annotations

import pytest

from shared.errors import TopicError
from shared.topics import TopicMatch, Topics, check_id


def test_builds_every_topic_of_the_contract() -> None:
    t = Topics()
    assert t.room_state("room-1") == "openspaces/v1/rooms/room-1/state"
    assert t.site() == "openspaces/v1/site"
    assert t.hub_status() == "openspaces/v1/hub/status"
    assert t.node_config("door-7") == "openspaces/v1/nodes/door-7/config"
    assert t.node_cmd("door-7") == "openspaces/v1/nodes/door-7/cmd"
    assert t.node_status("door-7") == "openspaces/v1/nodes/door-7/status"
    assert t.node_events("door-7") == "openspaces/v1/nodes/door-7/events"


def test_prefix_is_configurable() -> None:
    assert Topics("pycon/doors").site() == "pycon/doors/site"


@pytest.mark.parametrize(
    ("topic", "expected"),
    [
        ("openspaces/v1/site", TopicMatch("site")),
        ("openspaces/v1/hub/status", TopicMatch("hub_status")),
        ("openspaces/v1/rooms/r1/state", TopicMatch("room_state", "r1")),
        ("openspaces/v1/nodes/n_1/status", TopicMatch("node_status", "n_1")),
        ("openspaces/v1/nodes/n_1/events", TopicMatch("node_events", "n_1")),
        ("openspaces/v1/nodes/n_1/config", TopicMatch("node_config", "n_1")),
        ("openspaces/v1/nodes/n_1/cmd", TopicMatch("node_cmd", "n_1")),
    ],
)
def test_parses_what_it_builds(topic: str, expected: TopicMatch) -> None:
    assert Topics().parse(topic) == expected


@pytest.mark.parametrize(
    "topic",
    [
        "other/v1/site",
        "openspaces/v1/rooms/r1",
        "openspaces/v1/rooms/r1/state/extra",
        "openspaces/v1/nodes/n1/secret",
        "openspaces/v1/rooms/+/state",
        "openspaces/v1/",
    ],
)
def test_refuses_foreign_topics(topic: str) -> None:
    with pytest.raises(TopicError):
        Topics().parse(topic)


@pytest.mark.parametrize("bad", ["", "a/b", "+", "#", "room 1", "$SYS", "-lead", "x" * 65])
def test_ids_that_could_act_as_wildcards_are_refused(bad: str) -> None:
    with pytest.raises(TopicError):
        check_id(bad)
    with pytest.raises(TopicError):
        Topics().room_state(bad)


def test_a_bad_prefix_is_refused() -> None:
    with pytest.raises(TopicError):
        Topics("open/#")
