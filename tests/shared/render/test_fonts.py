"""Text is laid out with raqm, asked for by name; a machine without it is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import ImageFont, features

from shared.cli import main
from shared.errors import LayoutEngineError
from shared.render.fonts import font, require_raqm
from tests.deploy.conftest import DEPLOY


def test_every_face_lays_text_out_with_raqm() -> None:
    assert font(20).layout_engine == ImageFont.Layout.RAQM
    assert font(33, "bold").layout_engine == ImageFont.Layout.RAQM
    assert require_raqm() == features.version("raqm")


def test_a_machine_without_raqm_is_refused_with_the_fix() -> None:
    with pytest.raises(LayoutEngineError, match=r"apt install libfribidi0"):
        require_raqm(lambda feature: None)


@pytest.mark.parametrize("command", ["node", "render", "hub"])
def test_the_commands_refuse_to_start_without_raqm(
    command: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Pillow without FriBiDi: ``node --check``, ``render`` and ``hub`` exit 2 naming the fix
    (the hub before it listens: its door previews would not match the doors)."""
    config = tmp_path / "node.toml"
    config.write_text('node_id = "door-1"\n')
    monkeypatch.setattr(features, "version", lambda feature: None)
    font.cache_clear()
    argv = {
        "node": ["node", "--config", str(config), "--check"],
        "render": ["render", "--panel", "phat-jd79661", "--out", str(tmp_path / "a.png")],
        "hub": ["hub", "--config", str(DEPLOY / "hub.example.toml")],
    }[command]
    try:
        assert main(argv) == 2
    finally:
        font.cache_clear()
    assert "apt install libfribidi0" in capsys.readouterr().err
    assert not (tmp_path / "a.png").exists()
