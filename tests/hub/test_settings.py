"""Hub settings: TOML file, environment overrides, and errors that name file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.settings import HubSettings, load_settings
from shared.cli import main
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
        ("heartbeat_s = -1\n", "heartbeat_s", "greater than or equal to 0.01"),
        ("[broker]\nport = 70000\n", "broker.port", "less than or equal to 65535"),
        ("colour = 'red'\n", "colour", "unknown setting"),
        ("public_url = 'ftp://x'\n", "public_url", "pattern"),
        ("database_url = \n", "(line 1)", "invalid TOML"),
        ("broker = 'x'\n", "broker", "valid dictionary"),
        ("listen_port = 'many'\n", "listen_port", "as an integer (got 'many')"),
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


def test_a_variable_inside_a_table_the_file_gives_as_something_else(tmp_path: Path) -> None:
    path = tmp_path / "hub.toml"
    path.write_text('broker = "x"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path, {"OPENSPACES_HUB_BROKER_PORT": "1884"})
    assert (caught.value.source, caught.value.key) == (str(path), "broker")
    assert "must be a table ([broker]) since OPENSPACES_HUB_BROKER_PORT" in caught.value.problem


def test_the_file_fills_what_the_environment_leaves(tmp_path: Path) -> None:
    path = tmp_path / "hub.toml"
    path.write_text('listen_port = 8100\n[broker]\nhost = "mqtt.lan"\nport = 1884\n')
    settings = load_settings(path, {"OPENSPACES_HUB_BROKER_PORT": "1885"})
    assert settings.broker is not None
    assert (settings.broker.host, settings.broker.port) == ("mqtt.lan", 1885)
    assert (settings.listen_port, settings.heartbeat_s) == (8100, 10.0)  # file, then default


def test_an_unknown_variable_is_named() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(None, {"OPENSPACES_HUB_LISTEN_PROT": "9000"})
    assert (caught.value.source, caught.value.key) == ("OPENSPACES_HUB_LISTEN_PROT", "listen_prot")
    assert caught.value.problem == "unknown setting"


def test_secrets_are_never_echoed(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(None, {"OPENSPACES_HUB_BROKER_SHARE_GROUP": "short-secret"})
    assert caught.value.key == "broker.share_group"
    assert "short-secret" not in str(caught.value)
    settings = load_settings(None, {"OPENSPACES_HUB_BROKER_PASSWORD": "hunter2"})
    assert "hunter2" not in repr(settings)


def test_building_settings_in_code_reads_no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENSPACES_HUB_LISTEN_PORT", "9999")
    assert HubSettings().listen_port == 8000
    assert load_settings(None, {}).listen_port == 8000


def test_a_table_in_one_variable_must_be_json() -> None:
    loaded = load_settings(None, {"OPENSPACES_HUB_BROKER": '{"port": 1885}'})
    assert loaded.broker is not None
    assert loaded.broker.port == 1885
    with pytest.raises(ConfigError) as caught:
        load_settings(None, {"OPENSPACES_HUB_BROKER": "{port"})
    assert (caught.value.source, caught.value.key) == ("OPENSPACES_HUB_BROKER", "broker")


def test_a_command_says_what_is_wrong_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "hub.toml"
    path.write_text('broker = "x"\n')
    monkeypatch.setenv("OPENSPACES_HUB_BROKER_PORT", "1884")
    assert main(["hub-backup", str(tmp_path / "backup.db"), "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}: broker: must be a table ([broker])" in err
    assert "Traceback" not in err
