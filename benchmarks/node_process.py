"""A real door node process: its memory (RSS) and how often it wakes up when idle.

Starts a private Mosquitto, publishes one room's retained snapshot as the hub would, and runs
``openspaces node`` (PNG display, gpiozero mock pins) as a child process. Once the node has
drawn its frame, reads its resident memory and counts its context switches over an idle
minute (a fraction of one, extrapolated) from ``/proc``.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from paho.mqtt.client import Client, MQTTv5
from paho.mqtt.enums import CallbackAPIVersion

from benchmarks.report import write_section
from hub.mosquitto import BrokerFiles, MosquittoProcess, free_port
from shared.render.samples import sample_snapshot
from shared.topics import Topics
from shared.wire import encode

IDLE_S = 20.0
PANEL = "impression-7.3-spectra6"


def proc_status(pid: int) -> dict[str, str]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return fields


def wakeups(pid: int) -> int:
    """Context switches of every thread of ``pid`` so far (each is a wake-up or a preemption)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        status = (task / "status").read_text().splitlines()
        for line in status:
            if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                total += int(line.split(":")[1])
    return total


def publish_snapshot(broker: MosquittoProcess, password: str, room_id: str) -> None:
    snapshot = sample_snapshot()
    snapshot = snapshot.model_copy(
        update={"room": snapshot.room.model_copy(update={"id": room_id})}
    )
    client = Client(CallbackAPIVersion.VERSION2, client_id="hub", protocol=MQTTv5)
    client.username_pw_set("hub", password)
    client.connect(broker.host, broker.port)
    client.loop_start()
    client.publish(
        Topics().room_state(room_id), encode(snapshot), qos=1, retain=True
    ).wait_for_publish(5)
    client.loop_stop()
    client.disconnect()


def run() -> str:
    with tempfile.TemporaryDirectory(prefix="openspaces-node-bench-") as name:
        folder = Path(name)
        hub_password, node_password = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        files = BrokerFiles(folder / "broker", free_port(), "hub",
                            {"hub": hub_password, "door-1": node_password})  # fmt: skip
        files.write()
        broker = MosquittoProcess(files)
        broker.start()
        try:
            room_id = sample_snapshot().room.id
            publish_snapshot(broker, hub_password, room_id)
            config = folder / "node.toml"
            frame = folder / "door.png"
            config.write_text(
                f'node_id = "door-1"\nroom_id = "{room_id}"\npanel = "{PANEL}"\n'
                f'display = "png"\npng_path = "{frame}"\nstate_dir = "{folder / "state"}"\n'
                f'[broker]\nhost = "127.0.0.1"\nport = {broker.port}\n'
                f'password = "{node_password}"\n'
            )
            log = (folder / "node.log").open("wb")
            node = subprocess.Popen(
                [sys.executable, "-m", "shared.cli", "--log-level", "WARNING", "node",
                 "--config", str(config), "--mock-gpio"],
                cwd=folder, stdout=subprocess.DEVNULL, stderr=log,
            )  # fmt: skip
            try:
                figures = measure(node.pid, frame, folder / "node.log")
            finally:
                node.send_signal(signal.SIGTERM)
                node.wait(30)
                log.close()
        finally:
            broker.stop()
    rss_mb, peak_mb, per_minute = figures
    body = "\n".join(
        [
            f"`openspaces node` as its own process ({PANEL}, PNG display, mock pins), "
            "connected to Mosquitto, after drawing its first frame; then idle.",
            "",
            "| what | figure | bar |",
            "|---|---|---|",
            f"| resident memory (VmRSS) | {rss_mb:.1f} MB | ≤ 60 MB |",
            f"| peak resident memory (VmHWM) | {peak_mb:.1f} MB | |",
            f"| idle wake-ups (context switches, all threads) | {per_minute:.0f} per minute | |",
        ]
    )
    write_section("Door node process", body)
    return body


def measure(pid: int, frame: Path, log: Path) -> tuple[float, float, float]:
    deadline = time.monotonic() + 60
    while not frame.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"the node drew no frame; its log:\n{log.read_text()[-2000:]}")
        time.sleep(0.1)
    time.sleep(3.0)  # let the first refresh and status publish settle
    before = wakeups(pid)
    time.sleep(IDLE_S)
    after = wakeups(pid)
    status = proc_status(pid)
    rss = int(status["VmRSS"].split()[0]) / 1024
    peak = int(status["VmHWM"].split()[0]) / 1024
    return rss, peak, (after - before) * 60.0 / IDLE_S


if __name__ == "__main__":
    print(run())
    os._exit(0)
