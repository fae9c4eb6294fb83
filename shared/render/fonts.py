"""Finding and sizing the fonts that door frames are drawn with, and cleaning text for them.

The project installs Debian's ``fonts-dejavu-core`` (Latin, Greek, Cyrillic, Arabic, Hebrew
and more); the ``OPENSPACES_FONT_DIR`` environment variable points elsewhere. Characters DejaVu
cannot draw come from the fallback faces of :mod:`shared.render.fallback` (CJK, Indic, Thai,
emoji). Fonts are cached per size. A character no face has a glyph for is replaced by U+FFFD
(a visible "�", documented in docs/rendering.md), never drawn as an empty box or dropped.

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
from shared.render.fallback import fallback_faces

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


#: Fallback faces kept open, apart from DejaVu's. A face of Noto Sans CJK holds 2 to 3.5 MB
#: once open and used (FreeType's tables for 65,000 glyphs), whatever its size: eight of them
#: took a door node past its 60 MB bar. Fitting measures one size at a time, so one open face
#: costs about 0.1 s more per CJK frame than two and saves about 3 MB at the peak; and
#: :func:`release_fallback_faces` closes it once the frame is drawn.
FALLBACK_CACHE_SIZE = 1


@lru_cache(maxsize=FONT_CACHE_SIZE)
def font(size: int, weight: str = "regular") -> Font:
    """The DejaVu font of ``weight`` ("regular" or "bold") at ``size`` pixels, laid out with
    raqm; raise :class:`LayoutEngineError` where raqm is missing."""
    require_raqm()
    path = str(font_dir() / _FILES[weight])
    return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.RAQM)


def chain_font(size: int, weight: str, face: int) -> Font:
    """Face number ``face`` of the fallback chain (0: DejaVu, see :func:`font`) in ``weight``
    at ``size`` pixels, laid out with raqm. A face without a bold cut gives its regular one."""
    return _fallback_font(size, weight, face) if face else font(size, weight)


@lru_cache(maxsize=FALLBACK_CACHE_SIZE)
def _fallback_font(size: int, weight: str, face: int) -> Font:
    require_raqm()
    path, index = fallback_faces()[face - 1].file(weight)
    return ImageFont.truetype(str(path), size, index=index, layout_engine=ImageFont.Layout.RAQM)


def release_fallback_faces() -> None:
    """Close the fallback faces kept open (DejaVu's stay): called after each frame, so a
    door that showed one CJK title does not hold the CJK face until the next one."""
    _fallback_font.cache_clear()
    _probe_face.cache_clear()


def _open_probe(weight: str, face: int) -> Font:
    """Face ``face`` laid out without shaping: each character drawn as the glyph the font's
    character map gives it (raqm would decompose a character the font lacks into others, so
    Thai's SARA AM looked drawable in DejaVu)."""
    if face == 0:
        path, index = font_dir() / _FILES[weight], 0
    else:
        path, index = fallback_faces()[face - 1].file(weight)
    basic = ImageFont.Layout.BASIC
    return ImageFont.truetype(str(path), _PROBE_SIZE, index=index, layout_engine=basic)


_probe_face = lru_cache(maxsize=2)(_open_probe)


def _draws(probe: Font, char: str) -> bool:
    def shape(text: str) -> tuple[tuple[int, int], bytes]:
        mask = probe.getmask(text)
        return mask.size, bytes(mask)

    return shape(char) != shape(_SURELY_MISSING)


@lru_cache(maxsize=4096)
def has_glyph(char: str, weight: str = "regular", face: int = 0) -> bool:
    """Whether face ``face`` in ``weight`` draws ``char`` as itself (not as its missing-glyph
    box)."""
    if char.isascii() and face == 0:
        return True
    return _draws(_probe_face(weight, face), char)


#: Character → the face that draws it (None: none does); cleared when it reaches 4096 entries.
_COVERAGE: dict[str, int | None] = {}


def face_for(char: str) -> int | None:
    """The first face of the chain that draws ``char`` in both weights (so regular and bold
    text draw the same characters), or None where none does."""
    if char not in _COVERAGE:
        probe_coverage(char)
    return _COVERAGE[char]


def probe_coverage(text: str) -> None:
    """Find the face of every character of ``text`` at once, face by face: each face's file is
    opened once per call however many characters it is asked about."""
    if len(_COVERAGE) >= 4096:
        _COVERAGE.clear()
    left = {char for char in text if char not in _COVERAGE}
    _COVERAGE.update({char: 0 for char in left if char.isascii()})
    left = {char for char in left if not char.isascii()}
    for face in range(1 + len(fallback_faces())):
        if not left:
            break
        regular, bold = _open_probe("regular", face), _open_probe("bold", face)
        found = {char for char in left if _draws(regular, char) and _draws(bold, char)}
        _COVERAGE.update(dict.fromkeys(found, face))
        left -= found
    _COVERAGE.update(dict.fromkeys(left))


def clean_text(text: str) -> str:
    """``text`` ready to draw: NFC, one line, no control characters, missing glyphs as "�".

    Coverage is checked against both weights of every face in the chain, so the same string
    draws the same way in regular and bold. Variation selectors go (emoji draw in the panel's
    palette anyway).
    """
    out: list[str] = []
    text = unicodedata.normalize("NFC", text)
    probe_coverage(text)
    for char in text:
        category = unicodedata.category(char)
        if char.isspace() or category in ("Zl", "Zp"):
            out.append(" ")
        elif category in ("Cc", "Cf", "Cs", "Co", "Cn") or _is_selector(char):
            if category in ("Co", "Cn"):
                out.append(REPLACEMENT)
        elif face_for(char) is not None:
            out.append(char)
        else:
            out.append(REPLACEMENT)
    return " ".join("".join(out).split())


def _is_selector(char: str) -> bool:
    return "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef"
