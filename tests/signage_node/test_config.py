from __future__ import annotations

from pathlib import Path

import pytest

from shared.errors import ConfigError
from shared.render import panels
from signage_node.config import (
    AUTO_PANEL,
    HELPER_START_S,
    BrokerSettings,
    NodeSettings,
    load_node_config,
)

EXAMPLE = Path(__file__).parents[2] / "deploy" / "node.example.toml"


def write(folder: Path, text: str) -> Path:
    path = folder / "node.toml"
    path.write_text(text)
    return path


def fails(path: Path, environ: dict[str, str] | None = None) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_node_config(path, environ or {})
    return caught.value


def test_the_example_file_loads_and_documents_every_setting() -> None:
    settings = load_node_config(EXAMPLE, {})
    assert settings.node_id == "door-1"
    text = EXAMPLE.read_text()
    for key in NodeSettings.model_fields:
        assert key in text, key
    for key in BrokerSettings.model_fields:
        assert key in text, key


def test_defaults(tmp_path: Path) -> None:
    settings = load_node_config(write(tmp_path, 'node_id = "door-1"\n'), {})
    assert (settings.room_id, settings.panel, settings.display) == (
        None, "impression-7.3-spectra6", "png",
    )  # fmt: skip
    assert (settings.button_pin, settings.led_pin, settings.offline_after_beats) == (5, 13, 3)
    assert settings.broker_username == "door-1"
    assert (settings.broker.keepalive_s, settings.broker.tls) == (15, False)
    assert settings.topics.site() == "openspaces/v1/site"


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, 'node_id = "door-1"\nroom_id = "room-a"\n[broker]\nport = 1883\n')
    settings = load_node_config(
        path,
        {
            "OPENSPACES_NODE_ROOM_ID": "room-b",
            "OPENSPACES_NODE_BROKER_PORT": "8883",
            "OPENSPACES_NODE_BROKER_TLS": "true",
            "OPENSPACES_NODE_BUTTON_PIN": "24",
            "UNRELATED": "x",
        },
    )
    assert (settings.room_id, settings.broker.port, settings.broker.tls) == ("room-b", 8883, True)
    assert settings.button_pin == 24


def test_relative_paths_are_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "secret").write_text("s3cret\n")
    path = write(
        tmp_path,
        'node_id = "d"\nstate_dir = "state"\npng_path = "out/door.png"\n'
        '[broker]\npassword_file = "secret"\n',
    )
    settings = load_node_config(path, {})
    assert settings.state_dir == tmp_path / "state"
    assert settings.frame_path == tmp_path / "out" / "door.png"
    assert settings.broker.password == "s3cret"
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ('node_id = "d"\ncolour = "red"\n', "colour", "unknown setting"),
        ('node_id = "d"\n[broker]\nhots = "x"\n', "broker.hots", "unknown setting"),
        ('room_id = "a"\n', "node_id", "missing"),
        ('node_id = "d"\n[broker]\nport = "many"\n', "broker.port", "valid integer"),
        ('node_id = "d"\nhold_s = [1]\n', "hold_s", "valid number"),
        ('node_id = "d"\npanel = "kindle"\n', "panel", "unknown panel 'kindle'"),
        ('node_id = "d"\nbutton_pin = 10\n', "button_pin", "used by the Inky board"),
        ('node_id = "d"\nled_pin = 40\n', "led_pin", "does not exist"),
        ('node_id = "d"\nled_pin = 5\n', "led_pin", "cannot share a pin"),
        ('node_id = "door 1"\n', "node_id", "no '/', '+', '#' or spaces"),
        ('node_id = "d"\nroom_id = "a/#"\n', "room_id", "no '/', '+', '#' or spaces"),
        ('node_id = "d"\ntopic_prefix = "a/+/b"\n', "topic_prefix", "plain levels"),
        ('node_id = "d"\ndisplay = "lcd"\n', "display", "'png' or 'inky'"),
        ('node_id = "d"\n\nroom_id = \n', "(line 3)", "invalid TOML"),
        ('node_id = "d"\n[broker]\npassword_file = "nope"\n', "broker.password_file", "nope"),
    ],
)
def test_a_broken_file_names_file_and_key(
    tmp_path: Path, text: str, key: str, problem: str
) -> None:
    path = write(tmp_path, text)
    error = fails(path)
    assert (error.source, error.key) == (str(path), key)
    assert problem in error.problem
    assert str(error).startswith(f"{path}: {key}: ")


