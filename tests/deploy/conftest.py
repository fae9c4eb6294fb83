"""Fixtures for the install scripts: a scratch root that looks like a fresh Debian system."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[2]
DEPLOY = CHECKOUT / "deploy"
#: What pip installs from: a copy of the checkout (pip builds in the source tree).
PACKAGE_PARTS = ("pyproject.toml", "README.md", "hub", "shared", "signage_node")
#: Offline: the project only (no dependencies, no build environment, no index).
OFFLINE_PIP = "--no-deps --no-build-isolation --no-index"


@dataclass(frozen=True)
class Scratch:
    """A scratch root (with /etc/passwd, group, shadow, gshadow) and a source copy."""

    root: Path
    source: Path

    def at(self, path: str) -> Path:
        return self.root / path.lstrip("/")

    def run(self, script: str, *args: str) -> subprocess.CompletedProcess[str]:
        """Run ``deploy/<script>`` for real into the scratch root, without apt or systemctl.

        The new virtual environment finds the dependencies on PYTHONPATH (this test
        environment's site-packages), because pip must not reach any index here.
        """
        result = self.attempt(script, *args)
        assert result.returncode == 0, f"{script} failed:\n{result.stdout}\n{result.stderr}"
        return result

    def attempt(self, script: str, *args: str) -> subprocess.CompletedProcess[str]:
        """Like :meth:`run`, whatever the outcome. ``dpkg`` on the script's PATH answers the
        architecture written in the scratch folder's ``dpkg-arch`` (``arm64`` by default):
        this machine is not the door the root stands for."""
        command = [
            "bash", str(DEPLOY / script), "--root", str(self.root), "--no-packages",
            "--no-systemd", "--source", str(self.source), "--pip-args", OFFLINE_PIP,
            "--python", python_for_venvs(), *args,
        ]  # fmt: skip
        env = offline_env()
        env["PATH"] = f"{self.root.parent / 'bin'}:{env['PATH']}"
        return subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=120, check=False
        )

    def set_arch(self, arch: str) -> None:
        """What ``dpkg --print-architecture`` says to the install scripts."""
        (self.root.parent / "dpkg-arch").write_text(arch)

    def uid(self, user: str) -> int:
        for line in self.at("/etc/passwd").read_text().splitlines():
            name, _, uid, *_ = line.split(":")
            if name == user:
                return int(uid)
        raise AssertionError(f"no user {user} in the scratch root")

    def groups_of(self, user: str) -> set[str]:
        lines = self.at("/etc/group").read_text().splitlines()
        return {line.split(":")[0] for line in lines if user in line.split(":")[3].split(",")}


def python_for_venvs() -> str:
    return "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable


def offline_env() -> dict[str, str]:
    """The environment for the scripts and the installed commands: our dependencies on
    PYTHONPATH, and pip told to stay off the network."""
    env = dict(os.environ)
    env["PYTHONPATH"] = sysconfig.get_paths()["purelib"]
    env["PIP_NO_INDEX"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def os_release(codename: str) -> str:
    """/etc/os-release of a Debian release, as Raspberry Pi OS ships it."""
    number = {"bullseye": 11, "bookworm": 12, "trixie": 13}[codename]
    return (
        f'PRETTY_NAME="Debian GNU/Linux {number} ({codename})"\nNAME="Debian GNU/Linux"\n'
        f'VERSION_ID="{number}"\nVERSION_CODENAME={codename}\nID=debian\n'
    )


@pytest.fixture
def scratch(tmp_path: Path) -> Scratch:
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    files = {
        "passwd": "root:x:0:0:root:/root:/bin/bash\n"
        "mosquitto:x:120:130::/var/lib/mosquitto:/usr/sbin/nologin\n",
        "group": "root:x:0:\nmosquitto:x:130:\ngpio:x:997:\nspi:x:998:\ni2c:x:999:\n",
        "shadow": "root:*:19000:0:99999:7:::\nmosquitto:*:19000:0:99999:7:::\n",
        "gshadow": "root:*::\nmosquitto:!::\ngpio:!::\nspi:!::\ni2c:!::\n",
    }
    for name, text in files.items():
        (root / "etc" / name).write_text(text)
    # Raspberry Pi OS Bookworm 64-bit: its os-release is Debian's, plus /etc/rpi-issue.
    (root / "etc" / "os-release").write_text(os_release("bookworm"))
    (root / "etc" / "rpi-issue").write_text("Raspberry Pi reference 2025-05-13\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    dpkg = bin_dir / "dpkg"
    dpkg.write_text(f'#!/bin/sh\ncat "{tmp_path / "dpkg-arch"}"\n')
    dpkg.chmod(0o755)
    (tmp_path / "dpkg-arch").write_text("arm64\n")
    source = tmp_path / "source"
    source.mkdir()
    for part in PACKAGE_PARTS:
        original = CHECKOUT / part
        if original.is_dir():
            shutil.copytree(original, source / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(original, source / part)
    return Scratch(root, source)
