"""InkyDisplay: frames reach the unmodified inky drivers through real panel helper processes.

Each helper runs ``python -m signage_node.panel_helper`` on the fake bus of
:mod:`tests.signage_node.fake_bus`; what it sent is decoded back into pixels here.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from shared.errors import ConfigError, PanelError
from shared.render import PANELS, Panel, frame_hash, render_door
from shared.render.samples import sample_scene
from signage_node.events import SnapshotArrived
from signage_node.inky_display import (
    HELPER_COMMAND,
    InkyDisplay,
    PanelHelper,
    detect_panel,
    panel_for_board,
    spec_of,
)
from tests.signage_node.conftest import GatedPanel, LoopNode, snapshot
from tests.signage_node.fake_panel import REPOSITORY, decode, eeprom, fake_helper, recorded

BUSES = "tests.signage_node.fake_bus:buses"
#: One panel for each driver module of inky 2.6.
ONE_PER_DRIVER = sorted({panel.driver: panel.id for panel in PANELS.values()}.values())
Helper = Callable[..., PanelHelper]


@pytest.fixture
def helper(tmp_path: Path) -> Helper:
    """A panel helper on the fake bus that records what it sent in this test's folder."""

    def make(**variables: str) -> PanelHelper:
        return fake_helper(wiring=str(tmp_path / "wiring.pickle"), **variables)

    return make


def door_frame(panel: Panel, state: str = "session") -> Image.Image:
    scene = sample_scene(state)
    return render_door(scene.snapshot, scene.at, panel, scene.context)


@pytest.mark.parametrize("panel_id", ONE_PER_DRIVER)
def test_the_frame_reaches_the_driver_through_the_helper(
    panel_id: str, helper: Helper, tmp_path: Path
) -> None:
    panel = PANELS[panel_id]
    display = InkyDisplay(panel, helper=helper())
    frame = door_frame(panel, "full")

    display.show(frame)

    sent = decode(panel, recorded(tmp_path / "wiring.pickle"))
    assert np.array_equal(sent, np.asarray(frame.convert("RGB"))), f"{panel_id}: pixels differ"
    assert display.frames_shown == 1
    assert display.helper_peak_kb is not None
    assert display.helper_peak_kb > 1000


def test_frames_of_another_size_or_palette_are_refused(helper: Helper, tmp_path: Path) -> None:
    panel = PANELS["what-ssd1683-red"]
    display = InkyDisplay(panel, helper=helper())
    with pytest.raises(ValueError, match="frame is"):
        display.show(Image.new("P", (10, 10)))
    with pytest.raises(ValueError, match="palette"):
        display.show(Image.new("RGB", (panel.width, panel.height), "white"))
    assert not (tmp_path / "wiring.pickle").exists(), "no helper was started"


@pytest.mark.parametrize(
    ("fault", "message"),
    [("spi", "OSError: [Errno 5] Input/output error"), ("busy", "the panel stayed busy")],
)
def test_a_failed_refresh_is_a_panel_error(fault: str, message: str, helper: Helper) -> None:
    panel = PANELS["impression-7.3-spectra6"]
    display = InkyDisplay(panel, helper=helper(fault=fault))
    with pytest.raises(PanelError) as failed:
        display.show(door_frame(panel))
    assert message in str(failed.value)
    assert display.frames_shown == 0


def test_a_helper_that_hangs_is_stopped(helper: Helper, tmp_path: Path) -> None:
    panel = PANELS["impression-7.3-spectra6"]
    display = InkyDisplay(panel, helper=helper(fault="hang"), timeout_s=3)
    with pytest.raises(PanelError, match="did not finish within 3 s; stopped"):
        display.show(door_frame(panel))
    assert not helpers_running(str(tmp_path)), "the hung helper was killed"


