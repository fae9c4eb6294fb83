"""Frames: only palette colours, text inside its boxes, every panel × every state, fast."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from PIL import Image

from shared.render import PANELS, Panel, door_view, frame_hash, paint_frame, render_door
from shared.render.compact import NOTICE_MARKER
from shared.render.door import DoorView
from shared.render.fonts import REPLACEMENT
from shared.render.paint import Placement
from shared.render.samples import STATES, sample_scene, sample_snapshot
from shared.wire import RoomSnapshot, SessionCard


def colours(frame: Image.Image) -> set[object]:
    rgb = frame.convert("RGB")
    return {colour for _, colour in rgb.getcolors(maxcolors=1 << 16) or []}


def assert_sane(frame: Image.Image, placements: list[Placement], panel: Panel) -> None:
    assert frame.mode == "P"
    assert frame.size == (panel.width, panel.height)
    assert frame.getpalette() == [c for colour in panel.palette for c in colour]
    assert colours(frame) <= set(panel.palette)
    for placed in placements:
        left, top, right, bottom = placed.box
        assert left >= 0
        assert top >= 0
        assert right <= panel.width
        assert bottom <= panel.height
        for ink in placed.ink:
            inside = left <= ink[0] <= ink[2] <= right and top <= ink[1] <= ink[3] <= bottom
            assert inside, (placed.text, placed.box, ink)


@pytest.mark.parametrize("panel_id", sorted(PANELS))
def test_every_state_on_every_panel(panel_id: str) -> None:
    panel = PANELS[panel_id]
    for state in STATES:
        scene = sample_scene(state)
        view = door_view(scene.snapshot, scene.at, scene.context)
        frame, placements = paint_frame(view, panel)
        assert_sane(frame, placements, panel)
        assert placements, f"{state}: nothing drawn"
        assert any(view.headline in " ".join(p.lines) or p.text == view.headline
                   for p in placements), state  # fmt: skip
        again = render_door(scene.snapshot, scene.at, panel, scene.context)
        assert frame_hash(again) == frame_hash(frame), f"{state} is not deterministic"


def texts(placements: list[Placement]) -> str:
    return "\n".join(" ".join(p.lines) for p in placements)


def test_the_small_phat_shows_room_topic_full_and_next() -> None:
    scene = sample_scene("full")
    view = door_view(scene.snapshot, scene.at, scene.context)
    _, placements = paint_frame(view, PANELS["phat-ssd1608-red"])
    drawn = texts(placements)
    for part in ("Room 301", "Packaging Python", "FULL", "Next 11:00"):
        assert part in drawn


def test_big_panels_add_host_suggestions_qr_and_footer() -> None:
    scene = sample_scene("full")
    view = door_view(scene.snapshot, scene.at, scene.context)
    _, placements = paint_frame(view, PANELS["impression-13.3-spectra6"])
    drawn = texts(placements)
    for part in ("Ana Lúcia Pereira", "Also on now: Room 302", "Session page", "Updated Fri"):
        assert part in drawn


def test_full_uses_the_accent_colour() -> None:
    panel = PANELS["impression-7.3-spectra6"]
    scene = sample_scene("full")
    full = render_door(scene.snapshot, scene.at, panel, scene.context)
    assert panel.palette[panel.accent] in colours(full)


def test_offline_footer_is_drawn() -> None:
    scene = sample_scene("offline")
    view = door_view(scene.snapshot, scene.at, scene.context)
    for panel_id in ("phat-ssd1608-red", "what-ssd1683-yellow", "impression-7.3-spectra6"):
        _, placements = paint_frame(view, PANELS[panel_id])
        assert "Offline since 09:30" in texts(placements), panel_id


def absurd_snapshot() -> RoomSnapshot:
    """A snapshot past the wire model's limits, built without validation."""
    snapshot = sample_snapshot()
    long = "Wörds and Ελληνικά " * 600
    card = SessionCard.model_construct(
        id=1,
        title=long[:10_000],
        host_name="x" * 10_000,
        host_handle="@" + "y" * 5_000,
        full=True,
        url="https://example.org/" + "z" * 300,
    )
    first = snapshot.slots[0].model_copy(update={"session": card})
    return snapshot.model_copy(update={"slots": [first, *snapshot.slots[1:]]})


