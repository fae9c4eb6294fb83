"""Text that fits its box: the largest size whose wrapped lines fit, an ellipsis as last resort.

:func:`fit_text` picks the size by binary search between a minimum and a maximum, in three
passes: whole words wrapped; then long words broken across lines; then, at the minimum size,
as many lines as fit with an ellipsis ending the last one. Every line's ink box (measured with
the font, not estimated) lies inside the box it was fitted to.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

from PIL import ImageDraw

from shared.render.fonts import clean_text, font
from shared.render.runs import ChainFont, is_rtl

ELLIPSIS = "…"
Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class FittedText:
    """Lines of text at one size, ready to draw; ``height`` is what they take up in pixels."""

    lines: tuple[str, ...]
    size: int
    weight: str
    pitch: int
    truncated: bool = False
    lead: int = 0
    tail: int = 0

    @property
    def height(self) -> int:
        """Lines times pitch, plus any ink above the first line or below the last."""
        return self.pitch * len(self.lines) + self.lead + self.tail

    @property
    def face(self) -> ChainFont:
        return ChainFont(self.size, self.weight)

    def width(self) -> int:
        """The widest line's ink extent, in pixels."""
        return max((_extent(self.face, line)[1] for line in self.lines), default=0)


def pitch(size: int, weight: str = "regular") -> int:
    """The distance from one line's top to the next one's, at ``size``."""
    ascent, descent = font(size, weight).getmetrics()
    return ascent + descent


def fit_text(
    text: str,
    width: int,
    height: int,
    *,
    weight: str = "regular",
    max_size: int,
    min_size: int,
    max_lines: int = 99,
) -> FittedText:
    """``text`` at the largest size from ``min_size`` to ``max_size`` that fits the box.

    ``text`` is cleaned first (see :func:`~shared.render.fonts.clean_text`). A box too small for
    even one line at ``min_size`` gets no lines.
    """
    words = clean_text(text).split()
    max_size = max(min_size, max_size)
    if not words or width <= 0 or pitch(min_size, weight) > height:
        return FittedText((), min_size, weight, pitch(min_size, weight))
    words = _budget(words, width, height, min_size)
    for breaking in (True,) if _unspaced(words) else (False, True):
        if _lines_at(words, width, height, min_size, weight, max_lines, breaking) is not None:
            size = _largest(words, width, height, (min_size, max_size), weight, max_lines, breaking)
            lines = _lines_at(words, width, height, size, weight, max_lines, breaking)
            assert lines is not None
            return _fitted(lines, size, weight)
    return _truncated(words, width, height, min_size, weight, max_lines)


