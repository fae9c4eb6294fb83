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
from subprocess import Popen

from paho.mqtt.client import Client, MQTTv5
from paho.mqtt.enums import CallbackAPIVersion

from benchmarks.report import write_section
from hub.mosquitto import BrokerFiles, MosquittoProcess, free_port
from shared.render.samples import sample_snapshot
from shared.topics import Topics
from shared.wire import encode

IDLE_S = 20.0
Figures = tuple[float, float, float]
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


def start_node(folder: Path, broker: MosquittoProcess, password: str, display: str) -> Popen[bytes]:
    """``openspaces node`` (PNG display), or the inky driver over a stand-in bus."""
    config = folder / f"node-{display}.toml"
    config.write_text(
        f'node_id = "door-1"\nroom_id = "{sample_snapshot().room.id}"\npanel = "{PANEL}"\n'
        f'display = "png"\npng_path = "{folder / "door.png"}"\n'
        f'state_dir = "{folder / display}"\n'
        f'[broker]\nhost = "127.0.0.1"\nport = {broker.port}\npassword = "{password}"\n'
    )
    command = (
        ["-m", "shared.cli", "--log-level", "WARNING", "node", "--config", str(config),
         "--mock-gpio"]
        if display == "png"
        else ["-m", "benchmarks.inky_node", str(config)]
    )  # fmt: skip
    log = (folder / f"node-{display}.log").open("wb")
    repository = str(Path(__file__).resolve().parent.parent)
    environment = {**os.environ, "PYTHONPATH": repository}
    return subprocess.Popen(
        [sys.executable, *command], cwd=folder, stdout=subprocess.DEVNULL, stderr=log,
        env=environment,
    )  # fmt: skip


def run_one(folder: Path, broker: MosquittoProcess, password: str, display: str) -> Figures:
    node = start_node(folder, broker, password, display)
    try:
        return measure(node.pid, folder / display, folder / f"node-{display}.log")
    finally:
        node.send_signal(signal.SIGTERM)
        node.wait(30)


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
            publish_snapshot(broker, hub_password, sample_snapshot().room.id)
            png = run_one(folder, broker, node_password, "png")
            inky = run_one(folder, broker, node_password, "inky")
        finally:
            broker.stop()
    rows = [
        f"| {label} | {rss:.1f} MB | {peak:.1f} MB | {wakes:.0f} per minute | ≤ 60 MB |"
        for label, (rss, peak, wakes) in (
            ("`openspaces node`, PNG display", png),
            ("the same node driving the inky driver (E673) over a stand-in SPI bus", inky),
        )
    ]
    body = "\n".join(
        [
            f"A door node as its own process ({PANEL}, gpiozero mock pins), connected to "
            "Mosquitto, measured after drawing its first frame, then idle for "
            f"{IDLE_S:.0f} s. Wake-ups are context switches of all its threads; about 600 of "
            "them a minute are gpiozero's `Button` hold thread, which polls ten times a second.",
            "",
            "| node | resident memory (VmRSS) | peak (VmHWM) | idle wake-ups | bar |",
            "|---|---|---|---|---|",
            *rows,
        ]
    )
    write_section("Door node process", body)
    return body


def measure(pid: int, state_dir: Path, log: Path) -> Figures:
    """Wait until the node has applied the snapshot (its cache is written), then measure."""
    deadline = time.monotonic() + 60
    while not any(state_dir.rglob("*.json")):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the node applied no snapshot; its log:\n{log.read_text()[-2000:]}")
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
