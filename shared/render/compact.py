"""The one-glance layout for the small panels (the 2.13" pHATs, 250×122 and 212×104).

Room name in an inverted bar with the time range; the topic in the largest type that fits;
a bottom line with FULL (in the accent colour) and what is next::

    ┌──────────────────────────────┐
    │ ROOM NAME        10:00–11:00 │
    │ Topic in the largest type    │
    │ that fits                    │
    │ FULL  Next 11:00: Open — add │
    └──────────────────────────────┘
"""

from __future__ import annotations

from shared.render.door import DoorView
from shared.render.paint import Painter

#: The smallest type on a pHAT, in pixels: still readable at arm's length.
MIN_SIZE = 10


def draw_compact(painter: Painter, view: DoorView) -> None:
    """Lay ``view`` out on a small panel."""
    panel = painter.panel
    w, h = panel.width, panel.height
    m = 4
    bar = round(h * 0.23)
    painter.fill((0, 0, w, bar), panel.text)
    right = w - m
    if view.when:
        when = painter.fit(view.when, (0, 0, w // 2, bar - 4), weight="bold",
                           max_size=bar - 8, min_size=MIN_SIZE)  # fmt: skip
        width = when.width()
        painter.put(view.when, when, (right - width, 2, right, bar - 2), panel.background,
                    "right", middle=True)  # fmt: skip
        right -= width + 2 * m
    painter.text(view.room, (m, 2, right, bar - 2), panel.background, weight="bold",
                 max_size=bar - 6, min_size=MIN_SIZE, max_lines=1, middle=True)  # fmt: skip
    bottom = _bottom_line(painter, view, bar)
    top = bar + 2
    detail = view.detail if view.status != "open" else ""
    reserve = round(h * 0.14) if detail else 0
    top += painter.text(view.headline, (m, top, w - m, bottom - reserve), panel.text,
                        weight="bold", max_size=round(h * 0.3), min_size=MIN_SIZE,
                        max_lines=3)  # fmt: skip
    if detail:
        painter.text(detail, (m, top, w - m, bottom), panel.text, max_size=round(h * 0.13),
                     min_size=MIN_SIZE, max_lines=1)  # fmt: skip


def _bottom_line(painter: Painter, view: DoorView, bar: int) -> int:
    """Draw FULL and the next session (or the offline marker); return the line's top."""
    panel = painter.panel
    w, h = panel.width, panel.height
    text = " · ".join(t for t in (view.offline, view.next_line) if t) or view.updated
    if not text and not view.full:
        return h - 2
    height = bar - 2
    top = h - height
    left = 4
    if view.full:
        word = painter.fit("FULL", (0, 0, w // 2, height - 2), weight="bold",
                           max_size=height, min_size=MIN_SIZE)  # fmt: skip
        width = word.width() + 8
        painter.fill((0, top, width + 4, h), panel.accent)
        painter.put("FULL", word, (4, top + 1, width, h - 1), panel.accent_text,
                    "center", middle=True)  # fmt: skip
        left = width + 8
    else:
        painter.rule(top, 0, w, 1, panel.text)
    painter.text(text, (left, top + 2, w - 4, h - 1), panel.text, max_size=height - 6,
                 min_size=MIN_SIZE, max_lines=1, middle=True)  # fmt: skip
    return top - 2
