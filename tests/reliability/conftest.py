"""Helpers the fault tests share: a demo system to break, and waiting on a condition."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from hub.demo.runner import Demo, DemoOptions
from hub.mqtt.mosquitto import free_port


def wait_until(check: Callable[[], bool], timeout: float) -> float:
    """Seconds until ``check()`` held; fails after ``timeout``."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"condition not reached within {timeout} s")
        time.sleep(0.05)
    return time.monotonic() - started


@contextmanager
def running_demo(folder: Path, nodes: int) -> Iterator[Demo]:
    """The demo (broker, hub, ``nodes`` door nodes) in ``folder``, with every door drawn;
    stopped on exit. Heartbeats every second, so a lost link shows within seconds."""
    options = DemoOptions(folder, port=free_port(), nodes=nodes, heartbeat_s=1.0,
                          node_keepalive_s=5)  # fmt: skip
    demo = Demo(options)
    demo.start()
    try:
        assert demo.wait_for_frames(60)
        yield demo
    finally:
        demo.stop()
