"""deploy/mosquitto/ and hub/mqtt/mosquitto.py (the demo's and the tests' broker) agree on
security."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.mqtt.mosquitto import MAX_PACKET_BYTES, acl_text, config_text
from tests.deploy.conftest import DEPLOY

#: Directives whose values must be the same in production and in the generated config.
SAME_VALUE = (
    "per_listener_settings",
    "allow_anonymous",
    "max_packet_size",
    "persistence",
    "autosave_interval",
    "use_username_as_clientid",
    "connection_messages",
)
#: Directives that must be present in both (their paths differ).
PRESENT = ("password_file", "acl_file", "listener")


def directives(text: str) -> list[tuple[str, str]]:
    """(name, value) of every directive line, in order."""
    lines = (line.strip() for line in text.splitlines())
    pairs = (line.partition(" ") for line in lines if line and not line.startswith("#"))
    return [(name, value.strip()) for name, _, value in pairs]


@pytest.fixture(params=["deploy", "generated"])
def config(request: pytest.FixtureRequest, tmp_path: Path) -> list[tuple[str, str]]:
    if request.param == "deploy":
        return directives((DEPLOY / "mosquitto/openspaces.conf").read_text())
    return directives(config_text(1883, tmp_path, as_root=False))


def test_the_security_settings_are_the_same() -> None:
    production = dict(directives((DEPLOY / "mosquitto/openspaces.conf").read_text()))
    generated = dict(directives(config_text(1883, Path("/x"), as_root=False)))
    assert {k: production.get(k) for k in SAME_VALUE} == {k: generated.get(k) for k in SAME_VALUE}
    assert production["allow_anonymous"] == "false"
    assert production["use_username_as_clientid"] == "true"
    assert int(production["max_packet_size"]) == MAX_PACKET_BYTES
    for name in PRESENT:
        assert name in production
        assert name in generated


def test_the_client_id_setting_follows_the_listener(config: list[tuple[str, str]]) -> None:
    """Before any "listener" line it would open a default listener on every interface."""
    names = [name for name, _ in config]
    assert names.count("listener") == 1
    assert names.index("use_username_as_clientid") > names.index("listener")


def test_the_acl_template_is_what_the_hub_generates() -> None:
    assert (DEPLOY / "mosquitto/acl").read_text() == acl_text("hub")
