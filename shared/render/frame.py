"""How a door looks: lays a :class:`DoorView` out on a panel as a palette image.

The frame is a "P"-mode image whose palette is exactly the panel's colours, drawn with
palette indexes only (Pillow draws text in "P" mode without anti-aliasing), so no pixel can
hold a colour the panel does not have and no text is dithered.
"""

from __future__ import annotations

import hashlib

import segno
from PIL import Image, ImageDraw

from shared.render.door import DoorView
from shared.render.fonts import Font, font
from shared.render.panels import Panel


def new_frame(panel: Panel) -> Image.Image:
    """A blank frame for ``panel``, filled with its background colour."""
    image = Image.new("P", (panel.width, panel.height), panel.background)
    image.putpalette([channel for colour in panel.palette for channel in colour])
    return image


def frame_hash(frame: Image.Image) -> str:
    """A short hash of the frame's pixels and size: equal frames, equal hashes."""
    digest = hashlib.sha256(f"{frame.mode}{frame.size}".encode())
    digest.update(frame.tobytes())
    return digest.hexdigest()[:32]


def draw_frame(view: DoorView, panel: Panel) -> Image.Image:
    """The frame that shows ``view`` on ``panel``."""
    frame = new_frame(panel)
    draw = ImageDraw.Draw(frame)
    w, h = panel.width, panel.height
    unit = max(10, h // 12)
    bar = int(unit * 1.4)
    draw.rectangle((0, 0, w, bar), fill=panel.text)
    _text_fit(draw, view.room, (unit // 2, 0, w - unit // 2, bar), panel.background, "bold")
    y = bar + unit // 3
    if view.banner:
        draw.rectangle((0, y, w, y + unit), fill=panel.accent)
        _text_fit(draw, view.banner, (unit // 2, y, w - unit // 2, y + unit), panel.background)
        y += unit + unit // 3
    qr = _qr_size(view, panel)
    right = w - unit // 2 - (qr + unit // 2 if qr else 0)
    if view.when:
        _text_fit(draw, view.when, (unit // 2, y, right, y + unit), panel.text)
        y += unit
    footer_top = h - unit
    next_top = footer_top - (unit if view.next_line else 0)
    head_bottom = next_top - (unit if view.host else 0) - (unit if view.full else 0)
    _text_fit(draw, view.headline, (unit // 2, y, right, head_bottom), panel.text, "bold")
    y = head_bottom
    if view.host:
        _text_fit(draw, view.host, (unit // 2, y, right, y + unit), panel.text)
        y += unit
    if view.full:
        draw.rectangle((unit // 2, y + 2, right, y + unit - 2), fill=panel.accent)
        _text_fit(draw, "FULL", (unit, y + 2, right, y + unit - 2), panel.background, "bold")
    if view.next_line:
        _text_fit(draw, view.next_line, (unit // 2, next_top, w - unit // 2, footer_top), 0)
    small = (unit // 2, footer_top + unit // 4, w - unit // 2, h - 2)
    _text_fit(draw, view.footer, small, panel.text)
    if qr and view.qr_url:
        _draw_qr(frame, view.qr_url, (w - unit // 2 - qr, bar + unit // 2), qr, panel)
    return frame


def _qr_size(view: DoorView, panel: Panel) -> int:
    return panel.height // 3 if view.qr_url and panel.height >= 240 else 0


def _draw_qr(frame: Image.Image, url: str, at: tuple[int, int], size: int, panel: Panel) -> None:
    code = segno.make(url, error="m")
    modules = list(code.matrix_iter(border=1))
    scale = max(1, size // len(modules))
    draw = ImageDraw.Draw(frame)
    for row, line in enumerate(modules):
        for col, dark in enumerate(line):
            if dark:
                x, y = at[0] + col * scale, at[1] + row * scale
                draw.rectangle((x, y, x + scale - 1, y + scale - 1), fill=panel.text)


def _text_fit(
    draw: ImageDraw.ImageDraw,
    text: str,
    box: tuple[int, int, int, int],
    fill: int,
    weight: str = "regular",
) -> None:
    """Draw ``text`` in the largest size (down to 8 px) whose wrapped lines fit ``box``."""
    if not text:
        return
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    size = max(8, int(height * 0.8))
    while True:
        face = font(size, weight)
        lines = _wrap(text, face, width)
        line_h = int(size * 1.15)
        if len(lines) * line_h <= height or size <= 8:
            break
        size = max(8, int(size * 0.9))
    for i, line in enumerate(lines[: max(1, height // line_h)]):
        draw.text((left, top + i * line_h), line, font=face, fill=fill)


def _wrap(text: str, face: Font, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if face.getlength(trial) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines
