"""docs/first-event.md, run as written: from an empty hub to a visitor's card on a door.

Every ``sh`` block of the guide runs, in order, in bash (``set -euo pipefail``; variables carry
from one block to the next). What the guide does on real machines, the test does here:

- ``install-hub.sh`` → a real Mosquitto from the tests' fixture (password file, per-node ACL),
  and ``hub.toml`` as the install writes it (SQLite file, broker user ``hub``, its password in
  the environment as ``hub.env`` gives it). The guide's ``/etc/openspaces/hub.toml`` and
  ``https://hub.example.org`` stand for those; ``openspaces`` is the project's command, and
  ``provision-node`` gets the test broker's folder, pid file and port (the install's defaults
  are ``/etc/mosquitto/openspaces`` and 1883).
- ``systemctl restart openspaces-hub`` → a real ``openspaces hub`` process (re)started.
- copying ``node.toml`` to a Pi and ``install-node.sh`` → a real ``openspaces node`` process with
  that file, drawing PNGs (``display = "png"``) on gpiozero's mock pins.
- The programme's URL → a loopback server serving a small programme: one 90-minute talk in
  "Room 250B" at 14:00 on the first day, one in a room the event does not have.

The hub, the node and every command run with their clock at 11:30 on 2027-05-15 in New York
(libfaketime, a fixed offset from now, so all of them agree), the guide's "now".
"""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from hub.mqtt.mosquitto import free_port
from tests.conftest import Broker

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "first-event.md"
FAKETIME_LIB = next(Path("/usr/lib").glob("*/faketime/libfaketime.so.1"), Path("libfaketime.so.1"))
#: The guide's "now": 11:30 in New York on the event's first day.
GUIDE_NOW = datetime(2027, 5, 15, 15, 30, tzinfo=UTC)
PROGRAMME_URL = "https://pretalx.example.org/pycon2027/schedule/export/schedule.json"


def blocks(text: str) -> list[tuple[str, str]]:
    """The guide's fenced blocks, in order: ``(language, body)``."""
    return [(m[1], m[2]) for m in re.finditer(r"^```(\w+)\n(.*?)^```$", text, re.M | re.S)]


def programme() -> dict[str, object]:
    """A pretalx-shaped schedule.json with two talks on the event's first day."""

    def talk(guid: str, room: str, title: str) -> dict[str, object]:
        return {
            "guid": guid, "id": int(guid[-1]), "date": "2027-05-15T14:00:00-04:00",
            "start": "14:00", "duration": "01:30", "room": room, "slug": f"pycon-{guid[-1]}",
            "url": f"https://pretalx.example.org/talk/{guid[-1]}", "title": title,
            "subtitle": "", "track": None, "type": "Talk", "language": "en", "abstract": "",
            "description": "", "logo": "", "persons": [], "links": [], "attachments": [],
            "recording_license": "", "do_not_record": False,
        }  # fmt: skip

    rooms = {
        "Room 250B": [talk("8d5ee1a0-0000-4000-8000-000000000001", "Room 250B", "Sprints intro")],
        "Hall A": [talk("8d5ee1a0-0000-4000-8000-000000000002", "Hall A", "Keynote")],
    }
    day = {"index": 1, "date": "2027-05-15", "day_start": "2027-05-15T09:00:00-04:00",
           "day_end": "2027-05-15T19:00:00-04:00", "rooms": rooms}  # fmt: skip
    conference = {
        "acronym": "pycon2027", "title": "PyCon US 2027", "start": "2027-05-15",
        "end": "2027-05-15", "daysCount": 1, "timeslot_duration": "00:30",
        "time_zone_name": "America/New_York", "url": "https://pretalx.example.org/pycon2027/",
        "rooms": [{"name": "Room 250B"}, {"name": "Hall A"}], "days": [day],
    }  # fmt: skip
    return {"$schema": "https://c3voc.de/schedule/schema.json", "generator": {"name": "pretalx"},
            "schedule": {"version": "1.0", "base_url": "https://pretalx.example.org/",
                         "conference": conference}}  # fmt: skip


