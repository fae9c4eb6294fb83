"""The panel catalogue against the inky drivers it names."""

from __future__ import annotations

import importlib
import json

import pytest

from shared.errors import ConfigError
from shared.render import PANELS, get_panel
from shared.render.panels import BLACK, RED, WHITE, YELLOW


def driver_module(panel_id: str) -> object:
    return importlib.import_module(PANELS[panel_id].driver.partition(":")[0])


def test_every_inky_display_class_is_catalogued() -> None:
    modules = {p.driver.partition(":")[0] for p in PANELS.values()}
    assert modules == {
        "inky.inky", "inky.inky_ssd1608", "inky.inky_ssd1683", "inky.inky_jd79661",
        "inky.inky_jd79668", "inky.inky_ssd2683", "inky.inky_uc8159", "inky.inky_ac073tc1a",
        "inky.inky_e640", "inky.inky_e673", "inky.inky_el133uf1",
    }  # fmt: skip
    assert len(PANELS) == 21


@pytest.mark.parametrize("panel_id", sorted(PANELS))
def test_roles_and_sizes_make_sense(panel_id: str) -> None:
    panel = PANELS[panel_id]
    count = len(panel.palette)
    assert len(set(panel.palette)) == count
    for role in (panel.background, panel.text, panel.accent, panel.accent_text):
        assert 0 <= role < count
    assert panel.palette[panel.background] == WHITE
    assert panel.palette[panel.text] == BLACK
    assert panel.accent_text != panel.accent
    assert panel.refresh_s > 0
    driver = getattr(driver_module(panel_id), panel.driver.partition(":")[2])
    assert callable(driver)


@pytest.mark.parametrize("panel_id", sorted(PANELS))
def test_palette_is_in_the_drivers_order(panel_id: str) -> None:
    panel = PANELS[panel_id]
    module = driver_module(panel_id)
    driver = getattr(module, panel.driver.partition(":")[2])
    pure = getattr(driver, "DESATURATED_PALETTE", None)
    if pure is None:  # white, black, red or yellow by index
        extra = {"red": [RED], "yellow": [YELLOW], "black": []}[panel.driver_colour or ""]
        assert list(panel.palette) == [WHITE, BLACK, *extra]
        assert (module.WHITE, module.BLACK, module.RED) == (0, 1, 2)  # type: ignore[attr-defined]
    else:
        assert [list(c) for c in panel.palette] == pure[: len(panel.palette)]


def test_accent_for_full_is_a_real_colour_where_there_is_one() -> None:
    assert PANELS["phat-ssd1608-red"].palette[PANELS["phat-ssd1608-red"].accent] == RED
    yellow = PANELS["what-ssd1683-yellow"]
    assert yellow.palette[yellow.accent] == YELLOW
    assert yellow.palette[yellow.accent_text] == BLACK, "black on yellow, not white"
    assert yellow.accent_ink == yellow.text, "yellow text on white cannot be read"
    black = PANELS["phat-v1-black"]
    assert black.palette[black.accent] == BLACK
    assert black.palette[black.accent_text] == WHITE


def test_as_dict_is_the_cli_contract() -> None:
    data = json.loads(json.dumps(PANELS["impression-13.3-spectra6"].as_dict()))
    assert data["id"] == "impression-13.3-spectra6"
    assert (data["width"], data["height"]) == (1600, 1200)
    assert data["palette"][0] == [0, 0, 0]
    assert set(data["roles"]) == {"background", "text", "accent", "on_accent"}
    assert data["refresh_s"] == 20.0


def test_unknown_panel_names_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="phat-ssd1608-red"):
        get_panel("phat-ssd9999")
