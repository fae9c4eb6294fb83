"""``openspaces node --selftest``: each line OK or the fix, over the fake bus, gpiozero's mock
pins and a real Mosquitto."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from gpiozero import InputDevice
from gpiozero.pins.mock import MockFactory

from shared.wire import HubStatus
from signage_node.config import NodeSettings
from signage_node.selftest import Check, Machine, report, selftest
from tests.signage_node.conftest import TOPICS, HubClient, NodeRig
from tests.signage_node.fake_panel import eeprom, fake_helper

NOW = datetime(2025, 5, 16, 10, 30, tzinfo=UTC)
SPECTRA_73 = eeprom(800, 480, "spectra6", 22).hex()


def _machine(tmp_path: Path, pins: MockFactory, board: str | None, *, devices: bool) -> Machine:
    dev = tmp_path / "dev"
    dev.mkdir(exist_ok=True)
    if devices:
        (dev / "spidev0.0").touch()
        (dev / "i2c-1").touch()
    helper = fake_helper(eeprom=board) if board else fake_helper()
    return Machine(dev=dev, pin_factory=pins, helper=helper, now=lambda: NOW)


def _settings(rig: NodeRig, tmp_path: Path, **overrides: Any) -> NodeSettings:
    flag = tmp_path / "synchronized"
    return rig.settings(display="inky", panel="impression-7.3-spectra6",
                        clock_sync_flag=flag, **overrides)  # fmt: skip


def _by_name(checks: list[Check]) -> dict[str, Check]:
    return {check.name: check for check in checks}


def test_a_door_that_is_ready(rig: NodeRig, hub: HubClient, tmp_path: Path) -> None:
    hub.publish(TOPICS.hub_status(), HubStatus(state="online", at=NOW - timedelta(seconds=4)))
    settings = _settings(rig, tmp_path)
    pins = MockFactory()
    checks = selftest(settings, _machine(tmp_path, pins, SPECTRA_73, devices=True))
    assert [check.name for check in checks] == [
        "spi", "i2c", "gpio8", "button", "led", "panel", "broker", "clock", "raqm",
    ]  # fmt: skip
    assert all(check.ok for check in checks), report(checks)[0]
    named = _by_name(checks)
    assert "impression-7.3-spectra6" in named["panel"].detail
    assert "the hub is online" in named["broker"].detail
    assert "within +4 s of the hub's" in named["clock"].detail  # no NTP: the hub's time
    text, status = report(checks)
    assert status == 0
    assert text.splitlines()[0].startswith("OK   spi ")
    assert text.endswith("all checks passed")


def test_a_door_with_everything_wrong(rig: NodeRig, tmp_path: Path) -> None:
    settings = _settings(rig, tmp_path, broker={"host": rig.broker.host, "port": rig.broker.port,
                                                "password": "wrong"})  # fmt: skip
    pins = MockFactory()
    held = [InputDevice(8, pin_factory=pins), InputDevice(settings.button_pin, pin_factory=pins)]
    try:
        other_board = eeprom(400, 300, "red", 18).hex()
        checks = _by_name(selftest(settings, _machine(tmp_path, pins, other_board, devices=False)))
    finally:
        for device in held:
            device.close()
    failed = {name: check.detail for name, check in checks.items() if not check.ok}
    assert set(failed) == {"spi", "i2c", "gpio8", "button", "panel", "broker", "clock"}
    assert "raspi-config nonint do_spi 0" in failed["spi"]
    assert "raspi-config nonint do_i2c 0" in failed["i2c"]
    assert "dtoverlay=spi0-0cs" in failed["gpio8"]
    assert "GPIO 5 is in use" in failed["button"]
    assert 'set panel = "what-ssd1683-red"' in failed["panel"]
    assert "refused" in failed["broker"]
    assert "password" in failed["broker"]
    assert '"Time unknown"' in failed["clock"]
    assert checks["led"].ok


def test_no_board_and_ntp_synchronised(rig: NodeRig, tmp_path: Path) -> None:
    settings = _settings(rig, tmp_path)
    (tmp_path / "synchronized").touch()
    checks = _by_name(selftest(settings, _machine(tmp_path, MockFactory(), None, devices=True)))
    assert not checks["panel"].ok
    assert "No EEPROM detected" in checks["panel"].detail
    assert checks["clock"].ok
    assert "NTP" in checks["clock"].detail
    assert "no hub status" in checks["broker"].detail


def test_the_command_prints_a_line_per_check(
    rig: NodeRig, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.signage_node.test_cli import parse  # noqa: PLC0415

    settings = rig.settings()
    config = tmp_path / "node.toml"
    config.write_text(
        f'node_id = "{settings.node_id}"\nclock_sync_flag = ""\n[broker]\n'
        f'host = "{settings.broker.host}"\nport = {settings.broker.port}\n'
        f'password = "{settings.broker.password}"\n'
    )
    from signage_node import cli  # noqa: PLC0415

    status = cli.run(parse(["node", "--config", str(config), "--selftest", "--mock-gpio"]))
    out = capsys.readouterr().out
    assert status == (0 if Path("/dev/spidev0.0").exists() else 1)
    assert "OK   broker" in out
    assert "OK   clock    trusted as is" in out
    assert len(out.strip().splitlines()) == 10
