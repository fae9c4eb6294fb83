"""One line of text in several faces: split into runs by glyph coverage, measured and drawn.

A line is cut into runs, each drawn with one face of the fallback chain
(:mod:`shared.render.fallback`): a letter or digit goes to the first face that draws it; a
space, punctuation or symbol that the current run's face draws stays in that run, and so does
a combining mark (a Devanagari vowel sign, a Thai tone mark), so raqm shapes every cluster in
one face. Every run sits on the primary face's baseline.

Right to left: a line whose first strong character is Arabic or Hebrew is a right-to-left
line; its runs are laid out right to left (each run is ordered and shaped by raqm itself).
DejaVu draws Latin, Arabic and Hebrew, so mixed Latin/Arabic/Hebrew text is one run and
raqm's bidi algorithm orders it exactly.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from PIL import ImageDraw

from shared.render.fonts import Font, chain_font, face_for, font, has_glyph

Box = tuple[int, int, int, int]
Run = tuple[int, str]


def is_rtl(text: str) -> bool:
    """Whether ``text``'s first strong character is right to left (Arabic, Hebrew...)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def split_runs(line: str, weight: str) -> list[Run]:
    """``line`` as (face, text) runs in logical order (see the module's docstring)."""
    runs: list[Run] = []
    for char in line:
        category = unicodedata.category(char)
        face = face_for(char)
        if runs and (category[0] == "M" or _stays(char, category, runs[-1][0], weight)):
            face = runs[-1][0]
        elif face is None:
            face = 0
        if runs and runs[-1][0] == face:
            runs[-1] = (face, runs[-1][1] + char)
        else:
            runs.append((face, char))
    return runs


def _stays(char: str, category: str, face: int, weight: str) -> bool:
    """Whether a neutral ``char`` (space, punctuation, symbol) stays in a run of ``face``."""
    return category[0] in "ZPS" and face_for(char) != face and has_glyph(char, weight, face)


@dataclass(frozen=True)
class ChainFont:
    """The fallback chain at one size and weight, with the measuring calls text fitting uses
    (the same as Pillow's, for one line)."""

    size: int
    weight: str

    @property
    def primary(self) -> Font:
        return font(self.size, self.weight)

    def getmetrics(self) -> tuple[int, int]:
        return self.primary.getmetrics()

    def visual_runs(self, line: str) -> list[tuple[Font, str]]:
        """The runs of ``line`` left to right, each with its face."""
        runs = [(self._face(face), text) for face, text in split_runs(line, self.weight)]
        return runs[::-1] if is_rtl(line) and len(runs) > 1 else runs

    def _face(self, face: int) -> Font:
        return chain_font(self.size, self.weight, face)

    def getlength(self, line: str) -> float:
        """The advance width of ``line`` in pixels."""
        return sum(face.getlength(text) for face, text in self.visual_runs(line))

    def getbbox(self, line: str, mode: str = "1", anchor: str = "la") -> Box:
        """The ink box of ``line`` drawn at the origin, top at the primary face's ascender."""
        runs = self.visual_runs(line)
        if len(runs) == 1 and runs[0][0] is self.primary:
            box = runs[0][0].getbbox(line, mode=mode, anchor="la")
            return int(box[0]), int(box[1]), int(box[2]), int(box[3])
        ascent = self.getmetrics()[0]
        boxes: list[Box] = []
        x = 0.0
        for face, text in runs:
            left, top, right, bottom = face.getbbox(text, mode=mode, anchor="ls")
            boxes.append((int(x + left), int(ascent + top), int(x + right), int(ascent + bottom)))
            x += face.getlength(text)
        if not boxes:
            return 0, 0, 0, 0
        return (
            min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes),
        )  # fmt: skip

    def draw(self, draw: ImageDraw.ImageDraw, at: tuple[int, int], line: str, fill: int) -> None:
        """Draw ``line`` with its top-left (primary ascender) at ``at``."""
        runs = self.visual_runs(line)
        if len(runs) == 1 and runs[0][0] is self.primary:
            draw.text(at, line, font=self.primary, fill=fill, anchor="la")
            return
        x, baseline = float(at[0]), at[1] + self.getmetrics()[0]
        for face, text in runs:
            draw.text((round(x), baseline), text, font=face, fill=fill, anchor="ls")
            x += face.getlength(text)
