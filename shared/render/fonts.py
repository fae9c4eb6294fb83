"""Finding and sizing the fonts that door frames are drawn with, and cleaning text for them.

The project installs Debian's ``fonts-dejavu-core`` (Latin, Greek, Cyrillic and more); the
``OPENSPACES_FONT_DIR`` environment variable points elsewhere. Fonts are cached per size.
A character the font has no glyph for is replaced by U+FFFD (a visible "�"), never drawn as
the font's empty box or dropped.

Text is laid out with raqm (HarfBuzz shaping, FriBiDi for right-to-left), asked for by name:
Pillow would otherwise fall back to its basic layout wherever FriBiDi is missing (Raspberry Pi
OS Lite, a minimal Debian), with other kerning and unshaped Arabic and Hebrew, so a door's
frames would differ from the hub's previews. :func:`require_raqm` refuses instead, with the
fix; the node and the hub call it before they start.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont, features

from shared.errors import ConfigError, LayoutEngineError

_SEARCH = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
)
_FILES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}
REPLACEMENT = "\ufffd"
#: A private-use code point no text font draws: what the font's "missing glyph" looks like.
_SURELY_MISSING = "\U0010fffd"
_PROBE_SIZE = 24

Font = ImageFont.FreeTypeFont
#: What :func:`require_raqm` says when raqm is missing.
RAQM_FIX = (
    "Pillow cannot lay text out with raqm here, so door frames would differ from the hub's "
    "and right-to-left text would draw unshaped. Install FriBiDi, which raqm loads at run "
    "time: `sudo apt install libfribidi0` (a door: run deploy/install-node.sh again). If it is "
    "installed, this Pillow was built without raqm: install Pillow's wheel with pip."
)


def require_raqm(probe: Callable[[str], str | None] | None = None) -> str:
    """The raqm version Pillow lays text out with; raise :class:`LayoutEngineError` (with the
    fix) where there is none. ``probe`` defaults to :func:`PIL.features.version`."""
    version = (probe or features.version)("raqm")
    if version is None:
        raise LayoutEngineError(RAQM_FIX)
    return version


def font_dir() -> Path:
    """The folder holding the DejaVu fonts; raise :class:`ConfigError` if there is none."""
    configured = os.environ.get("OPENSPACES_FONT_DIR")
    candidates = [Path(configured)] if configured else list(_SEARCH)
    for folder in candidates:
        if (folder / _FILES["regular"]).is_file():
            return folder
    source = "OPENSPACES_FONT_DIR" if configured else "fonts"
    raise ConfigError(
        source, "DejaVuSans.ttf", f"not found in {', '.join(map(str, candidates))}; "
        "install Debian's fonts-dejavu-core",
    )  # fmt: skip


#: Faces kept open. Opening one takes about 0.06 ms, but each open face maps its font file
#: afresh (about a third of a megabyte resident): fitting text tries many sizes, and an
#: unbounded cache grew a door node by 20 MB. 8 faces instead of 24 saved 4.4 MB and cost
#: about 1.5 ms a frame on a 2-core x86 (docs/benchmarks.md). (Opening faces on one shared
#: buffer of the file's bytes is worse: Pillow copies the buffer into each face.)
FONT_CACHE_SIZE = 8


@lru_cache(maxsize=FONT_CACHE_SIZE)
def font(size: int, weight: str = "regular") -> Font:
    """The DejaVu font of ``weight`` ("regular" or "bold") at ``size`` pixels, laid out with
    raqm; raise :class:`LayoutEngineError` where raqm is missing."""
    require_raqm()
    path = str(font_dir() / _FILES[weight])
    return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.RAQM)


def _shape(char: str, weight: str) -> tuple[tuple[int, int], bytes]:
    mask = font(_PROBE_SIZE, weight).getmask(char)
    return mask.size, bytes(mask)


@lru_cache(maxsize=4096)
def has_glyph(char: str, weight: str = "regular") -> bool:
    """Whether the ``weight`` font draws ``char`` as itself (not as its missing-glyph box)."""
    if char.isascii():
        return True
    return _shape(char, weight) != _shape(_SURELY_MISSING, weight)


def clean_text(text: str) -> str:
    """``text`` ready to draw: NFC, one line, no control characters, missing glyphs as "�".

    Coverage is checked against both weights, so the same string draws the same way in
    regular and bold.
    """
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        category = unicodedata.category(char)
        if char.isspace() or category in ("Zl", "Zp"):
            out.append(" ")
        elif category in ("Cc", "Cf", "Cs", "Co", "Cn"):
            if category in ("Co", "Cn"):
                out.append(REPLACEMENT)
        elif has_glyph(char) and has_glyph(char, "bold"):
            out.append(char)
        else:
            out.append(REPLACEMENT)
    return " ".join("".join(out).split())
