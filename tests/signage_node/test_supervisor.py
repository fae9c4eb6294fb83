"""The supervisor's rules, on their own: the failure budget and its window, the thread
wrapper, and the hook for threads it did not start."""

from __future__ import annotations

import threading

from signage_node.supervisor import Supervisor


class Seconds:
    """A monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def boom() -> None:
    raise RuntimeError("boom")


def test_a_part_may_fail_its_budget_within_the_window_and_no_more() -> None:
    seconds = Seconds()
    supervisor = Supervisor(budget=2, window_s=60, monotonic=seconds)
    heard: list[tuple[str, str]] = []
    supervisor.on_failure(lambda part, error: heard.append((part, error)))
    assert supervisor.call("mqtt", boom) is None
    seconds.now = 30
    supervisor.call("mqtt", boom)
    seconds.now = 61  # the first failure has left the window
    supervisor.call("mqtt", boom)
    assert supervisor.failures("mqtt") == 2
    assert not supervisor.failed_fatally.is_set()
    supervisor.call("mqtt", boom)
    assert supervisor.failed_fatally.is_set()
    assert supervisor.reason == "mqtt failed 3 times within 60 s"
    assert heard[0] == ("mqtt", "RuntimeError: boom")


def test_a_restart_runs_after_a_failure_within_the_budget() -> None:
    supervisor, restarts = Supervisor(), list[str]()
    assert supervisor.call("outbox", boom, restart=lambda: restarts.append("again")) is None
    assert restarts == ["again"]
    assert supervisor.call("outbox", lambda: 7) == 7


def test_a_restart_that_keeps_failing_stops_at_the_budget() -> None:
    supervisor = Supervisor(budget=3)
    supervisor.call("outbox", boom, restart=boom)
    assert supervisor.failures("outbox") == 4
    assert supervisor.failed_fatally.is_set()


def test_a_thread_without_restart_ends_the_node_when_it_fails() -> None:
    supervisor, ended = Supervisor(), list[str]()
    supervisor.on_fatal(lambda part, reason: ended.append(reason))
    thread = supervisor.thread("node loop", boom)
    thread.start()
    thread.join(10)
    assert ended == ["node loop failed: RuntimeError: boom"]
    late: list[str] = []
    supervisor.on_fatal(lambda part, reason: late.append(reason))  # told at once
    assert late == ["node loop failed: RuntimeError: boom"]


def test_a_restartable_thread_runs_again_after_a_failure() -> None:
    supervisor, runs = Supervisor(), list[int]()

    def once_failing() -> None:
        runs.append(len(runs))
        if len(runs) == 1:
            raise SystemExit("a driver called sys.exit")

    thread = supervisor.thread("display worker", once_failing, restart=lambda: None)
    thread.start()
    thread.join(10)
    assert runs == [0, 1]
    assert supervisor.failures("display worker") == 1
    assert not supervisor.failed_fatally.is_set()


def test_any_other_thread_that_dies_ends_the_node_while_the_hook_is_installed() -> None:
    supervisor, before = Supervisor(), threading.excepthook
    restore = supervisor.install_excepthook()
    try:
        stray = threading.Thread(target=boom, name="paho-mqtt-client-door-1")
        stray.start()
        stray.join(10)
    finally:
        restore()
    assert supervisor.reason == "thread paho-mqtt-client-door-1 died: RuntimeError: boom"
    assert threading.excepthook is before
