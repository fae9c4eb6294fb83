"""The panel helper on the unmodified inky drivers, over a fake SPI bus and fake gpiod lines.

In this process: every panel's frame goes through ``set_image()`` + ``show()`` of its real
driver class; the bytes the driver sends are decoded back into pixels and compared with the
frame. ``main()`` is driven as the node drives the helper: PNG in, one JSON line out.
"""

from __future__ import annotations

import importlib
import io
import json
import signal
import sys
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from gpiod.line import Value
from PIL import Image, ImageDraw

from shared.errors import PanelError, PinsInUseError
from shared.render import PANELS, Panel, render_door
from shared.render.samples import sample_scene
from signage_node import panel_helper
from signage_node.inky_display import panel_for_board, spec_of
from signage_node.panel_helper import build_driver, detect, refresh
from tests.signage_node.fake_bus import IDLE_BUSY, FakeLines, FakeSpi, FastTime, I2c, Wiring
from tests.signage_node.fake_panel import decode, eeprom, module_of


@pytest.fixture(autouse=True)
def stop_signals_kept() -> Iterator[None]:
    """``show`` ignores SIGTERM and SIGINT for good (a helper ends after one refresh); this
    test process gets them back."""
    kept = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    yield
    for signum, handler in kept.items():
        signal.signal(signum, handler)


@pytest.fixture(autouse=True)
def instant_glass(monkeypatch: pytest.MonkeyPatch) -> None:
    """The drivers wait seconds for the glass; here the glass is instant."""
    for name in IDLE_BUSY:
        monkeypatch.setattr(importlib.import_module(name), "time", FastTime())


def colourful_frame(panel: Panel) -> Image.Image:
    scene = sample_scene("full")
    frame = render_door(scene.snapshot, scene.at, panel, scene.context)
    draw = ImageDraw.Draw(frame)
    for index in range(len(panel.palette)):
        draw.rectangle((3 + 9 * index, 3, 10 + 9 * index, 14), fill=index)
    return frame


def fake_buses(wiring: Wiring, **faults: Any) -> dict[str, Any]:
    return {"spi_bus": FakeSpi(wiring, faults.get("fault")),
            "gpio": FakeLines(wiring, faults.get("stuck")), "i2c_bus": I2c()}  # fmt: skip


def test_frame_shape() -> None:
    """Every panel's frame: every palette colour and some text, as the renderer makes it."""
    for panel in PANELS.values():
        frame = colourful_frame(panel)
        assert frame.mode == "P"
        assert len(frame.getcolors() or []) == len(panel.palette)


@pytest.mark.parametrize("panel_id", sorted(PANELS))
def test_every_panel_gets_its_frame_through_the_real_driver(panel_id: str) -> None:
    panel = PANELS[panel_id]
    wiring = Wiring(IDLE_BUSY[module_of(panel)])
    driver = build_driver(spec_of(panel), fake_buses(wiring))
    frame = colourful_frame(panel)

    refresh(driver, frame)

    sent = decode(panel, wiring)
    assert sent.shape == (panel.height, panel.width, 3)
    expected = np.asarray(frame.convert("RGB"))
    assert np.array_equal(sent, expected), f"{panel_id}: the glass would differ from the frame"


def test_the_13_inch_selects_each_half_by_hand() -> None:
    panel = PANELS["impression-13.3-spectra6"]
    driver = build_driver(spec_of(panel), fake_buses(Wiring(IDLE_BUSY[module_of(panel)])))
    assert (driver.cs0_pin, driver.cs1_pin) == (26, 16)


def test_a_bus_error_fails_the_refresh() -> None:
    panel = PANELS["impression-7.3-spectra6"]
    driver = build_driver(spec_of(panel), fake_buses(Wiring([Value.ACTIVE]), fault="spi"))
    with pytest.raises(PanelError, match=r"OSError: .*Input/output error"):
        refresh(driver, colourful_frame(panel))


