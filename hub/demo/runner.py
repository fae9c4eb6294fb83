"""Running the demo: a private Mosquitto, the hub, simulated door nodes and the simulator page.

:class:`Demo` starts the parts in order and stops them in reverse. Each door node runs
in-process with its own gpiozero ``MockFactory``, so "pressing" a door drives the real
``Button`` on its mock pin, exactly as a test does.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import shutil
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import uvicorn
from gpiozero.pins.mock import MockFactory

from hub.access.staff import set_staff_password
from hub.access.tokens import create_staff_token
from hub.app import create_app
from hub.demo import DemoError
from hub.demo.sample import sample_plan
from hub.demo.seed import register_nodes, seed
from hub.demo.simulator import DoorSimulator, SimulatedDoor
from hub.http.serving import uvicorn_config
from hub.mqtt.mosquitto import BrokerFiles, MosquittoProcess, free_port
from hub.settings import BrokerSettings, HubSettings
from hub.storage.db import open_database
from hub.storage.private_files import write_private
from shared.clock import SystemClock
from shared.render.panels import PANELS, Panel
from signage_node.app import Node
from signage_node.config import BrokerSettings as NodeBroker
from signage_node.config import NodeSettings
from signage_node.display import Display, PngDisplay

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
HUB_USER = "hub"
STAFF_USER = "staff"
#: Panels the simulated doors cycle through, largest first, to show the range.
DEMO_PANELS = (
    "impression-7.3-spectra6",
    "what-ssd1683-red",
    "impression-5.7-7colour",
    "phat-ssd1608-red",
    "impression-13.3-spectra6",
)


DisplayFactory = Callable[[Panel, Path], Display]


@dataclass(frozen=True)
class DemoOptions:
    out: Path
    port: int = 8000
    nodes: int | None = None
    timezone: str = "UTC"
    #: The hub's heartbeat and the nodes' keepalive; tests of outages shorten them.
    heartbeat_s: float = 10.0
    node_keepalive_s: int = 15


@dataclass
class SimulatedNode:
    node_id: str
    room_id: str
    panel: str
    frame: Path
    node: Node
    pins: MockFactory
    button_pin: int

    def press(self) -> None:
        """Press and release the door's button (the real gpiozero Button on its mock pin)."""
        pin = self.pins.pin(self.button_pin)
        pin.drive_low()
        time.sleep(0.05)
        pin.drive_high()


