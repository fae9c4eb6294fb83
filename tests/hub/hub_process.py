"""A real hub process (``openspaces hub``) on a free loopback port, for tests that need one.

Its stderr (the hub's log, uvicorn's access log included) goes to a file the test can read;
``rss_kib``/``peak_rss_kib`` read the process's memory from ``/proc``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from hub.mqtt.mosquitto import free_port


@dataclass
class HubProcess:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def status_kib(self, field: str) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
        raise AssertionError(f"no {field} for the hub process")

    def rss_kib(self) -> int:
        return self.status_kib("VmRSS")

    def peak_rss_kib(self) -> int:
        return self.status_kib("VmHWM")

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def hub_process(tmp_path: Path, database_url: str, **settings: object) -> Iterator[HubProcess]:
    """Start ``openspaces hub`` with a config naming ``database_url`` and ``settings``; stop it."""
    port = free_port()
    lines = [f'database_url = "{database_url}"', f"listen_port = {port}"]
    lines += [f"{key} = {_toml(value)}" for key, value in settings.items()]
    config = tmp_path / "hub.toml"
    config.write_text("\n".join(lines) + "\n")
    log = tmp_path / "hub.log"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("OPENSPACES_")}
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "shared.cli", "hub", "--config", str(config)],
            stdout=sink, stderr=subprocess.STDOUT, env=environment,
        )  # fmt: skip
    running = HubProcess(process, port, log)
    try:
        _wait_until_up(running)
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_until_up(running: HubProcess) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert running.process.poll() is None, running.log_text()
        try:
            httpx.get(f"{running.url}/healthz", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"the hub did not start:\n{running.log_text()}")


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)
