"""A real door node process: its memory (RSS) and how often it wakes up when idle.

Starts a private Mosquitto, publishes one room's retained snapshot as the hub would, and runs
``openspaces node`` (PNG display, gpiozero mock pins) as a child process. Once the node has
drawn its frame, reads its resident memory and counts its context switches over an idle
minute (a fraction of one, extrapolated) from ``/proc``.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from subprocess import Popen

from paho.mqtt.client import Client, MQTTv5
from paho.mqtt.enums import CallbackAPIVersion

from benchmarks.report import write_section
from hub.mqtt.mosquitto import BrokerFiles, MosquittoProcess, free_port
from shared.render.samples import sample_snapshot, script_scene
from shared.topics import Topics
from shared.wire import RoomSnapshot, encode, with_hash

IDLE_S = 20.0
BAR_MB = 60.0


@dataclass(frozen=True)
class Case:
    """One node to measure: its display and panel, and the script of the title on its glass
    (a key of :data:`~shared.render.samples.SCRIPT_SAMPLES`; None: the sample event's own)."""

    label: str
    display: str
    panel: str
    script: str | None = None

    @property
    def name(self) -> str:
        """What the case's files are called."""
        return f"{self.display}-{self.panel}-{self.script or 'sample'}"


@dataclass(frozen=True)
class Figures:
    rss_mb: float
    peak_mb: float
    helper_peak_mb: float | None
    wakeups_per_minute: float


CASES = (
    Case("`openspaces node`, PNG display, 800×480", "png", "impression-7.3-spectra6"),
    Case("the node on the inky driver (E673, 800×480) over a stand-in SPI bus", "inky",
         "impression-7.3-spectra6"),
    Case("the node on the inky driver (EL133UF1, 1600×1200) over a stand-in SPI bus", "inky",
         "impression-13.3-spectra6"),
    Case("`openspaces node`, PNG display, 800×480, a Japanese title (Noto Sans CJK loaded)",
         "png", "impression-7.3-spectra6", "japanese"),
    Case("`openspaces node`, PNG display, 1600×1200, a Chinese title (Noto Sans CJK loaded)",
         "png", "impression-13.3-spectra6", "chinese-traditional"),
)  # fmt: skip
HELPER_PEAK = re.compile(r"refreshed in [0-9.]+ s \(helper peak (\d+) KiB\)")


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


def publish_snapshot(
    broker: MosquittoProcess, password: str, room_id: str, script: str | None = None
) -> None:
    """The sample snapshot, retained, moved in time so that its first session (titled in
    ``script``, if given) is on now: the node draws it with its own clock."""
    scene = script_scene(script) if script else None
    snapshot = scene.snapshot if scene and scene.snapshot else sample_snapshot()
    snapshot = on_now(snapshot, datetime.now(UTC))
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


def on_now(snapshot: RoomSnapshot, now: datetime) -> RoomSnapshot:
    """``snapshot`` with every slot and its publish time shifted so the first slot began 20
    minutes before ``now``."""
    shift = now - timedelta(minutes=20) - snapshot.slots[0].start

    def moved_by(moment: datetime) -> datetime:  # in UTC: no daylight-saving jump on the way
        return moment.astimezone(UTC) + shift

    slots = [
        slot.model_copy(update={"start": moved_by(slot.start), "end": moved_by(slot.end)})
        for slot in snapshot.slots
    ]
    moved = snapshot.model_copy(
        update={"slots": slots, "published_at": moved_by(snapshot.published_at)}
    )
    return with_hash(moved)


def start_node(folder: Path, broker: MosquittoProcess, password: str, case: Case) -> Popen[bytes]:
    """``openspaces node`` (PNG display), or the node on the inky driver over a stand-in bus."""
    config = folder / f"node-{case.name}.toml"
    config.write_text(
        f'node_id = "door-1"\nroom_id = "{sample_snapshot().room.id}"\npanel = "{case.panel}"\n'
        f'display = "{case.display}"\npng_path = "{folder / "door.png"}"\n'
        f'state_dir = "{folder / case.name}"\nclock_sync_flag = ""\n'  # this machine keeps time
        f'[broker]\nhost = "127.0.0.1"\nport = {broker.port}\npassword = "{password}"\n'
    )
    command = (
        ["-m", "shared.cli", "--log-level", "WARNING", "node", "--config", str(config),
         "--mock-gpio"]
        if case.display == "png"
        else ["-m", "benchmarks.inky_node", str(config)]
    )  # fmt: skip
    log = (folder / f"node-{case.name}.log").open("wb")
    repository = str(Path(__file__).resolve().parent.parent)
    environment = {**os.environ, "PYTHONPATH": repository}
    return subprocess.Popen(
        [sys.executable, *command], cwd=folder, stdout=subprocess.DEVNULL, stderr=log,
        env=environment,
    )  # fmt: skip


def run_one(
    folder: Path, broker: MosquittoProcess, passwords: tuple[str, str], case: Case
) -> Figures:
    hub_password, password = passwords
    publish_snapshot(broker, hub_password, sample_snapshot().room.id, case.script)
    node = start_node(folder, broker, password, case)
    try:
        return measure(node.pid, folder / case.name, folder / f"node-{case.name}.log", case)
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
            passwords = (hub_password, node_password)
            figures = [(case, run_one(folder, broker, passwords, case)) for case in CASES]
        finally:
            broker.stop()
    body = "\n".join(
        [
            "A door node as its own process (gpiozero mock pins), connected to Mosquitto, "
            f"measured after drawing its first frame, then idle for {IDLE_S:.0f} s. With "
            '`display = "inky"` each refresh runs the unmodified inky driver in a panel '
            "helper process that ends with the refresh (`signage_node/panel_helper.py`): the "
            "node itself never imports inky or numpy. *Helper peak* is that process's own "
            "peak (ru_maxrss), *together* the node's peak plus the helper's, an upper bound "
            "on the two during a refresh. Wake-ups are context switches of all the node's "
            "threads; about 600 of them a minute are gpiozero's `Button` hold thread, which "
            "polls ten times a second. The sample event is moved in time so that its first "
            "session is on now, its title on the glass: Latin with accents opens no fallback "
            "face; the Japanese and Chinese titles open Noto Sans CJK (fonts-noto-cjk, a "
            "19 MB collection) at the sizes the layout tries.",
            "",
            "| node | resident memory (VmRSS) | peak (VmHWM) | helper peak | together "
            "| idle wake-ups | bar |",
            "|---|---|---|---|---|---|---|",
            *(row(case, figure) for case, figure in figures),
        ]
    )
    write_section("Door node process", body)
    return body


def row(case: Case, f: Figures) -> str:
    helper = "—" if f.helper_peak_mb is None else f"{f.helper_peak_mb:.1f} MB"
    together = "—" if f.helper_peak_mb is None else f"{f.peak_mb + f.helper_peak_mb:.1f} MB"
    return (f"| {case.label} | {f.rss_mb:.1f} MB | {f.peak_mb:.1f} MB | {helper} | {together} "
            f"| {f.wakeups_per_minute:.0f} per minute | node ≤ {BAR_MB:.0f} MB |")  # fmt: skip


def measure(pid: int, state_dir: Path, log: Path, case: Case) -> Figures:
    """Wait until the node has applied the snapshot (its cache is written) and, on the inky
    display, its helper has refreshed the panel; then measure."""
    deadline = time.monotonic() + 60
    while not any(state_dir.rglob("*.json")) or (
        case.display == "inky" and not HELPER_PEAK.search(log.read_text())
    ):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the node drew no frame; its log:\n{log.read_text()[-2000:]}")
        time.sleep(0.1)
    time.sleep(3.0)  # let the first refresh and status publish settle
    before = wakeups(pid)
    time.sleep(IDLE_S)
    after = wakeups(pid)
    status = proc_status(pid)
    peaks = [int(kib) / 1024 for kib in HELPER_PEAK.findall(log.read_text())]
    return Figures(
        rss_mb=int(status["VmRSS"].split()[0]) / 1024,
        peak_mb=int(status["VmHWM"].split()[0]) / 1024,
        helper_peak_mb=max(peaks) if peaks else None,
        wakeups_per_minute=(after - before) * 60.0 / IDLE_S,
    )


if __name__ == "__main__":
    print(run())
    os._exit(0)
