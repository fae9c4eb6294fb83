"""The hub's HTTP throughput: the public board page and ``/schedule.json`` under 50 concurrent
clients, measured with ``wrk`` (Debian's package) against ``openspaces hub`` as its own process,
serving the demo's sample event from SQLite."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from benchmarks.report import write_section
from hub.demo.sample import sample_plan
from hub.demo.seed import seed
from hub.mqtt.mosquitto import free_port
from hub.storage.db import open_database

CONNECTIONS = 50
SECONDS = 10
PATHS = ("/", "/schedule.json")


def start_hub(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    database_url = f"sqlite:///{folder / 'hub.db'}"
    database = open_database(database_url)
    try:
        seed(database, sample_plan(datetime.now(UTC), "UTC"))
    finally:
        database.dispose()
    port = free_port()
    config = folder / "hub.toml"
    config.write_text(
        f'database_url = "{database_url}"\npublic_url = "http://127.0.0.1:{port}"\n'
        f"listen_port = {port}\n"
    )
    hub = subprocess.Popen(
        [sys.executable, "-m", "shared.cli", "--log-level", "WARNING", "hub",
         "--config", str(config)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy(),
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return hub, url
        except httpx.HTTPError:
            time.sleep(0.1)
    hub.kill()
    raise RuntimeError("the hub did not start")


def wrk(url: str) -> tuple[float, str, str, int]:
    """Requests per second, p50 and p99 latency, and the count of non-2xx answers."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", url],
        capture_output=True, text=True, check=True, timeout=SECONDS + 60,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"50%\s+(\S+)", out).group(1)  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+(\S+)", out).group(1)  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rps, p50, p99, int(errors.group(1)) if errors else 0


def run() -> str:
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed: apt-get install wrk")
    rows = ["| page | requests/s | p50 | p99 | non-2xx |", "|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory(prefix="openspaces-http-bench-") as name:
        hub, url = start_hub(Path(name))
        try:
            for path in PATHS:
                httpx.get(url + path, timeout=10).raise_for_status()
                rps, p50, p99, errors = wrk(url + path)
                rows.append(f"| `{path}` | {rps:.0f} | {p50} | {p99} | {errors} |")
        finally:
            hub.terminate()
            hub.wait(30)
    body = (
        f"`wrk -t2 -c{CONNECTIONS} -d{SECONDS}s` against `openspaces hub` (one uvicorn worker, "
        "SQLite, the demo's sample event: 5 rooms, 3 days), client and server on the same "
        "2 cores.\n\n" + "\n".join(rows)
    )
    write_section("Hub HTTP throughput", body)
    return body


if __name__ == "__main__":
    print(run())
