"""Where frames go: the display interface and its PNG implementation.

A display takes a finished frame (a "P"-mode image in the panel's palette) and puts it on the
glass. ``show()`` blocks for the whole refresh (seconds on real e-ink), so the node calls it
from its display worker, never from the thread that owns its state.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Protocol

from PIL import Image

from shared.render.panels import Panel


class Display(Protocol):
    """A panel that shows frames. Implementations are used from one thread at a time."""

    @property
    def panel(self) -> Panel: ...

    def show(self, frame: Image.Image) -> None:
        """Put ``frame`` on the glass; blocks until the refresh is done."""
        ...


class PngDisplay:
    """A simulated panel that writes each frame to a PNG file, atomically.

    Readers (the demo's door page, tests) never see a half-written file: the frame goes to a
    temporary file in the same folder, which then replaces the old one.
    """

    def __init__(self, panel: Panel, path: Path) -> None:
        self._panel = panel
        self.path = path
        self.frames_shown = 0

    @property
    def panel(self) -> Panel:
        return self._panel

    def show(self, frame: Image.Image) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".frame-", suffix=".png", dir=self.path.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                frame.save(out, format="PNG")
            os.chmod(tmp, 0o644)  # mkstemp makes it private; a frame is for everyone to see
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self.frames_shown += 1