@pytest.mark.parametrize("panel_id", sorted(PANELS))
def test_absurd_text_draws_a_sane_frame(panel_id: str) -> None:
    panel = PANELS[panel_id]
    scene = sample_scene("session")
    view = door_view(absurd_snapshot(), scene.at, scene.context)
    frame, placements = paint_frame(view, panel)
    assert_sane(frame, placements, panel)
    assert any(p.truncated for p in placements), "10,000 characters cannot fit"
    assert all(line.endswith("…") for p in placements if p.truncated for line in p.lines[-1:])


def test_scripts_render_and_missing_glyphs_are_visible() -> None:
    scene = sample_scene("unicode")
    snapshot = scene.snapshot
    assert snapshot is not None
    slots = list(snapshot.slots)
    card = slots[5].session  # the first day's 16:00 session
    assert card is not None
    # CJK draws from the fallback chain; Egyptian hieroglyphs from no face the doors install
    odd = card.model_copy(
        update={"title": "Ελληνικά кириллица 中文 \U00013000\U00013001 talk\u0007"}
    )
    slots[5] = slots[5].model_copy(update={"session": odd})
    view = door_view(snapshot.model_copy(update={"slots": slots}), scene.at, scene.context)
    _, placements = paint_frame(view, PANELS["impression-7.3-spectra6"])
    drawn = texts(placements)
    assert "Ελληνικά кириллица 中文" in drawn
    assert f"{REPLACEMENT}{REPLACEMENT} talk" in drawn
    assert "\u0007" not in drawn


def test_an_absurd_time_draws_a_sane_frame() -> None:
    scene = sample_scene("session")
    for at in (scene.at + timedelta(days=3000), scene.at - timedelta(days=3000)):
        for panel_id in ("phat-v1-red", "impression-13.3-spectra6"):
            frame, placements = paint_frame(door_view(scene.snapshot, at, scene.context),
                                            PANELS[panel_id])  # fmt: skip
            assert_sane(frame, placements, PANELS[panel_id])


def test_each_field_is_its_own_run_so_right_to_left_text_stays_in_its_field() -> None:
    panel = PANELS["impression-7.3-spectra6"]
    host = "Ana Lúcia · @ana"
    plain = DoorView("session", "Room 301", "Packaging", when="10:00–11:00", host=host)
    hebrew = replace(plain, headline="שלום עולם Packaging")
    override = replace(plain, headline="\u202eשלום עולם Packaging\u2066")
    frame, placed = paint_frame(hebrew, panel)
    overridden, _ = paint_frame(override, panel)
    assert frame_hash(overridden) == frame_hash(frame)  # a stray override or isolate does nothing
    [line] = [p for p in placed if p.text == host]
    [same] = [p for p in paint_frame(plain, panel)[1] if p.text == host]
    assert line.lines == (host,)
    assert [(ink[0], ink[2]) for ink in line.ink] == [(ink[0], ink[2]) for ink in same.ink]
    headline = next(p for p in placed if "שלום" in p.text)
    assert host not in " ".join(headline.lines)


def test_on_a_phat_full_owns_the_panel() -> None:
    scene = sample_scene("full")
    view = door_view(scene.snapshot, scene.at, scene.context)
    for panel_id in ("phat-v1-red", "phat-ssd1608-yellow", "phat-jd79661"):
        _, placements = paint_frame(view, PANELS[panel_id])
        sizes = {p.text: p.size for p in placements}
        assert sizes["FULL"] == max(sizes.values()), panel_id
        [full] = [p for p in placements if p.text == "FULL"]
        assert full.box[3] - full.box[1] > PANELS[panel_id].height // 3


def test_an_announcement_a_phat_cannot_show_is_a_marker() -> None:
    scene = sample_scene("between")
    view = door_view(scene.snapshot, scene.at, scene.context)
    assert view.banner
    _, placements = paint_frame(view, PANELS["phat-ssd1608-red"])
    drawn = texts(placements)
    assert NOTICE_MARKER in drawn
    assert "Lunch" not in drawn
    quiet = door_view(sample_scene("session").snapshot, scene.at, scene.context)
    assert NOTICE_MARKER not in texts(paint_frame(quiet, PANELS["phat-ssd1608-red"])[1])
