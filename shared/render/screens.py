"""The node's own screens: identify (its id in big type) and the diagnostic frame."""

from __future__ import annotations

from shared.render.door import DoorView
from shared.render.paint import Painter


def draw_identify(painter: Painter, view: DoorView) -> None:
    """The node id as big as it fits, under an inverted bar with the room (or "Identify")."""
    panel = painter.panel
    w, h = panel.width, panel.height
    m = max(4, h // 30)
    bar = round(h * 0.2)
    painter.fill((0, 0, w, bar), panel.text)
    painter.text(view.room, (m, 2, w - m, bar - 2), panel.background, weight="bold",
                 max_size=round(bar * 0.6), min_size=10, max_lines=1, middle=True)  # fmt: skip
    caption = round(h * 0.1)
    painter.text(view.detail, (m, bar + m, w - m, bar + m + caption), panel.text,
                 max_size=round(caption * 0.8), min_size=9, max_lines=1,
                 align="center")  # fmt: skip
    painter.fill((0, h - m, w, h), panel.accent)
    painter.text(view.headline, (m, bar + m + caption, w - m, h - 2 * m), panel.text,
                 weight="bold", max_size=round(h * 0.45), min_size=10, max_lines=2,
                 align="center", middle=True)  # fmt: skip


def draw_diagnostic(painter: Painter, view: DoorView) -> None:
    """One "label: value" line per fact, under a bar naming the node."""
    panel = painter.panel
    w, h = panel.width, panel.height
    m = max(4, h // 30)
    bar = round(h * 0.18)
    painter.fill((0, 0, w, bar), panel.text)
    painter.text(f"Diagnostics · {view.headline}", (m, 2, w - m, bar - 2), panel.background,
                 weight="bold", max_size=round(bar * 0.6), min_size=10, max_lines=1,
                 middle=True)  # fmt: skip
    rows = max(1, len(view.facts))
    row_h = (h - bar - 2 * m) // rows
    label_w = w // 3
    for i, (label, value) in enumerate(view.facts):
        top = bar + m + i * row_h
        size = max(9, min(round(row_h * 0.7), round(h * 0.08)))
        painter.text(label, (m, top, label_w, top + row_h), panel.text, weight="bold",
                     max_size=size, min_size=8, max_lines=1, middle=True)  # fmt: skip
        painter.text(value, (label_w + m, top, w - m, top + row_h), panel.text,
                     max_size=size, min_size=8, max_lines=1, middle=True)  # fmt: skip