def draw_text(
    draw: ImageDraw.ImageDraw,
    fitted: FittedText,
    at: tuple[int, int],
    width: int,
    fill: int,
    align: Align = "left",
) -> list[tuple[int, int, int, int]]:
    """Draw ``fitted`` with its top-left at ``at``; return each line's ink box.

    Right-to-left text (see :func:`~shared.render.runs.is_rtl`) asked to align left aligns
    right: its start is on the right.
    """
    face = fitted.face
    if align == "left" and is_rtl(" ".join(fitted.lines)):
        align = "right"
    boxes = []
    for i, line in enumerate(fitted.lines):
        left, right = _extent(face, line)
        spare = width - right
        shift = {"left": 0, "center": spare // 2, "right": spare}[align] - left
        x, y = at[0] + shift, at[1] + fitted.lead + i * fitted.pitch
        face.draw(draw, (x, y), line, fill)
        box = face.getbbox(line, mode="1")
        boxes.append((x + box[0], y + box[1], x + box[2], y + box[3]))
    return boxes


def _unspaced(words: list[str]) -> bool:
    """Whether the text is in a script written without spaces between words (Chinese,
    Japanese, Thai...), so lines may break between any two characters from the start."""
    return any(_UNSPACED_FROM <= char <= _UNSPACED_TO or "\u0e00" <= char <= "\u0eff"
               for word in words for char in word)  # fmt: skip


_UNSPACED_FROM, _UNSPACED_TO = "\u3000", "\u9fff"


def _extent(face: ChainFont, line: str) -> tuple[int, int]:
    """(leftmost ink offset if negative else 0, rightmost ink edge) of ``line``."""
    left, _, right, _ = face.getbbox(line, mode="1", anchor="la")
    return min(0, int(left)), int(right) - min(0, int(left))


def _fitted(lines: list[str], size: int, weight: str, truncated: bool = False) -> FittedText:
    """The lines at ``size``, with room for ink that reaches above or below the line pitch
    (stacked accents on capitals can, at some sizes)."""
    face = ChainFont(size, weight)
    line_pitch = pitch(size, weight)
    lead = max((-int(face.getbbox(line, mode="1", anchor="la")[1]) for line in lines), default=0)
    tail = int(face.getbbox(lines[-1], mode="1", anchor="la")[3]) - line_pitch if lines else 0
    return FittedText(tuple(lines), size, weight, line_pitch, truncated, max(0, lead), max(0, tail))


def _budget(words: list[str], width: int, height: int, min_size: int) -> list[str]:
    """Drop words that could never fit, so absurdly long texts cost no more than full boxes."""
    chars = 3 * (width // max(1, min_size // 3)) * (height // max(1, min_size))
    kept, total = [], 0
    for word in words:
        if total > chars:
            break
        kept.append(word[:chars])
        total += len(word) + 1
    return kept


def _largest(
    words: list[str],
    width: int,
    height: int,
    sizes: tuple[int, int],
    weight: str,
    max_lines: int,
    breaking: bool,
) -> int:
    low, high = sizes  # invariant: ``low`` fits
    while low < high:
        mid = (low + high + 1) // 2
        if _lines_at(words, width, height, mid, weight, max_lines, breaking) is None:
            high = mid - 1
        else:
            low = mid
    return low


def _lines_at(
    words: list[str],
    width: int,
    height: int,
    size: int,
    weight: str,
    max_lines: int,
    breaking: bool,
) -> list[str] | None:
    """The wrapped lines at ``size`` if they fit the box, else None."""
    face = ChainFont(size, weight)
    room = min(max_lines, height // pitch(size, weight))
    lines = _wrap(words, face, width, breaking, room + 1)
    if lines is None or len(lines) > room:
        return None
    if any(_extent(face, line)[1] > width for line in lines):
        return None
    return lines if _fitted(lines, size, weight).height <= height else None


def _wrap(
    words: list[str], face: ChainFont, width: int, breaking: bool, limit: int
) -> list[str] | None:
    """Greedy word wrap; None if a word is too wide and ``breaking`` is off.

    Stops after ``limit`` lines, since more cannot fit anyway.
    """
    space = face.getlength(" ")
    lines: list[str] = []
    current, used = "", 0.0
    for whole in words:
        word, size = whole, face.getlength(whole)
        if size > width:
            if not breaking:
                return None
            pieces = _break_word(whole, face, width)
            word, size = pieces[-1], face.getlength(pieces[-1])
            if current:
                lines.append(current)
            lines.extend(pieces[:-1])
            current, used = "", 0.0
        if current and used + space + size <= width:
            current, used = f"{current} {word}", used + space + size
        else:
            if current:
                lines.append(current)
            current, used = word, size
        if len(lines) >= limit:
            return lines
    lines.append(current)
    return lines


def _break_word(word: str, face: ChainFont, width: int) -> list[str]:
    """``word`` in pieces that fit ``width``, never breaking before a combining mark."""
    pieces, current = [], ""
    for char in word:
        mark = unicodedata.category(char)[0] == "M"
        if current and not mark and face.getlength(current + char) > width:
            pieces.append(current)
            current = char
        else:
            current += char
    pieces.append(current)
    return pieces


def _truncated(
    words: list[str], width: int, height: int, size: int, weight: str, max_lines: int
) -> FittedText:
    """As many lines as fit at ``size``, the last one ending in an ellipsis."""
    face = ChainFont(size, weight)
    room = max(1, min(max_lines, height // pitch(size, weight)))
    lines = (_wrap(words, face, width, True, room) or [])[:room]
    while lines:
        fitted = _fitted([*lines[:-1], _ellipsized(lines[-1], face, width)], size, weight, True)
        if fitted.height <= height:
            return fitted
        lines = lines[:-1]
    return FittedText((), size, weight, pitch(size, weight))


def _ellipsized(line: str, face: ChainFont, width: int) -> str:
    while line and _extent(face, line + ELLIPSIS)[1] > width:
        line = line[:-1].rstrip()
    return line + ELLIPSIS
