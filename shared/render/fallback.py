"""The fallback faces: where the characters DejaVu cannot draw come from.

Every face is a font Debian and Raspberry Pi OS package (installed by deploy/install-node.sh,
deploy/install-hub.sh and deploy/dev/system-deps.sh):

=====================  ==================================  ===============================
face                   Debian package                      scripts
=====================  ==================================  ===============================
Noto Sans Devanagari   fonts-noto-core                     Hindi, Marathi, Nepali...
Noto Sans Bengali      fonts-noto-core                     Bengali, Assamese
Noto Sans Tamil        fonts-noto-core                     Tamil
Noto Sans Thai         fonts-noto-core                     Thai
Noto Sans CJK (JP)     fonts-noto-cjk                      Chinese, Japanese, Korean
Symbola                fonts-symbola                       emoji and symbols (outlines)
=====================  ==================================  ===============================

DejaVu (face 0) covers Latin, Greek, Cyrillic, Arabic and Hebrew itself, so a line mixing
Latin with Arabic or Hebrew is one run that raqm orders and shapes as a whole. The emoji face
is an outline font: emoji draw in the panel's palette like any text, never as colour bitmaps.
A face whose file is missing is left out of the chain (its characters then draw as the
documented marker), so a door without the large CJK font still starts.

The faces are searched in ``OPENSPACES_FONT_DIR`` (if set) and then Debian's folders.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_FOLDERS = (
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/truetype/ancient-scripts"),
)


@dataclass(frozen=True)
class FallbackFace:
    """One fallback face: its file names in both weights and the face's index in the file (a
    TrueType collection holds several; 0 of Noto Sans CJK is its Japanese cut, which draws
    every Han, kana and Hangul character)."""

    name: str
    regular: str
    bold: str
    index: int = 0

    def file(self, weight: str) -> tuple[Path, int]:
        """The path and face index of ``weight`` (the regular cut where there is no bold)."""
        wanted = self.bold if weight == "bold" else self.regular
        return _find(wanted) or _find(self.regular) or Path(self.regular), self.index

    def installed(self) -> bool:
        return _find(self.regular) is not None


CHAIN: tuple[FallbackFace, ...] = (
    FallbackFace("Noto Sans Devanagari", "NotoSansDevanagari-Regular.ttf",
                 "NotoSansDevanagari-Bold.ttf"),
    FallbackFace("Noto Sans Bengali", "NotoSansBengali-Regular.ttf", "NotoSansBengali-Bold.ttf"),
    FallbackFace("Noto Sans Tamil", "NotoSansTamil-Regular.ttf", "NotoSansTamil-Bold.ttf"),
    FallbackFace("Noto Sans Thai", "NotoSansThai-Regular.ttf", "NotoSansThai-Bold.ttf"),
    FallbackFace("Noto Sans CJK", "NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc"),
    FallbackFace("Symbola", "Symbola_hint.ttf", "Symbola_hint.ttf"),
)  # fmt: skip


@lru_cache(maxsize=1)
def fallback_faces() -> tuple[FallbackFace, ...]:
    """The faces of :data:`CHAIN` that are installed, in order (face 1 is the first)."""
    return tuple(face for face in CHAIN if face.installed())


def _find(name: str) -> Path | None:
    configured = os.environ.get("OPENSPACES_FONT_DIR")
    folders = ([Path(configured)] if configured else []) + list(_FOLDERS)
    for folder in folders:
        if (folder / name).is_file():
            return folder / name
    return None
