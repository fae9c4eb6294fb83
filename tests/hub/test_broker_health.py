"""The broker link's health record, on its own: each problem starts and clears as documented."""

from __future__ import annotations

from hub.mqtt.health import FLAP_DISCONNECTS, BrokerHealth


class Ticks:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def kinds(health: BrokerHealth) -> list[str]:
    return [problem.kind for problem in health.problems()]


def test_never_connected_for_a_heartbeat_is_disconnected() -> None:
    ticks = Ticks()
    health = BrokerHealth(ticks, heartbeat_s=10, ack_timeout_s=10)
    ticks.now = 10
    assert kinds(health) == []
    ticks.now = 10.5
    assert kinds(health) == ["disconnected"]
    health.connected()
    assert kinds(health) == []


def test_a_connection_dropped_again_and_again_is_flapping() -> None:
    ticks = Ticks()
    health = BrokerHealth(ticks, heartbeat_s=10, ack_timeout_s=10)
    for _ in range(FLAP_DISCONNECTS):
        health.connected()
        ticks.now += 1
        health.disconnected()
        ticks.now += 1
        health.connected()
    assert kinds(health) == ["flapping"]
    ticks.now += 100
    assert kinds(health) == []
    assert health.disconnects_total == FLAP_DISCONNECTS


def test_a_rejected_publish_stays_a_problem_until_that_topic_goes_through() -> None:
    ticks = Ticks()
    health = BrokerHealth(ticks, heartbeat_s=10, ack_timeout_s=10)
    health.connected()
    health.sent(1, "t/a")
    health.acknowledged(1, True, "Not authorized")
    health.acknowledged(2, False, "Success")  # the acknowledgement can beat sent()
    health.sent(2, "t/b")
    assert [p.detail for p in health.problems()] == ["the broker rejected t/a: Not authorized"]
    health.sent(3, "t/a")
    health.acknowledged(3, False, "Success")
    assert kinds(health) == []
    assert (health.rejected_total, health.unacknowledged()) == (1, 0)


def test_a_publish_waiting_past_the_bound_is_unacknowledged() -> None:
    ticks = Ticks()
    health = BrokerHealth(ticks, heartbeat_s=10, ack_timeout_s=5)
    health.connected()
    health.sent(7, "t/a")
    ticks.now = 5
    assert kinds(health) == []
    ticks.now = 5.1
    assert kinds(health) == ["unacknowledged"]
    health.acknowledged(7, False, "Success")
    assert kinds(health) == []
