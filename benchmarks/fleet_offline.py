"""Fleet: from a door node's death to the staff fleet page showing it offline (issue 5).

Runs the demo's parts (a private Mosquitto, the hub over HTTP, 49 in-process door nodes) plus
one door node as its own process, ``python -m shared.cli node --config FILE --mock-gpio``,
provisioned on the demo's broker and registered at the hub as ``openspaces provision-node``
would. Then, three times each, it signals that process and polls the staff fleet page (logged
in, every :data:`POLL_S`) until the node's card says offline:

* SIGKILL: the process dies; the kernel closes its socket and the broker publishes the node's
  last will (``offline``) at once;
* SIGTERM: a clean stop; the node publishes ``offline`` itself and disconnects;
* SIGSTOP: the process freezes with its socket open, as a Pi that lost power or network looks
  to the broker: the will comes only when the keepalive runs out (about 1.5 × keepalive).

The node keeps its default keepalive (:class:`signage_node.config.BrokerSettings`), reported
with the figures. Between trials the process is started again and waited for online.
"""

from __future__ import annotations

import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from benchmarks.report import summary_ms, write_section
from hub import repo
from hub.demo.runner import HOST, STAFF_USER, Demo, DemoOptions
from hub.mqtt.mosquitto import free_port
from hub.mqtt.provision import NodeFile, node_toml, write_node_file
from hub.storage.db import open_database
from signage_node.config import BrokerSettings as NodeBrokerSettings

IN_PROCESS_NODES = 49
NODE_ID = "door-process"
ROOM = "room-250a"
PANEL = "what-ssd1683-red"
REPEATS = 3
#: How often the fleet page is fetched while waiting (seconds): the figures' resolution.
POLL_S = 0.05
SIGNALS = {
    "SIGKILL (process dies)": signal.SIGKILL,
    "SIGTERM (clean stop)": signal.SIGTERM,
    "SIGSTOP (frozen: power or network lost)": signal.SIGSTOP,
}
_CARD = re.compile(rf'<article class="node (online|offline)[^"]*" id="node-{NODE_ID}"')


@dataclass
class Result:
    to_offline: dict[str, list[float]] = field(default_factory=dict)
    page_loads: list[float] = field(default_factory=list)


class FleetPage:
    """The staff fleet page, fetched by a logged-in client."""

    def __init__(self, demo: Demo, result: Result) -> None:
        self.client = httpx.Client(base_url=demo.hub_url, timeout=10)
        self.result = result
        form = self.client.get("/staff/login").text
        found = re.search(r'name="csrf_token" value="([^"]+)"', form)
        if found is None:
            raise RuntimeError("the login page has no CSRF token")
        answer = self.client.post("/staff/login", data={
            "csrf_token": found.group(1), "username": STAFF_USER,
            "password": demo.staff_password,
        })  # fmt: skip
        if answer.status_code != 303:
            raise RuntimeError(f"staff login failed: {answer.status_code}")

    def node_online(self) -> bool | None:
        """Whether the page shows the process node online (None: not listed)."""
        started = time.perf_counter()
        page = self.client.get("/staff/fleet")
        self.result.page_loads.append(time.perf_counter() - started)
        page.raise_for_status()
        found = _CARD.search(page.text)
        return None if found is None else found.group(1) == "online"

    def close(self) -> None:
        self.client.close()


def provision(demo: Demo, folder: Path) -> Path:
    """Give the process node broker credentials, register it at the hub, write its node.toml."""
    assert demo.broker is not None
    password = secrets.token_urlsafe(18)
    demo.broker.files.add_user(NODE_ID, password)
    demo.broker.reload()
    database = open_database(f"sqlite:///{demo.options.out / 'hub.db'}", migrate=False)
    try:
        with database.transaction() as db:
            repo.assign_node(db, NODE_ID, ROOM, PANEL)
    finally:
        database.dispose()
    options = NodeFile(broker_host=HOST, broker_port=demo.broker.port, panel=PANEL,
                       display="png", state_dir=folder / NODE_ID)  # fmt: skip
    config = folder / "node.toml"
    # This machine's clock is kept by NTP: trusted from the start, as a door synchronised at boot.
    text = node_toml(NODE_ID, ROOM, password, options).replace(
        "\n[broker]", 'clock_sync_flag = ""\n[broker]'
    )
    write_node_file(config, text)
    return config


def start_node(config: Path, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "shared.cli", "--log-level", "WARNING", "node",
               "--config", str(config), "--mock-gpio"]  # fmt: skip
    with log.open("ab") as output:
        return subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, cwd=config.parent)


def wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.perf_counter() + timeout
    while not check():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{what} did not happen within {timeout:.0f} s")
        time.sleep(POLL_S)


def trial(page: FleetPage, config: Path, signum: signal.Signals) -> float:
    """Start the node, wait until the page shows it online, signal it, time until offline."""
    process = start_node(config, config.parent / "node.log")
    try:
        wait_for(lambda: page.node_online() is True, 60, "the node coming online")
        sent = time.perf_counter()
        process.send_signal(signum)
        wait_for(lambda: page.node_online() is False, 120, "the page showing the node offline")
        return time.perf_counter() - sent
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGCONT)
            process.kill()
        process.wait(30)


def measure(demo: Demo, config: Path, result: Result) -> None:
    page = FleetPage(demo, result)
    try:
        for name, signum in SIGNALS.items():
            result.to_offline[name] = [trial(page, config, signum) for _ in range(REPEATS)]
    finally:
        page.close()


def run() -> str:
    """Run the benchmark; return the report section (also written to docs/benchmarks.md)."""
    result = Result()
    with tempfile.TemporaryDirectory(prefix="openspaces-bench-") as folder:
        root = Path(folder)
        demo = Demo(DemoOptions(root / "demo", port=free_port(), nodes=IN_PROCESS_NODES))
        demo.start()
        try:
            if not demo.wait_for_frames(120):
                raise RuntimeError("the doors did not start")
            measure(demo, provision(demo, root), result)
        finally:
            demo.stop()
    body = _report(result)
    write_section("Fleet: node death to offline on the fleet page", body)
    return body


def _report(result: Result) -> str:
    keepalive = NodeBrokerSettings.model_fields["keepalive_s"].default
    rows = [
        f"| {name} | {statistics.median(times):.2f} s | {max(times):.2f} s "
        f"| {', '.join(f'{t:.2f}' for t in times)} |"
        for name, times in result.to_offline.items()
    ]
    return "\n".join(
        [
            f"{IN_PROCESS_NODES + 1} door nodes connected ({IN_PROCESS_NODES} in the hub's "
            "process, one as its own `openspaces node` process). The process node is signalled "
            f"{REPEATS} times per row; the time runs from the signal to the logged-in staff "
            f"fleet page (`/staff/fleet`, fetched every {POLL_S * 1000:.0f} ms) showing it "
            f"offline. Node MQTT keepalive: {keepalive} s (the default).",
            "",
            "| how the node stopped | median | max | each run |",
            "|---|---|---|---|",
            *rows,
            "",
            f"Fleet page load while polling: {summary_ms(result.page_loads)}.",
            "",
            "A killed process has its socket closed by the kernel, so the broker sends the "
            "node's last will at once; a clean stop sends `offline` itself. A door whose power "
            "or network goes away leaves its connection half-open, and the broker sends the "
            "will once the keepalive has run out: that row is the one to expect in the field. "
            "The page's alert follows after the hub's `fleet_alert_after_s` (default 180 s).",
        ]
    )


if __name__ == "__main__":
    print(run())
