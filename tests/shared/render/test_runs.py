"""Per-glyph fallback: runs by coverage, right-to-left lines, the marker for what no face draws."""

from __future__ import annotations

from PIL import Image, ImageDraw

from shared.render import PANELS, door_view, fonts, paint_frame
from shared.render.fonts import FALLBACK_CACHE_SIZE, REPLACEMENT, clean_text, face_for
from shared.render.runs import ChainFont, is_rtl, split_runs
from shared.render.samples import SCRIPT_SAMPLES, script_scene
from shared.render.text import draw_text, fit_text


def test_each_script_draws_from_a_face_that_has_it() -> None:
    assert face_for("é") == face_for("ش") == face_for("ש") == 0  # DejaVu
    faces = {face_for(char) for char in "中あ한ाสก🐍"}
    assert None not in faces
    assert 0 not in faces
    assert face_for("\U00013000") is None


def test_a_mixed_line_splits_into_runs_and_marks_stay_with_their_base() -> None:
    runs = split_runs("PyCon 東京 2025", "bold")
    assert [text for _, text in runs] == ["PyCon ", "東京 ", "2025"]
    assert runs[1][0] == face_for("東")
    assert runs[2][0] == 0
    # SARA AM (U+0E33) is missing from DejaVu even though raqm can decompose it: one Thai run
    assert len(split_runs("สำหรับ", "regular")) == 1
    assert len(split_runs("में", "regular")) == 1


def test_a_character_no_face_draws_is_the_documented_marker() -> None:
    assert clean_text("a\U00013000b\ufe0f") == f"a{REPLACEMENT}b"


def test_a_right_to_left_line_aligns_right_and_a_latin_one_left() -> None:
    def ink(text: str) -> tuple[int, int]:
        image = Image.new("1", (400, 60), 0)
        fitted = fit_text(text, 400, 60, max_size=20, min_size=20)
        box = draw_text(ImageDraw.Draw(image), fitted, (0, 0), 400, 1)[0]
        return box[0], box[2]

    assert is_rtl("مرحبا PyCon")
    assert not is_rtl("PyCon مرحبا")
    assert ink("مرحبا PyCon")[1] >= 398
    assert ink("שלום PyCon")[1] >= 398
    assert ink("PyCon 東京")[0] <= 2


def test_a_fallback_line_measures_what_it_draws() -> None:
    face = ChainFont(30, "bold")
    image = Image.new("1", (600, 80), 0)
    face.draw(ImageDraw.Draw(image), (10, 10), "Data 科学 ☕ पायथन", 1)
    left, top, right, bottom = face.getbbox("Data 科学 ☕ पायथन")
    ink = image.getbbox()
    assert ink is not None
    assert (ink[0], ink[1]) >= (10 + left, 10 + top)
    assert (ink[2], ink[3]) == (10 + right, 10 + bottom)


def test_a_drawn_frame_keeps_no_fallback_face_open() -> None:
    """A face of Noto Sans CJK holds megabytes: a door keeps none open between frames."""
    scene = script_scene("japanese")
    _, placements = paint_frame(door_view(scene.snapshot, scene.at, scene.context),
                                PANELS["impression-7.3-spectra6"])  # fmt: skip
    assert any(p.text == SCRIPT_SAMPLES["japanese"][0] for p in placements)
    assert fonts._fallback_font.cache_info().currsize == 0
    assert fonts._probe_face.cache_info().currsize == 0
    assert FALLBACK_CACHE_SIZE == 1
