"""The renderer reports every text with its role and size in millimetres; the gallery sheets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shared.cli import main
from shared.render import PANELS, Panel, door_view
from shared.render.gallery import seen_from_two_metres
from shared.render.legibility import below_floor, floor_mm, text_runs
from shared.render.physical import active_area_mm, cap_height_mm, cap_height_px, mm_per_px
from shared.render.samples import SCRIPT_SAMPLES, sample_scene, script_scene


def test_active_areas_come_from_the_published_figure_or_the_diagonal() -> None:
    assert active_area_mm(PANELS["what-ssd1683-red"]) == (84.8, 63.6)
    width, height = active_area_mm(PANELS["impression-7.3-spectra6"])
    assert (width**2 + height**2) ** 0.5 == pytest.approx(7.3 * 25.4, rel=0.01)
    assert mm_per_px(PANELS["what-v1-black"]) == pytest.approx(0.212)


def test_layout_json_names_each_text_with_its_role_and_cap_height(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["render", "--panel", "what-ssd1683-red", "--state", "full", "--script", "japanese",
            "--layout-json"]  # fmt: skip
    assert main(argv) == 0
    runs = json.loads(capsys.readouterr().out)
    roles = {run["role"]: run for run in runs}
    assert {"room", "time", "topic", "state", "footer"} <= set(roles)
    assert roles["topic"]["text"] == "型ヒントを使おう"
    assert roles["state"]["text"] == "FULL"
    panel = PANELS["what-ssd1683-red"]
    for run in runs:
        assert run["cap_height_mm"] == cap_height_mm(panel, run["size_px"])
        assert run["cap_height_mm"] == pytest.approx(cap_height_px(run["size_px"]) * 0.212, 0.02)


def test_an_unknown_script_is_a_config_error(tmp_path: Path) -> None:
    argv = ["render", "--panel", "what-ssd1683-red", "--script", "klingon",
            "--out", str(tmp_path / "a.png")]  # fmt: skip
    assert main(argv) == 2
    assert not (tmp_path / "a.png").exists()


def test_the_two_metres_sheet_shrinks_each_panel_by_its_physical_size() -> None:
    # 159 mm seen from 2 m, drawn for a reader 60 cm from a 96 dpi screen: 180 px
    assert seen_from_two_metres(PANELS["impression-7.3-spectra6"]) == (180, 108)
    assert seen_from_two_metres(PANELS["phat-ssd1608-red"])[0] == 55


SMALL_PANELS = [panel for panel in PANELS.values() if panel.compact]
STATES_SHOWN = ("session", "full", "open", "moved", "cancelled", "blocked", "between",
                "after_day", "before", "offline")  # fmt: skip


@pytest.mark.parametrize("panel", SMALL_PANELS, ids=lambda panel: panel.id)
def test_nothing_on_a_phat_is_below_two_millimetres(panel: Panel) -> None:
    """The pHATs' floor (issue 15) for every sample state and every sample script."""
    scenes = [sample_scene(state) for state in STATES_SHOWN]
    scenes += [script_scene(script, state) for script in SCRIPT_SAMPLES for state in
               ("session", "full")]  # fmt: skip
    for scene in scenes:
        view = door_view(scene.snapshot, scene.at, scene.context)
        assert below_floor(view, panel) == [], scene.state
        assert all(floor_mm(panel, run.role) == 2.0 for run in text_runs(view, panel))
