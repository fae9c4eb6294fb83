"""The install scripts, run for real into a scratch root; the installed broker config, live."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from hub.mqtt.mosquitto import BrokerFiles, MosquittoProcess, acl_text, free_port
from hub.mqtt.provision import NodeFile, node_toml
from hub.settings import load_settings
from shared.topics import Topics
from signage_node.watchdog import SystemdNotifier
from tests.deploy.conftest import DEPLOY, Scratch, offline_env, os_release
from tests.hub.conftest import wait_until
from tests.hub.mqtt_sessions import accepted, connect

VENV = "/opt/openspaces/venv"
OVERLAY = "# Open Spaces door node: inky drives the chip select itself\ndtoverlay=spi0-0cs\n"


def test_every_script_is_shellcheck_clean() -> None:
    shellcheck = shutil.which("shellcheck")
    assert shellcheck, "shellcheck is missing: apt-get install shellcheck"
    scripts = sorted(DEPLOY.rglob("*.sh"))
    assert len(scripts) >= 4
    result = subprocess.run(
        [shellcheck, "--external-sources", *map(str, scripts)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_install_node(scratch: Scratch, tmp_path: Path) -> None:
    boot = scratch.at("/boot/firmware/config.txt")
    boot.parent.mkdir(parents=True)
    boot.write_text("dtparam=audio=on\n")
    node_config = tmp_path / "door-1.toml"
    node_config.write_text(node_toml("door-1", "room-a", "s3cret", NodeFile("hub.example.org")))

    for _ in range(2):  # a second run upgrades in place and changes nothing else
        scratch.run("install-node.sh", "--node-config", str(node_config))

    uid = scratch.uid("openspaces")
    assert {"gpio", "spi", "i2c"} <= scratch.groups_of("openspaces")
    installed = scratch.at("/etc/openspaces/node.toml")
    assert installed.read_text() == node_config.read_text()
    assert mode(installed) == 0o640
    assert installed.stat().st_gid == uid  # the user's own group
    state = scratch.at("/var/lib/openspaces-node")
    assert (state.stat().st_uid, mode(state)) == (uid, 0o750)
    unit = scratch.at("/etc/systemd/system/openspaces-node.service").read_text()
    assert unit == (DEPLOY / "systemd/openspaces-node.service").read_text()
    assert boot.read_text() == "dtparam=audio=on\n\n[all]\n" + OVERLAY
    journal = scratch.at("/etc/systemd/journald.conf.d/openspaces.conf").read_text()
    assert "Storage=persistent" in journal
    assert "SystemMaxUse=50M" in journal
    check = subprocess.run(
        [str(scratch.at(f"{VENV}/bin/openspaces")), "node", "--check", "--config", str(installed)],
        capture_output=True, text=True, env=offline_env(), timeout=60, check=False,
    )  # fmt: skip
    assert check.returncode == 0, check.stderr


def test_the_service_waits_for_the_reboot_that_spi_needs(scratch: Scratch, tmp_path: Path) -> None:
    """The first run adds the overlay: the service is enabled, not started, and the script
    says to reboot. Once the overlay is in force, a run starts the service."""
    boot = scratch.at("/boot/firmware/config.txt")
    boot.parent.mkdir(parents=True)
    boot.write_text("[pi4]\ndtoverlay=spi0-0cs\n")  # only on a Pi 4: does not count
    node_config = tmp_path / "door-1.toml"
    node_config.write_text(node_toml("door-1", "room-a", "s3cret", NodeFile("hub.example.org")))
    first = scratch.run("install-node.sh", "--node-config", str(node_config))
    assert "REBOOT NOW" in first.stdout
    assert "enable openspaces-node.service yourself" in first.stdout  # not started
    assert boot.read_text().endswith("[all]\n" + OVERLAY)
    second = scratch.run("install-node.sh", "--node-config", str(node_config))
    assert "REBOOT" not in second.stdout
    assert boot.read_text().count("spi0-0cs") == 2


@pytest.mark.parametrize(
    ("change", "message", "fix"),
    [
        ("bullseye", "unsupported release 'bullseye'", "Raspberry Pi OS Lite (64-bit)"),
        ("armhf", "unsupported architecture 'armhf'", "Raspberry Pi OS Lite (64-bit)"),
        ("trixie", "Python 3.11; trixie's own is 3.13", "use --python python3.13"),
        ("not-pi-os", "this is not Raspberry Pi OS", "--no-hardware"),
        ("no-config-txt", "/boot/firmware/config.txt is missing", "sudo mount /boot/firmware"),
    ],
)
def test_the_node_install_refuses_what_it_does_not_support(
    scratch: Scratch, change: str, message: str, fix: str
) -> None:
    boot = scratch.at("/boot/firmware/config.txt")
    boot.parent.mkdir(parents=True)
    boot.write_text("")
    if change in ("bullseye", "trixie"):
        scratch.at("/etc/os-release").write_text(os_release(change))
    elif change == "armhf":
        scratch.set_arch("armhf")
    elif change == "not-pi-os":
        scratch.at("/etc/rpi-issue").unlink()
    else:
        boot.unlink()
    result = scratch.attempt("install-node.sh")
    assert result.returncode == 1
    assert message in result.stderr
    assert fix in result.stderr
    assert not scratch.at(VENV).exists()  # stopped before installing anything


def test_without_hardware_a_plain_debian_root_is_accepted(scratch: Scratch) -> None:
    scratch.at("/etc/rpi-issue").unlink()
    result = scratch.run("install-node.sh", "--no-hardware")
    assert "skipping SPI/I2C" in result.stdout
    assert not scratch.at("/boot/firmware/config.txt").exists()


def test_install_hub_then_provision_a_door_against_the_installed_broker(
    scratch: Scratch, tmp_path: Path
) -> None:
    scratch.run("install-hub.sh", "--public-url", "https://doors.example.org")
    env_file = scratch.at("/etc/openspaces/hub.env")
    password = _hub_password(env_file)
    scratch.run("install-hub.sh")  # again: the password and the config are kept
    assert _hub_password(env_file) == password

    assert mode(env_file) == 0o640
    broker_dir = scratch.at("/etc/mosquitto/openspaces")
    assert (broker_dir / "acl").read_text() == acl_text("hub")
    assert (broker_dir / "passwd").stat().st_gid == 130  # the mosquitto group
    assert re.fullmatch(r"hub:\$7\$\S+\n", (broker_dir / "passwd").read_text())
    settings = load_settings(
        scratch.at("/etc/openspaces/hub.toml"), {"OPENSPACES_HUB_BROKER_PASSWORD": password}
    )
    assert settings.database_url == "sqlite:////var/lib/openspaces-hub/hub.db"
    assert settings.public_url == "https://doors.example.org"
    assert settings.broker is not None
    assert (settings.broker.username, settings.broker.password) == ("hub", password)

    broker = _start_installed_broker(scratch, tmp_path / "mosquitto")
    try:
        host, port = broker.host, broker.port
        assert accepted(host, port, "hub", password)
        assert not accepted(host, port, None, None)
        _provision(scratch, tmp_path, "door-1", str(broker_dir), str(tmp_path / "mosquitto"))
        node_password = _node_password(tmp_path / "door-1.toml")
        wait_until(lambda: accepted(host, port, "door-1", node_password))
        door = connect(host, port, "door-1", node_password)
        try:
            assert not door.publish(Topics().node_status("door-1"), b"{}").is_failure
            assert door.publish(Topics().node_status("door-2"), b"{}").value == 135
        finally:
            door.close()
        log = (tmp_path / "mosquitto" / "mosquitto.log").read_text()
        assert re.findall(r"listen socket on port (\d+)", log) == [str(port)]
    finally:
        broker.stop()


def _hub_password(env_file: Path) -> str:
    found = re.search(r"^OPENSPACES_HUB_BROKER_PASSWORD=(\S+)$", env_file.read_text(), re.M)
    assert found, env_file.read_text()
    return found.group(1)


def _start_installed_broker(scratch: Scratch, folder: Path) -> MosquittoProcess:
    """Mosquitto with a main config like Debian's and the installed drop-in (its paths under
    the scratch root, its listener on a free loopback port)."""
    port = free_port()
    (folder / "conf.d").mkdir(parents=True)
    installed = scratch.at("/etc/mosquitto/conf.d/openspaces.conf").read_text()
    installed = installed.replace(
        "/etc/mosquitto/openspaces", str(scratch.at("/etc/mosquitto/openspaces"))
    )
    installed = re.sub(r"^listener 1883$", f"listener {port} 127.0.0.1", installed, flags=re.M)
    (folder / "conf.d" / "openspaces.conf").write_text(installed)
    main = [
        "user root" if os.geteuid() == 0 else "",
        f"pid_file {folder / 'mosquitto.pid'}",
        "persistence true",
        f"persistence_location {folder}/",
        f"log_dest file {folder / 'mosquitto.log'}",
        "log_type information",  # the "Opening ... listen socket" lines
        f"include_dir {folder / 'conf.d'}",
    ]
    (folder / "mosquitto.conf").write_text("\n".join(main) + "\n")
    process = MosquittoProcess(BrokerFiles(folder, port, "hub"))
    process.start()
    return process


def _provision(scratch: Scratch, tmp_path: Path, node_id: str, broker_dir: str, run: str) -> None:
    """The installed command, as staff run it on the hub after install-hub.sh."""
    result = subprocess.run(
        [
            str(scratch.at(f"{VENV}/bin/openspaces")), "provision-node", node_id,
            "--room", "room-a", "--broker-dir", broker_dir, "--pid-file", f"{run}/mosquitto.pid",
            "--broker-host", "127.0.0.1", "--out", str(tmp_path / f"{node_id}.toml"),
        ],
        capture_output=True, text=True, env=offline_env(), timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def _node_password(path: Path) -> str:
    found = re.search(r'^password = "(\S+)"$', path.read_text(), re.M)
    assert found
    return found.group(1)


@pytest.mark.parametrize("unit", ["openspaces-hub.service", "openspaces-node.service"])
def test_the_units_run_as_a_dedicated_user_and_never_wait_for_ntp(unit: str) -> None:
    text = (DEPLOY / "systemd" / unit).read_text()
    settings = dict(re.findall(r"^(\w+)=(.*)$", text, re.M))
    assert settings["User"] == "openspaces"
    assert settings["Restart"] == "on-failure"
    assert settings["WorkingDirectory"].startswith("/var/lib/openspaces-")
    assert "network-online.target" in settings["After"].split()
    if unit == "openspaces-node.service":  # a door starts whatever the clock says
        ordering = " ".join(settings.get(key, "") for key in ("After", "Wants", "Requires"))
        assert "time-sync" not in ordering
    assert "time-wait-sync" not in (DEPLOY / "lib/common.sh").read_text()
    assert settings["NoNewPrivileges"] == "true"
    assert settings["ProtectSystem"] == "strict"


def test_the_node_unit_has_a_watchdog_the_loop_can_feed() -> None:
    text = (DEPLOY / "systemd" / "openspaces-node.service").read_text()
    settings = dict(re.findall(r"^(\w+)=(.*)$", text, re.M))
    assert (settings["Type"], settings["NotifyAccess"]) == ("notify", "main")
    watchdog_s = float(settings["WatchdogSec"])
    # the loop pings at least every half watchdog: well within its longest pass on a Pi
    assert SystemdNotifier("/run/x", watchdog_s).interval_s == watchdog_s / 2 >= 10


def _pickup(tmp_path: Path, boot: Path, etc: Path) -> subprocess.CompletedProcess[str]:
    env = offline_env()
    env.update({
        "OPENSPACES_BOOT_DIR": str(boot), "OPENSPACES_ETC_DIR": str(etc),
        "OPENSPACES_BIN": str(Path(sys.executable).with_name("openspaces")),
        "OPENSPACES_GROUP": "root",
    })  # fmt: skip
    return subprocess.run(
        ["sh", str(DEPLOY / "lib/pickup-node-config.sh")],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip


def test_a_golden_image_takes_its_node_toml_from_the_boot_partition(
    scratch: Scratch, tmp_path: Path
) -> None:
    """One image for every door; each card gets its own openspaces-node.toml on the boot
    partition, which the first boot installs (and removes: it holds the broker password)."""
    boot = scratch.at("/boot/firmware")
    boot.mkdir(parents=True)
    (boot / "config.txt").write_text("")
    scratch.run("install-node.sh")  # the image: everything but the door's identity
    assert scratch.at("/usr/local/sbin/openspaces-pickup-node-config").stat().st_mode & 0o111
    unit = scratch.at("/etc/systemd/system/openspaces-node-config.service").read_text()
    assert "Before=openspaces-node.service" in unit
    etc = scratch.at("/etc/openspaces")
    assert _pickup(tmp_path, boot, etc).returncode == 0  # nothing dropped: nothing done
    door = node_toml("door-7", "room-a", "s3cret", NodeFile("hub.example.org"))
    (boot / "openspaces-node.toml").write_text(door)
    result = _pickup(tmp_path, boot, etc)
    assert result.returncode == 0, result.stderr
    assert (etc / "node.toml").read_text() == door
    assert mode(etc / "node.toml") == 0o640
    assert not (boot / "openspaces-node.toml").exists()

    (boot / "openspaces-node.toml").write_text('node_id = "door 8"\n')  # not a valid id
    result = _pickup(tmp_path, boot, etc)
    assert result.returncode == 1
    assert "does not check out" in result.stderr
    assert (etc / "node.toml").read_text() == door  # the working config stays
    assert (boot / "openspaces-node.toml.rejected").exists()