def helpers_running(marker: str) -> list[int]:
    """Processes whose environment mentions ``marker`` (this test's folder)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and marker.encode() in (proc / "environ").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return [pid for pid in found if pid != os.getpid()]


def test_a_helper_that_dies_or_cannot_start_is_a_panel_error() -> None:
    panel = PANELS["phat-ssd1608-red"]
    dying = "import sys; print('half an answer'); sys.exit('the driver exploded')"
    crashing = PanelHelper([sys.executable, "-c", dying])
    with pytest.raises(PanelError, match=r"stopped \(exit 1\) without an answer: the driver"):
        InkyDisplay(panel, helper=crashing).show(door_frame(panel))
    with pytest.raises(PanelError, match="cannot start the panel helper"):
        InkyDisplay(panel, helper=PanelHelper(["/nonexistent/python"])).show(door_frame(panel))


def test_the_board_names_its_panel(helper: Helper) -> None:
    board = eeprom(1600, 1200, "spectra6", 21).hex()
    assert detect_panel(helper(eeprom=board)).id == "impression-13.3-spectra6"
    board = eeprom(250, 122, "yellow", 12).hex()
    assert detect_panel(helper(eeprom=board)).id == "phat-ssd1608-yellow"


def test_no_eeprom_means_naming_the_panel(helper: Helper) -> None:
    with pytest.raises(ConfigError) as failed:
        detect_panel(helper(), "/etc/openspaces/node.toml")
    assert (failed.value.source, failed.value.key) == ("/etc/openspaces/node.toml", "panel")
    assert failed.value.problem == (
        '"auto": RuntimeError: No EEPROM detected! You must manually initialise your Inky '
        "board. Set the panel id in the node config."
    )


def test_a_board_we_do_not_know_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="no panel entry"):
        panel_for_board({"classes": ["inky.inky_e673:Inky"], "width": 1, "height": 1})


def test_the_working_folder_is_not_on_the_helpers_path(
    helper: Helper, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A node's working folder is its state folder: nothing put there is imported."""
    assert HELPER_COMMAND[:4] == (sys.executable, "-P", "-m", "signage_node.panel_helper")
    trap = tmp_path / "work"
    (trap / "inky").mkdir(parents=True)
    (trap / "inky" / "__init__.py").write_text("raise SystemExit('imported from the cwd')\n")
    monkeypatch.chdir(trap)
    board = eeprom(800, 480, "spectra6", 22).hex()
    assert detect_panel(helper(eeprom=board)).id == "impression-7.3-spectra6"


def test_a_stop_signal_waits_for_the_refresh(helper: Helper, tmp_path: Path) -> None:
    """``systemctl stop`` signals the helper too: it finishes the refresh, then exits."""
    panel = PANELS["impression-7.3-spectra6"]
    png = io.BytesIO()
    door_frame(panel).save(png, format="PNG")
    made = helper(fault="slow")
    arguments = ["show", *spec_of(panel).arguments()]
    with subprocess.Popen([*made.command, *arguments], env=made.environ,
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE) as running:  # fmt: skip
        assert running.stdin is not None
        running.stdin.write(png.getvalue())
        running.stdin.close()
        wait_until_exists(tmp_path / "wiring.pickle.busy")  # the first transfer is under way
        running.send_signal(signal.SIGTERM)
        running.send_signal(signal.SIGINT)
        assert running.stdout is not None
        out = running.stdout.read()
        assert running.wait(60) == 0
    assert json.loads(out)["ok"] is True
    sent = decode(panel, recorded(tmp_path / "wiring.pickle"))
    assert np.array_equal(sent, np.asarray(door_frame(panel).convert("RGB")))


def wait_until_exists(path: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.02)


def test_the_node_process_never_imports_inky_or_numpy(tmp_path: Path) -> None:
    """The point of the helper: the node's own memory never holds inky, numpy or a driver."""
    script = textwrap.dedent(f"""
        import os, sys
        from shared.render import get_panel, render_door
        from shared.render.samples import sample_scene
        from signage_node.inky_display import InkyDisplay, PanelHelper
        panel = get_panel("impression-7.3-spectra6")
        scene = sample_scene("session")
        frame = render_door(scene.snapshot, scene.at, panel, scene.context)
        InkyDisplay(panel, helper=PanelHelper(buses={BUSES!r})).show(frame)
        print(sorted(m for m in ("numpy", "inky", "gpiod") if m in sys.modules))
    """)
    environ = {**os.environ, "PYTHONPATH": str(REPOSITORY)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=environ, cwd=tmp_path, check=True)  # fmt: skip
    assert done.stdout.strip() == "[]"


class HelperPanel(GatedPanel):
    """A door's panel that refreshes through a real InkyDisplay and its helper."""

    def __init__(self, display: InkyDisplay) -> None:
        super().__init__(display.panel)
        self.display = display

    def show(self, frame: Image.Image) -> None:
        self.display.show(frame)
        self.shown.append(frame_hash(frame))


def test_a_node_reports_the_helpers_failure_and_retries(
    loop_node: Callable[..., LoopNode], helper: Helper
) -> None:
    panel = HelperPanel(InkyDisplay(PANELS["impression-7.3-spectra6"], helper=helper(fault="spi")))
    door = loop_node(panel)
    door.deliver(SnapshotArrived("room-a", snapshot(1)))
    assert door.node.settle()
    status = door.node.last_status
    assert status is not None
    assert status.last_error == "display: PanelError: OSError: [Errno 5] Input/output error"
    panel.display = InkyDisplay(panel.display.panel, helper=helper())  # the panel is mended
    door.move(5)  # the first retry
    assert door.node.settle()
    assert len(panel.shown) == 1
    status = door.node.last_status
    assert status is not None
    assert status.frame_hash == panel.shown[-1]
