"""Edit → door frame latency: from the staff API call to the door node's frame written.

Runs the demo's own parts (a private Mosquitto, the hub over HTTP, simulated door nodes) in a
temporary folder, edits the session on now in one room 100 times through the API, and times
each edit until that room's node has drawn the new frame. Beside it, in the same run, the raw
broker round trip (one client publishes, another receives, QoS 1) on the same Mosquitto.
"""

from __future__ import annotations

import secrets
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from paho.mqtt.client import Client, MQTTMessage, MQTTv5
from paho.mqtt.enums import CallbackAPIVersion
from PIL import Image

from benchmarks.hub_api import current_sessions
from benchmarks.report import summary_ms, write_section
from hub.demo.runner import Demo, DemoOptions
from hub.mqtt.mosquitto import MosquittoProcess, free_port
from shared.render.panels import Panel
from signage_node.display import PngDisplay

ROOM = "room-250a"
EDITS = 100
ROUND_TRIPS = 200


class TimedDisplay(PngDisplay):
    """A PNG display that remembers when each frame was written (``perf_counter`` seconds)."""

    def __init__(self, panel: Panel, path: Path) -> None:
        super().__init__(panel, path)
        self.shown: list[float] = []
        self._changed = threading.Condition()

    def show(self, frame: Image.Image) -> None:
        super().show(frame)
        with self._changed:
            self.shown.append(time.perf_counter())
            self._changed.notify_all()

    def first_after(self, moment: float, timeout: float = 10.0) -> float:
        """The first frame written after ``moment``; waits up to ``timeout`` seconds."""
        deadline = time.perf_counter() + timeout
        with self._changed:
            while True:
                later = [t for t in self.shown if t > moment]
                if later:
                    return later[0]
                left = deadline - time.perf_counter()
                if left <= 0:
                    raise TimeoutError("the door drew no frame in time")
                self._changed.wait(left)


@dataclass
class Result:
    send_to_frame: list[float] = field(default_factory=list)
    answer_to_frame: list[float] = field(default_factory=list)
    round_trips: list[float] = field(default_factory=list)


def measure_edits(demo: Demo, display: TimedDisplay, result: Result) -> None:
    headers = {"Authorization": f"Bearer {demo.staff_token}"}
    with httpx.Client(base_url=demo.hub_url, headers=headers, timeout=10) as api:
        session_id = current_sessions(api, ROOM)[ROOM]
        for number in range(EDITS):
            sent = time.perf_counter()
            answer = api.patch(
                f"/api/v1/sessions/{session_id}", json={"title": f"Benchmark edit {number}"}
            )
            answered = time.perf_counter()
            answer.raise_for_status()
            drawn = display.first_after(sent)
            result.send_to_frame.append(drawn - sent)
            result.answer_to_frame.append(max(0.0, drawn - answered))


def measure_round_trips(broker: MosquittoProcess, result: Result) -> None:
    """Publish → deliver through the same broker, with a probe user allowed a private topic."""
    password = secrets.token_urlsafe(16)
    acl = broker.files.folder / "acl"
    acl.write_text(acl.read_text() + "\nuser bench-probe\ntopic readwrite bench/#\n")
    broker.files.add_user("bench-probe", password)
    broker.reload()
    time.sleep(0.5)
    received = threading.Event()
    client = Client(CallbackAPIVersion.VERSION2, client_id="bench-probe", protocol=MQTTv5)
    client.username_pw_set("bench-probe", password)

    def on_message(client: Client, userdata: Any, message: MQTTMessage) -> None:
        received.set()

    client.on_message = on_message
    client.connect(broker.host, broker.port)
    client.loop_start()
    try:
        client.subscribe("bench/rtt", qos=1)
        time.sleep(0.3)
        for _ in range(ROUND_TRIPS):
            received.clear()
            sent = time.perf_counter()
            client.publish("bench/rtt", b"x" * 2048, qos=1)
            if not received.wait(5):
                raise TimeoutError("the probe message did not come back")
            result.round_trips.append(time.perf_counter() - sent)
    finally:
        client.loop_stop()
        client.disconnect()


def run() -> str:
    """Run the benchmark; return the report section (also written to docs/benchmarks.md)."""
    result = Result()
    displays: dict[str, TimedDisplay] = {}

    def display_factory(panel: Panel, path: Path) -> TimedDisplay:
        displays[path.stem] = TimedDisplay(panel, path)
        return displays[path.stem]

    with tempfile.TemporaryDirectory(prefix="openspaces-bench-") as folder:
        demo = Demo(DemoOptions(Path(folder), port=free_port()), display_factory=display_factory)
        demo.start()
        try:
            if not demo.wait_for_frames(60):
                raise RuntimeError("the doors did not start")
            measure_edits(demo, displays[ROOM], result)
            assert demo.broker is not None
            measure_round_trips(demo.broker, result)
        finally:
            demo.stop()
    body = "\n".join(
        [
            f"One-room edits through `PATCH /api/v1/sessions/{{id}}`, {EDITS} in a row, "
            f"{len(displays)} door nodes connected, measured to the moment the room's node "
            "had written its new frame (PNG display: the frame is on the glass when written).",
            "",
            "| what | figures | bar |",
            "|---|---|---|",
            f"| API request sent → frame written | {summary_ms(result.send_to_frame)} "
            "| p99 ≤ 100 ms |",
            f"| API answer received → frame written | {summary_ms(result.answer_to_frame)} | |",
            f"| raw broker round trip (QoS 1, publish → deliver) "
            f"| {summary_ms(result.round_trips)} | |",
            "",
            "The hub publishes after its commit, before the HTTP answer is on its way; a frame "
            "written before the answer arrived counts as 0 ms in the second row.",
        ]
    )
    write_section("Edit to frame latency", body)
    return body


if __name__ == "__main__":
    print(run())
