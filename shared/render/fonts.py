"""Finding and sizing the fonts that door frames are drawn with.

The project installs Debian's ``fonts-dejavu-core`` (Latin, Greek, Cyrillic and more); the
``OPENSPACES_FONT_DIR`` environment variable points elsewhere. Fonts are cached per size.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from shared.errors import ConfigError

_SEARCH = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
)
_FILES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}

Font = ImageFont.FreeTypeFont


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


@lru_cache(maxsize=256)
def font(size: int, weight: str = "regular") -> Font:
    """The DejaVu font of ``weight`` ("regular" or "bold") at ``size`` pixels."""
    return ImageFont.truetype(str(font_dir() / _FILES[weight]), size)
