"""``openspaces panels`` and ``openspaces render``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from PIL import Image

from shared.errors import ConfigError, PayloadError
from shared.render import PANELS
from shared.render import cli as render_cli
from shared.render.samples import MAIN_STATES, sample_snapshot
from shared.wire import encode


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    render_cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code: int = args.run(args)
    return code


def test_panels_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("panels", "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [p["id"] for p in listed] == list(PANELS)
    for entry in listed:
        assert {"id", "width", "height", "palette", "refresh_s", "roles"} <= set(entry)
        assert all(len(colour) == 3 for colour in entry["palette"])


def test_panels_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("panels") == 0
    assert "impression-13.3-spectra6" in capsys.readouterr().out


def test_render_a_sample_state(tmp_path: Path) -> None:
    out = tmp_path / "door.png"
    assert run("render", "--panel", "what-ssd1683-red", "--state", "open", "--out", str(out)) == 0
    with Image.open(out) as frame:
        assert frame.size == (400, 300)
        assert frame.mode == "P"


def test_render_a_snapshot_file_at_a_time(tmp_path: Path) -> None:
    snapshot = tmp_path / "room.json"
    snapshot.write_bytes(encode(sample_snapshot()))
    out = tmp_path / "a" / "door.png"
    code = run("render", "--panel", "phat-jd79661", "--snapshot", str(snapshot),
               "--at", "2025-05-16T10:20-04:00", "--offline-since", "2025-05-16T09:00-04:00",
               "--out", str(out))  # fmt: skip
    assert code == 0
    with Image.open(out) as frame:
        assert frame.size == (250, 122)


def test_render_refuses_bad_input(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="UTC offset"):
        run("render", "--panel", "phat-jd79661", "--at", "2025-05-16T10:20")
    with pytest.raises(ConfigError, match="unknown state"):
        run("render", "--panel", "phat-jd79661", "--state", "sleeping")
    with pytest.raises(ConfigError, match="unknown panel"):
        run("render", "--panel", "nope")
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    with pytest.raises(PayloadError):
        run("render", "--panel", "phat-jd79661", "--snapshot", str(bad))


def test_gallery_writes_every_main_state(tmp_path: Path) -> None:
    assert run("render", "--gallery", str(tmp_path), "--panel", "phat-v1-yellow") == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(f"phat-v1-yellow-{state}.png" for state in MAIN_STATES)
