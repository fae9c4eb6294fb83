"""Edit → door latency with 200 door nodes connected to a real Mosquitto.

A private Mosquitto, ``openspaces hub`` as its own process (SQLite, 200 rooms), and 200 door
nodes spread over four worker processes (:mod:`benchmarks.fleet_worker`), one per room, with a
mix of panels. Measures, in one run:

- one-room edits (``PATCH`` a session's title): API call → that room's door has drawn the new
  frame, p50/p95/p99 over 100 edits;
- a site-wide change (an announcement for every door): API call → every door has drawn it;
- the raw broker round trip (publish → deliver, QoS 1) on the same broker, for scale.

The doors are simulated on this machine's two cores, which their 200 Raspberry Pis would not
share: the site-wide figure includes 200 renders queued on two cores.
"""

from __future__ import annotations

import json
import os
import queue
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import httpx

from benchmarks.edit_latency import Result, measure_round_trips
from benchmarks.hub_api import current_sessions
from benchmarks.report import summary_ms, write_section
from hub import repo
from hub.access.tokens import create_staff_token
from hub.demo.sample import PlannedCard, PlannedRoom, SamplePlan, sample_plan
from hub.demo.seed import seed
from hub.mqtt.mosquitto import BrokerFiles, MosquittoProcess, free_port
from hub.storage.db import open_database

DOORS = int(os.environ.get("OPENSPACES_BENCH_DOORS", "200"))
WORKERS = 4
EDITS = 200
WARM_UP = 5
#: Panels that show announcements (the pHATs' one-glance layout leaves the banner out, so a
#: site-wide announcement would not change their frames).
PANELS = ("impression-7.3-spectra6", "what-ssd1683-red", "impression-4-spectra6",
          "impression-5.7-7colour")  # fmt: skip


@dataclass
class Frames:
    """Frames drawn by every door, as the workers report them."""

    seen: queue.Queue[tuple[str, float]] = field(default_factory=queue.Queue)
    ready: queue.Queue[str] = field(default_factory=queue.Queue)

    def read(self, stream: IO[str]) -> None:
        for raw in stream:
            line = raw.strip()
            if line in ("ready", "failed"):
                self.ready.put(line)
            elif line.startswith("{"):
                record = json.loads(line)
                self.seen.put((record["room"], float(record["t"])))

    def drain(self) -> None:
        while not self.seen.empty():
            self.seen.get_nowait()

    def wait_rooms(self, rooms: set[str], after: float, timeout: float = 60.0) -> dict[str, float]:
        """When each room in ``rooms`` first drew a frame after ``after``."""
        found: dict[str, float] = {}
        deadline = time.monotonic() + timeout
        while set(found) != rooms:
            left = deadline - time.monotonic()
            if left <= 0:
                missing = sorted(rooms - set(found))
                raise TimeoutError(f"{len(missing)} doors drew nothing in time: {missing[:10]}")
            try:
                room, moment = self.seen.get(timeout=left)
            except queue.Empty:
                continue
            if room in rooms and moment > after and room not in found:
                found[room] = moment
        return found


def plan(now: datetime) -> SamplePlan:
    base = sample_plan(now, "UTC")
    rooms = [PlannedRoom(f"room-{i:03d}", f"Room {i}", 30, "Hall") for i in range(1, DOORS + 1)]
    cards = [
        PlannedCard(room.id, slot, f"Session in {room.name}", "", "Host", "@host")
        for room in rooms
        for slot in (base.now_slot, base.now_slot + 1)
    ]
    return SamplePlan(base.name, "UTC", base.hashtag, rooms, base.slots, cards,
                      now_slot=base.now_slot)  # fmt: skip


