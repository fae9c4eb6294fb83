"""The package builds from a checkout without a warning, with its SPDX licence."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.deploy.conftest import OFFLINE_PIP, Scratch, offline_env


def test_the_wheel_builds_without_deprecation_warnings(scratch: Scratch, tmp_path: Path) -> None:
    out = tmp_path / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--verbose", *OFFLINE_PIP.split(), "--wheel-dir",
         str(out), str(scratch.source)],
        capture_output=True, text=True, env=offline_env(), timeout=120, check=False,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr
    assert "deprecat" not in (build.stdout + build.stderr).lower()
    (wheel,) = out.glob("openspaces_doors-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = (name for name in archive.namelist() if name.endswith("/METADATA"))
        assert "License-Expression: MIT" in archive.read(metadata).decode().splitlines()
