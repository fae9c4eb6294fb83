"""Fixtures shared by every test: a real Mosquitto on a free port with its own config."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from hub.mqtt.mosquitto import BrokerError, BrokerFiles, MosquittoProcess, free_port
from hub.storage.db import Database

HUB_USER = "hub"

#: Hypothesis without its clocks: the per-example deadline and the "too slow" health check are
#: timed assertions, which fail at random on a shared 2-core machine (benchmarks measure time).
settings.register_profile("openspaces", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("openspaces")

#: A database unit of work opened inside another on one thread fails the test that does it.
Database.strict_nesting = True


@dataclass
class Broker:
    """A running Mosquitto with password auth and the product's ACL.

    ``hub_password`` belongs to the hub user; :meth:`add_node` provisions a node user
    (username = node id) and reloads the broker.
    """

    process: MosquittoProcess
    files: BrokerFiles
    hub_user: str
    hub_password: str

    @property
    def host(self) -> str:
        return self.process.host

    @property
    def port(self) -> int:
        return self.process.port

    def add_node(self, node_id: str) -> str:
        password = secrets.token_urlsafe(16)
        self.files.add_user(node_id, password)
        self.process.reload()
        return password


def start_broker(folder: Path, attempts: int = 5) -> Broker:
    """Start a broker on a free port; retry on another port if one was taken meanwhile."""
    hub_password = secrets.token_urlsafe(16)
    for attempt in range(attempts):
        files = BrokerFiles(folder, free_port(), HUB_USER, {HUB_USER: hub_password})
        files.write()
        process = MosquittoProcess(files)
        try:
            process.start()
        except BrokerError:
            if attempt == attempts - 1:
                raise
            continue
        return Broker(process, files, HUB_USER, hub_password)
    raise AssertionError("unreachable")


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    """A fresh Mosquitto for one test, stopped (and its files removed) afterwards."""
    running = start_broker(tmp_path / "mosquitto")
    try:
        yield running
    finally:
        running.process.kill()