def test_short_power_waits_that_time_out_are_harmless() -> None:
    """The 5.7" 7-colour driver waits 0.2 s for BUSY after power on and off; a panel that gives
    no pulse there makes inky warn "Timed out", yet the refresh (the 32 s wait) is good."""
    panel = PANELS["impression-5.7-7colour"]
    wiring = Wiring(IDLE_BUSY[module_of(panel)])
    buses = {"spi_bus": FakeSpi(wiring), "gpio": FakeLines(wiring, quiet_below_s=1.0),
             "i2c_bus": I2c()}  # fmt: skip
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        refresh(build_driver(spec_of(panel), buses), colourful_frame(panel))
    assert seen == []  # logged, not raised or leaked
    assert (decode(panel, wiring) == np.array(colourful_frame(panel).convert("RGB"))).all()


NEVER_BUSY = "Refresh Wait: Timed out waiting for busy after 65.00s"


@pytest.mark.parametrize(
    ("messages", "failed"),
    [
        (["Busy Wait: Timed out after 0.20s", "Busy Wait: Timed out after 0.40s"], []),
        (["Busy Wait: Timed out after 1.00s"], []),
        (["Busy Wait: Timed out after 32.00s"], ["Busy Wait: Timed out after 32.00s"]),
        (["Refresh Wait: Timed out after 65.00s"], ["Refresh Wait: Timed out after 65.00s"]),
        ([NEVER_BUSY], [NEVER_BUSY]),
        (["Busy Wait: Held high. Waiting for 0.20s"], []),
        (["Timed out"], ["Timed out"]),  # no length said: counted as the refresh's
    ],
)  # fmt: skip
def test_only_the_long_waits_timeout_fails_a_refresh(
    messages: list[str], failed: list[str]
) -> None:
    assert panel_helper.failed_waits(messages) == failed


def test_pins_in_use_are_a_named_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """gpiodevice reports claimed pins with SystemExit, past any ``except Exception``."""
    panel = PANELS["impression-7.3-spectra6"]
    driver = build_driver(spec_of(panel), fake_buses(Wiring([Value.ACTIVE])))

    def claimed(*args: object, **kwargs: object) -> None:
        raise SystemExit("Woah there, some pins we need are in use!\nGPIO8: claimed by spi0 CS0")

    monkeypatch.setattr(driver, "setup", claimed)
    with pytest.raises(PinsInUseError, match=r"GPIO8: claimed by spi0 CS0.*dtoverlay=spi0-0cs"):
        refresh(driver, colourful_frame(panel))


def test_a_panel_that_stays_busy_fails_the_refresh() -> None:
    """inky only warns when BUSY never clears; the helper calls that a failed refresh."""
    panel = PANELS["impression-7.3-spectra6"]
    wiring = Wiring([Value.ACTIVE])
    driver = build_driver(spec_of(panel), fake_buses(wiring, stuck=Value.INACTIVE))
    with pytest.raises(PanelError, match="stayed busy: Busy Wait: Timed out"):
        refresh(driver, colourful_frame(panel))
    assert wiring.data(0x02), "the driver still powered the panel off (POF) after the timeout"


BOARDS = [
    (eeprom(212, 104, "red", 1), "phat-v1-red"),
    (eeprom(212, 104, "black", 4), "phat-v1-black"),
    (eeprom(212, 104, "yellow", 5), "phat-v1-yellow"),
    (eeprom(250, 122, "black", 10), "phat-ssd1608-black"),
    (eeprom(250, 122, "red", 11), "phat-ssd1608-red"),
    (eeprom(250, 122, "yellow", 12), "phat-ssd1608-yellow"),
    (eeprom(400, 300, "yellow", 2), "what-v1-yellow"),
    (eeprom(400, 300, "black", 3), "what-v1-black"),
    (eeprom(400, 300, "red", 6), "what-v1-red"),
    (eeprom(600, 448, "7colour", 14), "impression-5.7-7colour"),
    (eeprom(640, 400, "7colour", 16), "impression-4-7colour"),
    (eeprom(400, 300, "black", 17), "what-ssd1683-black"),
    (eeprom(400, 300, "red", 18), "what-ssd1683-red"),
    (eeprom(400, 300, "yellow", 19), "what-ssd1683-yellow"),
    (eeprom(800, 480, "7colour", 20), "impression-7.3-7colour"),
    (eeprom(1600, 1200, "spectra6", 21), "impression-13.3-spectra6"),
    (eeprom(800, 480, "spectra6", 22), "impression-7.3-spectra6"),
    (eeprom(250, 122, "red/yellow", 23), "phat-jd79661"),
    (eeprom(400, 300, "red/yellow", 24), "what-jd79668"),
    (eeprom(600, 400, "spectra6", 25), "impression-4-spectra6"),
    (eeprom(400, 300, "red/yellow", 28), "what-ssd2683"),
]


