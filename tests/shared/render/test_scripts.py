"""Every script reads back from the door frames: Tesseract (Debian's tesseract-ocr and its
language packs, installed by deploy/dev/system-deps.sh) reads the current topic's title off the
frame, and what it reads is close to what was written."""

from __future__ import annotations

import difflib
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from shared.render import PANELS
from shared.render.door import door_view
from shared.render.frame import paint_frame
from shared.render.samples import SCRIPT_SAMPLES, script_scene

#: Script → the Tesseract languages that read it (Latin in the sample titles: "+eng").
LANGUAGES = {
    "latin": "eng", "greek": "ell", "cyrillic": "rus+eng", "chinese-simplified": "chi_sim",
    "chinese-traditional": "chi_tra", "japanese": "jpn", "korean": "kor", "arabic": "ara+eng",
    "hebrew": "heb+eng", "devanagari": "hin", "thai": "tha", "emoji": "eng",
}  # fmt: skip
#: How close the reading must be (difflib's ratio, spaces ignored): Tesseract misreads a
#: character or two in a title, a box or a missing run costs far more.
CLOSE = 0.8


def comparable(text: str, script: str) -> str:
    """``text`` without spaces or bidi marks; Latin without accents (Tesseract's English model
    reads "ö" as "o"), emoji titles reduced to their words (no OCR model reads emoji)."""
    text = unicodedata.normalize("NFKD", text) if script == "latin" else text
    kept = (c for c in text if not c.isspace() and unicodedata.category(c) not in ("Cf", "Mn"))
    if script == "emoji":
        return "".join(c for c in kept if c.isascii() and c.isalpha())
    return "".join(kept)


def read_back(image_path: Path, languages: str) -> str:
    command = ["tesseract", str(image_path), "-", "-l", languages, "--psm", "6"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


@pytest.mark.parametrize("panel_id", ["what-ssd1683-black", "impression-7.3-spectra6"])
@pytest.mark.parametrize("script", list(SCRIPT_SAMPLES))
def test_every_script_reads_back_from_the_door(script: str, panel_id: str, tmp_path: Path) -> None:
    assert shutil.which("tesseract"), "tesseract is missing: make system-deps"
    title = SCRIPT_SAMPLES[script][0]
    scene = script_scene(script)
    frame, placements = paint_frame(door_view(scene.snapshot, scene.at, scene.context),
                                    PANELS[panel_id])  # fmt: skip
    [drawn] = [p for p in placements if p.text == title]
    left, top = min(b[0] for b in drawn.ink) - 8, min(b[1] for b in drawn.ink) - 8
    right, bottom = max(b[2] for b in drawn.ink) + 8, max(b[3] for b in drawn.ink) + 8
    crop = frame.convert("L").crop((left, top, right, bottom))
    crop.resize((crop.width * 2, crop.height * 2)).save(tmp_path / "title.png")
    reading = read_back(tmp_path / "title.png", LANGUAGES[script])
    expected, got = comparable(title, script), comparable(reading, script)
    ratio = difflib.SequenceMatcher(None, expected, got).ratio()
    assert ratio >= CLOSE, f"read {reading!r} for {title!r} ({ratio:.2f})"