def test_the_13_inch_panel_reserves_its_chip_selects(monkeypatch: pytest.MonkeyPatch) -> None:
    big = panels.Panel(
        "test-13.3", "13.3", 1600, 1200, (panels.BLACK, panels.WHITE), 1, 0, 0, 20.0,
        "inky.inky_el133uf1:Inky",
    )  # fmt: skip
    monkeypatch.setitem(panels.PANELS, big.id, big)
    with pytest.raises(ValueError, match=r"BCM pin 16 is used by panel test-13\.3"):
        NodeSettings(node_id="d", panel=big.id, button_pin=16)


def test_a_bad_environment_variable_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, 'node_id = "d"\n')
    error = fails(path, {"OPENSPACES_NODE_LED_PIN": "lots"})
    assert (error.source, error.key) == ("OPENSPACES_NODE_LED_PIN", "led_pin")
    error = fails(path, {"OPENSPACES_NODE_BRIGHTNESS": "9"})
    assert (error.source, error.key, error.problem) == (
        "OPENSPACES_NODE_BRIGHTNESS", "brightness", "unknown setting",
    )  # fmt: skip


def test_a_missing_or_unreadable_file(tmp_path: Path) -> None:
    error = fails(tmp_path / "absent.toml")
    assert error.key == "(file)"
    assert "cannot read" in error.problem
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00")
    assert "cannot read" in fails(binary).problem


def test_password_and_password_file_are_exclusive(tmp_path: Path) -> None:
    (tmp_path / "pw").write_text("a")
    path = write(tmp_path, 'node_id = "d"\n[broker]\npassword = "b"\npassword_file = "pw"\n')
    assert fails(path).key == "broker.password_file"


def test_the_impression_buttons_go_by_letter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, 'node_id = "d"\nbutton_pin = "B"\n')
    assert load_node_config(path, {}).button_pin == 6
    assert load_node_config(path, {"OPENSPACES_NODE_BUTTON_PIN": "d"}).button_pin == 24
    error = fails(path, {"OPENSPACES_NODE_BUTTON_PIN": "E"})
    assert (error.key, error.problem) == ("button_pin", "button 'E': the Impression boards' "
                                          "buttons are A-D")  # fmt: skip
    big = panels.Panel(
        "test-13.3", "13.3", 1600, 1200, (panels.BLACK, panels.WHITE), 1, 0, 0, 20.0,
        "inky.inky_el133uf1:Inky",
    )  # fmt: skip
    monkeypatch.setitem(panels.PANELS, big.id, big)
    assert NodeSettings(node_id="d", panel=big.id, button_pin="C").button_pin == 25


def test_the_refresh_policy_follows_the_panel_unless_set() -> None:
    panel = panels.PANELS["impression-7.3-spectra6"]
    glass = NodeSettings(node_id="d", panel=panel.id, display="inky")
    assert (glass.refresh_lead, glass.min_refresh_interval) == (
        panel.refresh_s + HELPER_START_S,  # the glass, and the helper that drives it, start
        2 * panel.refresh_s,
    )
    file = NodeSettings(node_id="d", panel=panel.id, display="png")
    assert (file.refresh_lead, file.min_refresh_interval) == (0.0, 0.0)
    tuned = NodeSettings(node_id="d", display="inky", refresh_lead_s=40, min_refresh_interval_s=90)
    assert (tuned.refresh_lead, tuned.min_refresh_interval) == (40.0, 90.0)


