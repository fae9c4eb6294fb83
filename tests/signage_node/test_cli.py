from __future__ import annotations

import argparse
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from shared.errors import ConfigError
from signage_node import cli
from signage_node.config import load_node_config
from signage_node.inky_display import InkyDisplay
from tests.conftest import Broker
from tests.signage_node.conftest import provision
from tests.signage_node.fake_panel import eeprom, fake_helper


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="openspaces")
    cli.register(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_help_names_the_config_and_the_environment(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        parse(["node", "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "--config FILE" in out
    assert "OPENSPACES_NODE_" in out
    assert "deploy/node.example.toml" in out


def test_check_accepts_a_good_file_and_refuses_a_bad_one(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text('node_id = "door-1"\n')
    assert cli.run(parse(["node", "--config", str(good), "--check"])) == 0
    bad = tmp_path / "bad.toml"
    bad.write_text('node_id = "door-1"\nbutton_pin = "E"\n')
    with pytest.raises(ConfigError, match="button_pin"):
        cli.run(parse(["node", "--config", str(bad), "--check"]))


def test_the_node_runs_until_sigterm(broker: Broker, tmp_path: Path) -> None:
    password = provision(broker, "door-9")
    config = tmp_path / "node.toml"
    config.write_text(
        'node_id = "door-9"\nroom_id = "room-a"\nstate_dir = "state"\npng_path = "door.png"\n'
        f'[broker]\nhost = "{broker.host}"\nport = {broker.port}\npassword = "{password}"\n'
    )
    frame = tmp_path / "door.png"

    def terminate_when_drawn() -> None:
        deadline = time.monotonic() + 10
        while not frame.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(os.getpid(), signal.SIGTERM)

    killer = threading.Thread(target=terminate_when_drawn)
    before = signal.getsignal(signal.SIGTERM)
    killer.start()
    try:
        assert cli.run(parse(["node", "--config", str(config), "--mock-gpio"])) == 0
    finally:
        killer.join()
    assert frame.exists()
    assert signal.getsignal(signal.SIGTERM) == before


def test_auto_without_a_board_says_to_name_the_panel(tmp_path: Path) -> None:
    """``panel = "auto"`` on a machine with no Inky EEPROM (this one): the real helper runs
    ``inky.auto()``, which finds no board; the node does not start and says what to do."""
    config = tmp_path / "node.toml"
    config.write_text('node_id = "door-1"\npanel = "auto"\ndisplay = "inky"\nstate_dir = "s"\n')
    with pytest.raises(ConfigError, match=r"No EEPROM detected.*Set the panel id in the node"):
        cli.run(parse(["node", "--config", str(config), "--mock-gpio"]))


def test_auto_takes_the_panel_the_board_names(tmp_path: Path) -> None:
    config = tmp_path / "node.toml"
    config.write_text('node_id = "door-1"\npanel = "auto"\ndisplay = "inky"\n')
    settings = load_node_config(config, {})
    resolved = cli.resolve_panel(
        settings, str(config), fake_helper(eeprom=eeprom(400, 300, "red", 18).hex())
    )
    assert resolved.panel == "what-ssd1683-red"
    display = cli.make_display(resolved)
    assert isinstance(display, InkyDisplay)
    assert display.panel.id == "what-ssd1683-red"
    assert cli.resolve_panel(resolved, str(config)) is resolved  # a panel id: nothing to read


def test_auto_with_a_board_whose_pins_clash(tmp_path: Path) -> None:
    """Button C of an Impression board is GPIO 16: the 13.3" panel's second chip select."""
    config = tmp_path / "node.toml"
    config.write_text(
        'node_id = "door-1"\npanel = "auto"\ndisplay = "inky"\nbutton_pin = "C"\nstate_dir = "s"\n'
    )
    big = fake_helper(eeprom=eeprom(1600, 1200, "spectra6", 21).hex())
    with pytest.raises(ConfigError, match=r"BCM pin 16 is used by panel impression-13\.3") as clash:
        cli.run(parse(["node", "--config", str(config), "--mock-gpio"]), helper=big)
    assert (clash.value.source, clash.value.key) == (str(config), "button_pin")