@dataclass
class Demo:
    options: DemoOptions
    #: Makes each door's display; benchmarks wrap the PNG display to time frames.
    display_factory: DisplayFactory = PngDisplay
    broker: MosquittoProcess | None = None
    server: uvicorn.Server | None = None
    server_thread: threading.Thread | None = None
    simulator: DoorSimulator | None = None
    nodes: list[SimulatedNode] = field(default_factory=list)
    staff_token: str = ""
    staff_password: str = ""
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def hub_url(self) -> str:
        return f"http://{HOST}:{self.options.port}"

    def start(self) -> None:
        """Start every part; on failure, stop what had started and raise :class:`DemoError`."""
        if not _port_free(self.options.port):
            raise DemoError(f"port {self.options.port} is in use: choose another with --port")
        try:
            self._start_all()
        except BaseException:
            self.stop()
            raise

    def _start_all(self) -> None:
        out = self.options.out
        _fresh(out)
        hub_password = secrets.token_urlsafe(18)
        node_ids = [f"door-{n + 1}" for n in range(self._node_count())]
        node_passwords = {node_id: secrets.token_urlsafe(18) for node_id in node_ids}
        self._start_broker(out / "mosquitto", hub_password, node_passwords)
        self._start_hub(out, hub_password, node_ids)
        self._start_nodes(out, node_passwords)
        self._start_simulator()
        self._write_info(out)

    def _node_count(self) -> int:
        plan_rooms = len(sample_plan(datetime.now(UTC), self.options.timezone).rooms)
        return plan_rooms if self.options.nodes is None else self.options.nodes

    def _start_broker(self, folder: Path, hub_password: str, nodes: dict[str, str]) -> None:
        files = BrokerFiles(folder, free_port(HOST), HUB_USER, {HUB_USER: hub_password, **nodes})
        files.write()
        self.broker = MosquittoProcess(files)
        self.broker.start()

    def _start_hub(self, out: Path, hub_password: str, node_ids: list[str]) -> None:
        assert self.broker is not None
        settings = HubSettings(
            database_url=f"sqlite:///{out / 'hub.db'}",
            broker=BrokerSettings(
                host=HOST, port=self.broker.port, username=HUB_USER, password=hub_password
            ),
            public_url=self.hub_url,
            heartbeat_s=self.options.heartbeat_s,
            listen_host=HOST,
            listen_port=self.options.port,
        )
        database = open_database(settings.database_url)
        try:
            seed(database, sample_plan(datetime.now(UTC), self.options.timezone))
            register_nodes(database, self._placements(node_ids))
            with database.transaction() as db:
                self.staff_token = create_staff_token(db, "demo")
                self.staff_password = secrets.token_urlsafe(12)
                set_staff_password(db, STAFF_USER, self.staff_password)
        finally:
            database.dispose()
        config = uvicorn_config(create_app(settings), settings, log_level="warning")
        self.server = uvicorn.Server(config)
        self.server_thread = threading.Thread(target=self.server.run, name="hub-http")
        self.server_thread.start()
        _wait_for(lambda: self.server is not None and self.server.started, "the hub", 30)

    def _start_nodes(self, out: Path, passwords: dict[str, str]) -> None:
        assert self.broker is not None
        placements = self._placements(list(passwords))
        rooms = {room_id for _, room_id, _ in placements}
        for index, (node_id, room_id, panel) in enumerate(placements):
            password = passwords[node_id]
            frame = out / "doors" / f"{room_id}.png"
            if index >= len(rooms):
                frame = out / "doors" / f"{room_id}-{node_id}.png"
            settings = NodeSettings(
                node_id=node_id,
                room_id=room_id,
                panel=panel,
                broker=NodeBroker(
                    host=HOST,
                    port=self.broker.port,
                    password=password,
                    keepalive_s=self.options.node_keepalive_s,
                ),
                display="png",
                png_path=frame,
                state_dir=out / "nodes" / node_id,
                clock_sync_flag=None,  # simulated doors trust this machine's clock
            )
            pins = MockFactory()
            node = Node(
                settings, clock=SystemClock(), display=self.display_factory(PANELS[panel], frame),
                pin_factory=pins,
            )  # fmt: skip
            node.start()
            self.nodes.append(
                SimulatedNode(node_id, room_id, panel, frame, node, pins, settings.button_pin)
            )

    def _placements(self, node_ids: list[str]) -> list[tuple[str, str, str]]:
        """(node id, room id, panel) of each simulated door: rooms in turn, panels in turn."""
        rooms = [r.id for r in sample_plan(datetime.now(UTC), self.options.timezone).rooms]
        panels = [p for p in DEMO_PANELS if p in PANELS] or sorted(PANELS)
        return [
            (node_id, rooms[index % len(rooms)], panels[index % len(panels)])
            for index, node_id in enumerate(node_ids)
        ]

    def _start_simulator(self) -> None:
        doors = [SimulatedDoor(n.node_id, n.room_id, n.panel, n.frame, n.press) for n in self.nodes]
        port = self.options.port + 1 if _port_free(self.options.port + 1) else 0
        self.simulator = DoorSimulator(doors, self.hub_url + "/", HOST, port)
        self.simulator.start()

    def _write_info(self, out: Path) -> None:
        assert self.broker is not None
        assert self.simulator is not None
        self.info = {
            "hub_url": self.hub_url,
            "staff_token": self.staff_token,
            "staff_login": {"username": STAFF_USER, "password": self.staff_password},
            "broker": {"host": HOST, "port": self.broker.port},
            "simulator_url": self.simulator.url,
            "nodes": [
                {"node_id": n.node_id, "room_id": n.room_id, "panel": n.panel,
                 "frame": str(n.frame)}
                for n in self.nodes
            ],
        }  # fmt: skip
        write_private(out / "demo.json", json.dumps(self.info, indent=2) + "\n")

    def wait_for_frames(self, timeout: float = 30.0) -> bool:
        """Wait until every door has applied a snapshot from the hub and drawn it."""
        deadline = time.monotonic() + timeout

        def applied(simulated: SimulatedNode) -> bool:
            status = simulated.node.last_status
            return status is not None and status.applied_version is not None

        while not all(applied(n) for n in self.nodes):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return all(n.node.settle(max(0.1, deadline - time.monotonic())) for n in self.nodes)

    def stop(self) -> None:
        """Stop everything that started, in reverse order; safe to call more than once."""
        if self.simulator is not None:
            self.simulator.stop()
            self.simulator = None
        for simulated in self.nodes:
            simulated.node.stop()
            simulated.pins.close()
        self.nodes.clear()
        if self.server is not None and self.server_thread is not None:
            self.server.should_exit = True
            self.server_thread.join(timeout=15)
            self.server = None
        if self.broker is not None:
            self.broker.stop()
            self.broker = None


def local_timezone() -> str:
    """This machine's IANA time zone name, or "UTC" when it cannot be told."""
    configured = os.environ.get("TZ", "").lstrip(":")
    candidates = [configured] if configured else []
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text().strip())
    link = Path("/etc/localtime")
    if link.is_symlink():
        candidates.append(str(link.readlink()).split("zoneinfo/", 1)[-1])
    for name in candidates:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            continue
        return name
    return "UTC"


def _fresh(out: Path) -> None:
    """Start from an empty demo folder, keeping nothing of an earlier run."""
    for name in ("hub.db", "hub.db-wal", "hub.db-shm", "demo.json"):
        (out / name).unlink(missing_ok=True)
    for folder in ("mosquitto", "doors", "nodes"):
        shutil.rmtree(out / folder, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
        return True


def _wait_for(ready: Callable[[], bool], what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise DemoError(f"{what} did not start within {timeout:.0f} s")
        time.sleep(0.05)