@dataclass
class Fleet:
    folder: Path
    broker: MosquittoProcess | None = None
    hub: subprocess.Popen[bytes] | None = None
    workers: list[subprocess.Popen[str]] = field(default_factory=list)
    frames: Frames = field(default_factory=Frames)
    hub_url: str = ""
    token: str = ""

    def start(self) -> None:
        passwords = {f"door-{i:03d}": secrets.token_urlsafe(12) for i in range(1, DOORS + 1)}
        hub_password = secrets.token_urlsafe(16)
        files = BrokerFiles(self.folder / "broker", free_port(), "hub",
                            {"hub": hub_password, **passwords})  # fmt: skip
        files.write()
        self.broker = MosquittoProcess(files)
        self.broker.start()
        self._start_hub(hub_password, list(passwords))
        self._start_workers(passwords)

    def _start_hub(self, password: str, node_ids: list[str]) -> None:
        assert self.broker is not None
        database_url = f"sqlite:///{self.folder / 'hub.db'}"
        database = open_database(database_url)
        try:
            seed(database, plan(datetime.now(UTC)))
            with database.transaction() as db:
                for number, node_id in enumerate(node_ids, start=1):
                    repo.assign_node(db, node_id, f"room-{number:03d}")
                self.token = create_staff_token(db, "bench")
        finally:
            database.dispose()
        port = free_port()
        self.hub_url = f"http://127.0.0.1:{port}"
        config = self.folder / "hub.toml"
        config.write_text(
            f'database_url = "{database_url}"\npublic_url = "{self.hub_url}"\n'
            f'listen_port = {port}\n[broker]\nhost = "127.0.0.1"\n'
            f'port = {self.broker.port}\nusername = "hub"\npassword = "{password}"\n'
        )
        self.hub = subprocess.Popen(
            [sys.executable, "-m", "shared.cli", "--log-level", "WARNING", "hub",
             "--config", str(config)],
            stdout=subprocess.DEVNULL, stderr=(self.folder / "hub.log").open("wb"),
            env=os.environ.copy(),
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{self.hub_url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def _start_workers(self, passwords: dict[str, str]) -> None:
        assert self.broker is not None
        entries = [
            {"node_id": node_id, "room_id": f"room-{n:03d}", "password": password,
             "panel": PANELS[n % len(PANELS)]}
            for n, (node_id, password) in enumerate(passwords.items(), start=1)
        ]  # fmt: skip
        for index in range(WORKERS):
            spec = {
                "host": "127.0.0.1", "port": self.broker.port,
                "state_dir": str(self.folder / "nodes"), "nodes": entries[index::WORKERS],
            }  # fmt: skip
            path = self.folder / f"worker-{index}.json"
            path.write_text(json.dumps(spec))
            worker = subprocess.Popen(
                [sys.executable, "-m", "benchmarks.fleet_worker", str(path)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=(self.folder / f"worker-{index}.log").open("wb"), text=True,
            )  # fmt: skip
            assert worker.stdout is not None
            threading.Thread(target=self.frames.read, args=(worker.stdout,), daemon=True).start()
            self.workers.append(worker)
        for _ in self.workers:
            if self.frames.ready.get(timeout=300) != "ready":
                raise RuntimeError("a worker's doors did not start")

    def stop(self) -> None:
        for worker in self.workers:
            if worker.stdin:
                worker.stdin.close()
        for worker in self.workers:
            try:
                worker.wait(60)
            except subprocess.TimeoutExpired:
                worker.kill()
        if self.hub is not None:
            self.hub.terminate()
            self.hub.wait(30)
        if self.broker is not None:
            self.broker.stop()


def measure(fleet: Fleet, result: Result) -> list[float]:
    headers = {"Authorization": f"Bearer {fleet.token}"}
    with httpx.Client(base_url=fleet.hub_url, headers=headers, timeout=30) as api:
        sessions = current_sessions(api)
        rooms = sorted(sessions)
        time.sleep(2.0)
        for number in range(WARM_UP):  # first requests warm the hub's caches; not counted
            room = rooms[number]
            api.patch(f"/api/v1/sessions/{sessions[room]}", json={"title": f"Warm-up {number}"})
        time.sleep(1.0)
        fleet.frames.drain()
        for number in range(EDITS):
            room = rooms[(number * 7) % len(rooms)]
            sent = time.monotonic()
            api.patch(f"/api/v1/sessions/{sessions[room]}",
                      json={"title": f"Edit {number}"}).raise_for_status()  # fmt: skip
            drawn = fleet.frames.wait_rooms({room}, sent)
            result.send_to_frame.append(drawn[room] - sent)
        time.sleep(1.0)
        fleet.frames.drain()
        sent = time.monotonic()
        notice = {"text": "Lightning talks at 17:00 in Hall A"}
        api.post("/api/v1/announcements", json=notice).raise_for_status()
        print(f"announcement answered after {time.monotonic() - sent:.2f} s", file=sys.stderr)
        drawn = fleet.frames.wait_rooms(set(rooms), sent)
    return [moment - sent for moment in drawn.values()]


def run() -> str:
    result = Result()
    with tempfile.TemporaryDirectory(prefix="openspaces-fleet-") as name:
        fleet = Fleet(Path(name))
        try:
            fleet.start()
            site_wide = measure(fleet, result)
            assert fleet.broker is not None
            measure_round_trips(fleet.broker, result)
        finally:
            fleet.stop()
    body = "\n".join(
        [
            f"{DOORS} door nodes (one per room, mixed panels) in {WORKERS} processes, a real "
            "Mosquitto, `openspaces hub` as its own process; all on this machine.",
            "",
            "| what | figures | bar |",
            "|---|---|---|",
            f"| one-room edit: API call → that door's frame drawn | "
            f"{summary_ms(result.send_to_frame)} | p99 ≤ 100 ms |",
            f"| site-wide announcement: API call → door's frame drawn, over all {DOORS} doors | "
            f"{summary_ms(site_wide)} | every door ≤ 3 s |",
            f"| raw broker round trip (QoS 1, publish → deliver) | "
            f"{summary_ms(result.round_trips)} | |",
            "",
            "The site-wide figure includes all 200 doors rendering on the same two cores; on "
            "real doors each renders on its own Pi in parallel.",
        ]
    )
    write_section("Fleet of 200 doors", body)
    return body


if __name__ == "__main__":
    print(run())
