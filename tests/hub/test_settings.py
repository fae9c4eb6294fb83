"""Hub settings: TOML file, environment overrides, and errors that name file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.settings import HubSettings, load_settings
from shared.errors import ConfigError

EXAMPLE = Path(__file__).parents[2] / "deploy" / "hub.example.toml"


def test_defaults_without_a_file() -> None:
    settings = load_settings(None, {})
    assert settings == HubSettings()
    assert settings.broker is None
    assert settings.database_url == "sqlite:///var/hub/hub.db"


def test_the_example_file_is_valid() -> None:
    settings = load_settings(EXAMPLE, {})
    assert settings.broker is not None
    assert settings.broker.username == "hub"
    assert settings.topic_prefix == "openspaces/v1"


def test_environment_wins_over_the_file() -> None:
    environ = {
        "OPENSPACES_HUB_BROKER_PASSWORD": "from-env",
        "OPENSPACES_HUB_LISTEN_PORT": "9000",
        "OPENSPACES_HUB_BROKER_TLS": "true",
        "OTHER_VARIABLE": "ignored",
    }
    settings = load_settings(EXAMPLE, environ)
    assert settings.broker is not None
    assert settings.broker.password == "from-env"
    assert settings.broker.tls is True
    assert settings.broker.host == "127.0.0.1"
    assert settings.listen_port == 9000


def test_a_broker_variable_alone_turns_mqtt_on() -> None:
    settings = load_settings(None, {"OPENSPACES_HUB_BROKER_PORT": "1884"})
    assert settings.broker is not None
    assert settings.broker.port == 1884


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ("heartbeat_s = -1\n", "heartbeat_s", "greater than 0"),
        ("[broker]\nport = 70000\n", "broker.port", "less than or equal to 65535"),
        ("colour = 'red'\n", "colour", "Extra inputs are not permitted"),
        ("public_url = 'ftp://x'\n", "public_url", "pattern"),
        ("database_url = \n", "-", "not valid TOML"),
    ],
)
def test_a_broken_file_names_file_key_and_problem(
    tmp_path: Path, text: str, key: str, words: str
) -> None:
    path = tmp_path / "hub.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path, {})
    assert caught.value.source == str(path)
    assert caught.value.key == key
    assert words in caught.value.problem


def test_a_bad_variable_is_named() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(EXAMPLE, {"OPENSPACES_HUB_BROKER_PORT": "many"})
    assert caught.value.source == "OPENSPACES_HUB_BROKER_PORT"
    assert caught.value.key == "broker.port"


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_settings(tmp_path / "nope.toml", {})