@pytest.mark.parametrize(("board", "panel_id"), BOARDS, ids=[p for _, p in BOARDS])
def test_detect_describes_the_board(board: bytes, panel_id: str) -> None:
    panel = PANELS[panel_id]
    found = detect({"i2c_bus": I2c(board)})
    assert panel_for_board(found).id == panel_id
    assert panel.driver in found["classes"]
    assert (found["width"], found["height"]) == (panel.width, panel.height)
    if panel.driver_colour is not None:
        assert found["colour"] == panel.driver_colour


def test_every_panel_is_reachable_by_auto() -> None:
    assert {panel_id for _, panel_id in BOARDS} == set(PANELS)


def test_no_eeprom_is_inkys_error() -> None:
    with pytest.raises(RuntimeError, match="No EEPROM detected"):
        detect({"i2c_bus": I2c()})


def test_inky_is_imported_without_pkg_resources(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "pkg_resources", raising=False)
    for name in [m for m in sys.modules if m == "inky" or m.startswith("inky.")]:
        monkeypatch.delitem(sys.modules, name)
    panel_helper.import_inky()
    assert "pkg_resources" not in sys.modules
    assert sys.modules["inky"].__path__, "inky is still a package (pkgutil's namespace path)"


def run_main(arguments: list[str], frame: bytes = b"") -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    code = panel_helper.main(arguments, stdin=io.BytesIO(frame), stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1, "one JSON line, nothing else, on stdout"
    return code, json.loads(lines[0])


def png(frame: Image.Image) -> bytes:
    out = io.BytesIO()
    frame.save(out, format="PNG")
    return out.getvalue()


BUSES = ["--buses", "tests.signage_node.fake_bus:buses"]


def test_main_shows_a_png_and_answers_in_json() -> None:
    panel = PANELS["what-ssd1683-red"]
    arguments = [*BUSES, "show", *spec_of(panel).arguments()]
    code, answer = run_main(arguments, png(colourful_frame(panel)))
    assert code == 0
    assert answer["ok"] is True
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_IGN, "a stop waits for the glass"
    assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    assert answer["seconds"] >= 0
    assert answer["peak_rss_kb"] > 1000


@pytest.mark.parametrize(
    ("frame", "problem"),
    [(b"not a png", "not an image"), (png(Image.new("P", (10, 10))), "the panel is P")],
)
def test_main_refuses_a_bad_frame(frame: bytes, problem: str) -> None:
    arguments = [*BUSES, "show", *spec_of(PANELS["what-ssd1683-red"]).arguments()]
    code, answer = run_main(arguments, frame)
    assert (code, answer["ok"]) == (1, False)
    assert problem in answer["error"]


def test_main_names_an_unknown_driver_and_bad_buses() -> None:
    frame = png(colourful_frame(PANELS["what-ssd1683-red"]))
    code, answer = run_main([*BUSES, "show", "--driver", "inky.nothing:Inky",
                             "--size", "400x300"], frame)  # fmt: skip
    assert code == 1
    assert "cannot build inky.nothing:Inky" in answer["error"]
    code, answer = run_main(["--buses", "no.such:module", "detect"])
    assert code == 1
    assert "--buses no.such:module" in answer["error"]


def test_main_detects(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENSPACES_TEST_EEPROM", eeprom(800, 480, "spectra6", 22).hex())
    code, answer = run_main([*BUSES, "detect"])
    assert code == 0
    assert "inky.inky_e673:Inky" in answer["classes"]
    monkeypatch.delenv("OPENSPACES_TEST_EEPROM")
    code, answer = run_main([*BUSES, "detect"])
    assert code == 1
    assert "No EEPROM detected" in answer["error"]


def test_a_bad_size_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as exited:
        panel_helper.main(["show", "--driver", "inky.inky_e673:Inky", "--size", "big"])
    assert exited.value.code == 2