def test_auto_waits_for_the_board_to_name_the_panel(tmp_path: Path) -> None:
    path = tmp_path / "node.toml"
    path.write_text('node_id = "d"\npanel = "auto"\ndisplay = "inky"\nbutton_pin = 16\n')
    settings = load_node_config(path, {})
    assert settings.panel == AUTO_PANEL
    with pytest.raises(ConfigError, match="not detected yet"):
        settings.panel_spec  # noqa: B018
    small = settings.with_panel(panels.PANELS["phat-ssd1608-red"], str(path))
    assert small.panel_spec.id == "phat-ssd1608-red"
    with pytest.raises(ConfigError, match="BCM pin 16 is used by panel") as clash:
        settings.with_panel(panels.PANELS["impression-13.3-spectra6"], str(path))
    assert (clash.value.source, clash.value.key) == (str(path), "button_pin")


def test_auto_needs_the_inky_display(tmp_path: Path) -> None:
    path = tmp_path / "node.toml"
    path.write_text('node_id = "d"\npanel = "auto"\n')
    error = fails(path)
    assert (error.key, error.problem) == ("panel", '"auto" reads the Inky board\'s EEPROM: '
                                          'it needs display = "inky"')  # fmt: skip


def test_a_stopping_node_waits_for_the_glass() -> None:
    slowest = panels.PANELS["impression-7.3-7colour"]
    glass = NodeSettings(node_id="d", panel=slowest.id, display="inky")
    assert glass.stop_wait == slowest.refresh_s + HELPER_START_S + 10.0
    assert NodeSettings(node_id="d", panel=slowest.id).stop_wait == 30.0


def test_systemd_waits_longer_than_any_node_does() -> None:
    unit = (EXAMPLE.parent / "systemd" / "openspaces-node.service").read_text()
    (line,) = [line for line in unit.splitlines() if line.startswith("TimeoutStopSec=")]
    waits = [NodeSettings(node_id="d", panel=p, display="inky").stop_wait for p in panels.PANELS]
    assert int(line.partition("=")[2]) > max(waits) + 15  # and the link and the LED close


def test_a_variable_inside_a_table_the_file_gives_as_something_else(tmp_path: Path) -> None:
    path = write(tmp_path, 'node_id = "d"\nbroker = "x"\n')
    error = fails(path, {"OPENSPACES_NODE_BROKER_PORT": "1884"})
    assert (error.source, error.key) == (str(path), "broker")
    assert "must be a table ([broker]) since OPENSPACES_NODE_BROKER_PORT" in error.problem


def test_every_variable_name_reaches_its_key(tmp_path: Path) -> None:
    path = write(tmp_path, 'node_id = "d"\n')
    (tmp_path / "pw").write_text("secret\n")
    environ = {
        "OPENSPACES_NODE_BROKER_PASSWORD_FILE": str(tmp_path / "pw"),
        "OPENSPACES_NODE_MIN_REFRESH_INTERVAL_S": "90",
        "OPENSPACES_NODE_BROKER_KEEPALIVE_S": "20",
    }
    settings = load_node_config(path, environ)
    assert (settings.broker.password, settings.broker.keepalive_s) == ("secret", 20)
    assert settings.min_refresh_interval_s == 90.0


def test_building_settings_in_code_reads_no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENSPACES_NODE_LED_PIN", "6")
    assert NodeSettings(node_id="d").led_pin == 13


def test_a_table_in_one_variable_must_be_json(tmp_path: Path) -> None:
    path = write(tmp_path, 'node_id = "d"\n')
    error = fails(path, {"OPENSPACES_NODE_BROKER": "not json"})
    assert (error.source, error.key) == ("OPENSPACES_NODE_BROKER", "broker")
    assert "not valid JSON" in error.problem


def test_an_empty_path_in_the_file_stays_empty(tmp_path: Path) -> None:
    """``clock_sync_flag = ""`` turns the check off; it must not become the file's folder."""
    config = tmp_path / "node.toml"
    config.write_text('node_id = "door-1"\nclock_sync_flag = ""\n')
    assert load_node_config(config, {}).clock_sync_flag is None
