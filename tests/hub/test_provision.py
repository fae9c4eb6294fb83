"""``openspaces provision-node`` against a real Mosquitto: create, rotate, revoke, refuse."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from hub import repo
from hub.mqtt.mosquitto import PasswordFile
from hub.storage.db import open_database
from shared import wire
from shared.cli import main
from shared.topics import Topics
from signage_node.config import load_node_config
from tests.conftest import Broker
from tests.hub import mqtt_sessions
from tests.hub.conftest import seed, wait_until
from tests.hub.mqtt_sessions import connect

TOPICS = Topics()


def accepted(broker: Broker, username: str, password: str) -> bool:
    return mqtt_sessions.accepted(broker.host, broker.port, username, password)


def wait_until_login(broker: Broker, username: str, password: str, ok: bool) -> None:
    mqtt_sessions.wait_until_login(broker.host, broker.port, username, password, ok)


@pytest.fixture
def pid_file(broker: Broker, tmp_path: Path) -> Path:
    """The broker's pid, where a Debian Mosquitto would write it."""
    path = tmp_path / "mosquitto.pid"
    path.write_text(f"{broker.process.pid}\n")
    return path


@pytest.fixture
def provision(broker: Broker, pid_file: Path, tmp_path: Path) -> Any:
    """Runs ``openspaces provision-node NODE --broker-dir ... --pid-file ... ARGS``."""

    def run(node_id: str, *args: str) -> int:
        return main([
            "provision-node", node_id, "--broker-dir", str(broker.files.folder),
            "--pid-file", str(pid_file), "--broker-host", broker.host,
            "--broker-port", str(broker.port), "--display", "png",
            "--out", str(tmp_path / f"{node_id}.toml"), *args,
        ])  # fmt: skip

    return run


def node_password(tmp_path: Path, node_id: str) -> str:
    settings = load_node_config(tmp_path / f"{node_id}.toml", {})
    assert settings.broker.password is not None
    return settings.broker.password


def status(node_id: str) -> bytes:
    return wire.encode(wire.NodeStatus(node_id=node_id, state="online", room_id="room-a"))


def test_a_provisioned_node_publishes_its_own_status_and_nothing_else(
    broker: Broker, provision: Any, tmp_path: Path
) -> None:
    assert provision("door-7", "--room", "room-a") == 0
    settings = load_node_config(tmp_path / "door-7.toml", {})
    assert (settings.node_id, settings.room_id, settings.broker_username) == (
        "door-7", "room-a", "door-7",
    )  # fmt: skip
    assert (settings.broker.host, settings.broker.port) == (broker.host, broker.port)
    assert stat.S_IMODE((tmp_path / "door-7.toml").stat().st_mode) == 0o600
    assert broker.files.folder.joinpath("acl").read_text().count("door-7") == 0

    hub = connect(
        broker.host, broker.port, broker.hub_user, broker.hub_password, TOPICS.all_node_statuses()
    )
    door = connect(broker.host, broker.port, "door-7", node_password(tmp_path, "door-7"))
    try:
        assert door.accepted
        assert not door.publish(TOPICS.node_status("door-7"), status("door-7")).is_failure
        assert door.publish(TOPICS.node_status("door-8"), status("door-8")).value == 135
        wait_until(lambda: any(m.topic == TOPICS.node_status("door-7") for m in hub.received))
        assert all(m.topic != TOPICS.node_status("door-8") for m in hub.received)
    finally:
        door.close()
        hub.close()


def test_an_existing_id_asks_for_rotate(
    broker: Broker, provision: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert provision("door-1", "--room", "room-a") == 0
    before = (broker.files.folder / "passwd").read_text()
    assert provision("door-1", "--room", "room-a") == 2
    assert "--rotate" in capsys.readouterr().err
    assert (broker.files.folder / "passwd").read_text() == before


def test_a_rotated_password_stops_the_old_one(
    broker: Broker, provision: Any, tmp_path: Path
) -> None:
    assert provision("door-2", "--room", "room-a") == 0
    old = node_password(tmp_path, "door-2")
    wait_until_login(broker, "door-2", old, ok=True)
    assert provision("door-2", "--room", "room-a", "--rotate") == 0
    new = node_password(tmp_path, "door-2")
    assert new != old
    wait_until_login(broker, "door-2", old, ok=False)
    assert accepted(broker, "door-2", new)
    assert accepted(broker, broker.hub_user, broker.hub_password)


def test_a_revoked_node_cannot_connect(broker: Broker, provision: Any, tmp_path: Path) -> None:
    assert provision("door-3", "--room", "room-a") == 0
    password = node_password(tmp_path, "door-3")
    wait_until_login(broker, "door-3", password, ok=True)
    assert provision("door-3", "--revoke") == 0
    wait_until_login(broker, "door-3", password, ok=False)
    assert "door-3" not in PasswordFile(broker.files.folder / "passwd")
    assert broker.hub_user in PasswordFile(broker.files.folder / "passwd")


@pytest.mark.parametrize("node_id", ["door+1", "#", "door/1", "door 1", "$SYS", "a" * 65, "hub"])
def test_names_that_could_act_as_wildcards_or_the_hub_are_refused(
    broker: Broker, provision: Any, tmp_path: Path, node_id: str,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    before = (broker.files.folder / "passwd").read_text()
    assert provision(node_id, "--room", "room-a") == 2
    assert "error" in capsys.readouterr().err
    assert (broker.files.folder / "passwd").read_text() == before
    assert not list(tmp_path.glob("*.toml"))


def test_rotating_or_revoking_an_unknown_node_is_refused(
    provision: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert provision("door-4", "--room", "room-a", "--rotate") == 2
    assert provision("door-4", "--revoke") == 2
    assert capsys.readouterr().err.count("no broker credentials") == 2


def test_the_assignment_is_recorded_in_the_hub(
    broker: Broker, provision: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database_url = f"sqlite:///{tmp_path / 'hub.db'}"
    seed(database_url)
    config = tmp_path / "hub.toml"
    config.write_text(f'database_url = "{database_url}"\n')
    assert provision("door-5", "--room", "room-b", "--config", str(config)) == 0
    assert provision("door-6", "--room", "no-such-room", "--config", str(config)) == 2
    assert "no room 'no-such-room'" in capsys.readouterr().err
    assert "door-6" not in PasswordFile(broker.files.folder / "passwd")
    database = open_database(database_url)
    try:
        with database.transaction() as db:
            assert [(n.node_id, n.room_id) for n in repo.list_nodes(db)] == [("door-5", "room-b")]
        assert provision("door-5", "--revoke", "--config", str(config)) == 0
        with database.transaction() as db:
            assert repo.list_nodes(db) == []
    finally:
        database.dispose()


def test_without_a_broker_pid_the_command_says_how_to_reload(
    broker: Broker, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([
        "provision-node", "door-9", "--room", "room-a", "--broker-dir", str(broker.files.folder),
        "--pid-file", str(tmp_path / "missing.pid"), "--out", str(tmp_path / "door-9.toml"),
    ])  # fmt: skip
    assert code == 2
    assert "systemctl reload mosquitto" in capsys.readouterr().err
    assert "door-9" in PasswordFile(broker.files.folder / "passwd")
    assert os.path.exists(tmp_path / "door-9.toml")