class _Programme(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps(programme()).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test's output is the guide's."""


@pytest.fixture
def programme_url() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Programme)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/schedule.json"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Machine:
    """The hub machine (and the door) the guide is followed on."""

    folder: Path
    broker: Broker
    programme_url: str
    port: int = field(default_factory=free_port)
    hub: subprocess.Popen[bytes] | None = None
    node: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def config(self) -> Path:
        return self.folder / "etc" / "hub.toml"

    def environment(self) -> dict[str, str]:
        """This machine's environment: the fixed clock, the hub's broker password, no leaks."""
        offset = int((GUIDE_NOW - datetime.now(UTC)).total_seconds())
        keep = {k: v for k, v in os.environ.items() if not k.startswith("OPENSPACES_")}
        return keep | {
            "LD_PRELOAD": str(FAKETIME_LIB), "FAKETIME": f"{offset:+d}",
            "FAKETIME_DONT_FAKE_MONOTONIC": "1", "FAKETIME_NO_CACHE": "1",
            "OPENSPACES_HUB_BROKER_PASSWORD": self.broker.hub_password,
            "PATH": f"{Path(sys.executable).parent}:{keep.get('PATH', '')}",
        }  # fmt: skip

    def write_hub_config(self) -> None:
        """What install-hub.sh writes to /etc/openspaces/hub.toml."""
        self.config.parent.mkdir(parents=True)
        self.config.write_text(
            f'database_url = "sqlite:///{self.folder / "var" / "hub.db"}"\n'
            f'public_url = "{self.url}"\nlisten_port = {self.port}\n'
            f'[broker]\nhost = "{self.broker.host}"\nport = {self.broker.port}\n'
            f'username = "{self.broker.hub_user}"\n'
        )
        (self.folder / "mosquitto.pid").write_text(f"{self.broker.process.pid}\n")

    def restart_hub(self) -> None:
        self.stop(self.hub)
        self.hub = self._start(["hub", "--config", str(self.config)], "hub.log")
        deadline = time.monotonic() + 60
        while True:
            assert self.hub.poll() is None, (self.folder / "hub.log").read_text()
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).json()["broker"] == "connected":
                    return
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, (self.folder / "hub.log").read_text()
            time.sleep(0.1)

    def start_node(self, node_toml: Path) -> None:
        """What install-node.sh starts on the Pi, drawing PNGs instead of the panel."""
        state = self.folder / "door"
        extra = {"OPENSPACES_NODE_DISPLAY": "png", "OPENSPACES_NODE_STATE_DIR": str(state)}
        args = ["node", "--config", str(node_toml), "--mock-gpio"]
        self.node = self._start(args, "node.log", extra)

    def _start(
        self, args: list[str], log: str, extra: dict[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        with (self.folder / log).open("ab") as sink:
            return subprocess.Popen(
                [sys.executable, "-m", "shared.cli", *args], cwd=self.folder,
                env=self.environment() | (extra or {}), stdout=sink, stderr=subprocess.STDOUT,
            )  # fmt: skip

    @staticmethod
    def stop(process: subprocess.Popen[bytes] | None) -> None:
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def prelude(self) -> str:
        """The shell the guide's blocks run in."""
        openspaces = shutil.which("openspaces", path=str(Path(sys.executable).parent))
        broker = self.broker.files.folder
        return (
            "set -euo pipefail\nset -a\n"
            "[ -f state.sh ] && source state.sh\n"
            "openspaces() {\n"
            f'  if [ "$1" = provision-node ]; then "{openspaces}" "$@" --broker-dir "{broker}"'
            f' --pid-file "{self.folder / "mosquitto.pid"}" --broker-port {self.broker.port}\n'
            f'  else "{openspaces}" "$@"; fi\n'
            "}\n"
        )

    def substitute(self, text: str) -> str:
        text = text.replace("/etc/openspaces/hub.toml", str(self.config))
        text = text.replace("https://hub.example.org", self.url)
        text = text.replace(PROGRAMME_URL, self.programme_url)
        return text.replace("hub.example.org", self.broker.host)

    def run_block(self, body: str) -> str:
        script = self.prelude() + self.substitute(body) + "\nexport -p > state.sh\n"
        done = subprocess.run(
            ["bash", "-c", script], cwd=self.folder, env=self.environment(),
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, f"{body}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
        return done.stdout

    def act(self, console: str) -> None:
        """The equivalent of a ``console`` block that changes what runs."""
        if "install-hub.sh" in console:
            self.write_hub_config()
            self.restart_hub()
        elif "systemctl restart openspaces-hub" in console:
            self.restart_hub()
        elif "install-node.sh" in console:
            (node_toml,) = re.findall(r"--node-config (\S+?)'?$", console, re.M)
            self.start_node(self.folder / node_toml)


@pytest.fixture
def machine(tmp_path: Path, broker: Broker, programme_url: str) -> Iterator[Machine]:
    if not FAKETIME_LIB.exists():
        pytest.fail("libfaketime.so.1 is missing: install Debian's libfaketime (system-deps.sh)")
    running = Machine(tmp_path, broker, programme_url)
    try:
        yield running
    finally:
        running.stop(running.node)
        running.stop(running.hub)


@pytest.mark.timeout(480)
def test_the_first_event_guide_runs_as_written(machine: Machine) -> None:
    for language, body in blocks(GUIDE.read_text(encoding="utf-8")):
        if language == "sh":
            machine.run_block(body)
        else:
            machine.act(body)
    assert machine.node is not None, "the guide never started a door"
    board = httpx.get(f"{machine.url}/").text
    assert "Typing the untypable" in board
    assert "Sprints intro" in board  # the programme's talk blocks Room 250B
    frame = machine.folder / "door" / "frame.png"
    assert frame.exists(), (machine.folder / "node.log").read_text()
    preview = (machine.folder / "door-250a.png").read_bytes()
    assert preview.startswith(b"\x89PNG")
