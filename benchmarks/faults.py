"""Recovery from broker faults with 50 door nodes (issue 6's measures).

Runs the demo's parts (a private Mosquitto, the hub, 50 in-process door nodes with the
product's default keepalive and heartbeat) and measures:

- broker SIGKILL (retained messages lost) and restart, after an edit made while it was down:
  time from the broker's return until every node is online again and the edited room's doors
  show the edit; 5 runs;
- broker SIGSTOP: time until every door shows "offline since", and after SIGCONT, until
  every door is back online without the marker.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.hub_api import retitle_current_session, staff_client
from benchmarks.report import write_section
from hub.demo.runner import Demo, DemoOptions
from hub.mqtt.mosquitto import free_port

NODES = 50
RESTARTS = 5
ROOM = "room-250a"


def seconds_until(check: Callable[[], bool], timeout: float) -> float:
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"not reached within {timeout} s")
        time.sleep(0.02)
    return time.monotonic() - started


def broker_restart(demo: Demo, title: str) -> float:
    broker = demo.broker
    assert broker is not None
    broker.kill()
    for saved in broker.files.folder.glob("mosquitto.db*"):
        saved.unlink()
    with staff_client(demo.hub_url, demo.staff_token) as api:
        retitle_current_session(api, ROOM, title)
    broker.start()

    def caught_up() -> bool:
        for door in demo.nodes:
            view, status = door.node.last_view, door.node.last_status
            if view is None or status is None or status.state != "online":
                return False
            if door.room_id == ROOM and view.headline != title:
                return False
        return True

    return seconds_until(caught_up, 120)


def offline_marker(demo: Demo, shown: bool) -> bool:
    return all(
        door.node.last_view is not None and ("offline since" in door.node.last_view.footer) == shown
        for door in demo.nodes
    )


def run() -> str:
    with tempfile.TemporaryDirectory(prefix="openspaces-faults-") as name:
        demo = Demo(DemoOptions(Path(name), port=free_port(), nodes=NODES))
        demo.start()
        try:
            if not demo.wait_for_frames(120):
                raise RuntimeError("the doors did not start")
            restarts = [broker_restart(demo, f"Back after restart {n}") for n in range(RESTARTS)]
            assert demo.broker is not None
            demo.broker.pause()
            detected = seconds_until(lambda: offline_marker(demo, True), 180)
            demo.broker.resume()
            recovered = seconds_until(lambda: offline_marker(demo, False), 180)
            heartbeat, keepalive = demo.options.heartbeat_s, demo.options.node_keepalive_s
        finally:
            demo.stop()
    body = "\n".join(
        [
            f"{NODES} door nodes in one process, hub heartbeat {heartbeat:.0f} s, node "
            f"keepalive {keepalive} s (the defaults), a real Mosquitto.",
            "",
            "| fault | figures | bar |",
            "|---|---|---|",
            f"| broker SIGKILL + restart (retained state lost, an edit made meanwhile): broker "
            f"back → every node online at the latest snapshot | median "
            f"{statistics.median(restarts):.2f} s, max {max(restarts):.2f} s over {RESTARTS} "
            "runs | ≤ 10 s |",
            f'| broker SIGSTOP → every door shows "offline since" | {detected:.1f} s '
            "| about two keepalives / three missed heartbeats |",
            f"| SIGCONT → every door back online, marker gone | {recovered:.1f} s | |",
        ]
    )
    write_section("Broker faults with 50 doors", body)
    return body


if __name__ == "__main__":
    print(run())
