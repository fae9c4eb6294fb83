"""The one-glance layout for the small panels (the 2.13" pHATs, 250×122 and 212×104).

Room name in an inverted bar with the time range; the topic in the largest type that fits;
a bottom line with what is next::

    ┌──────────────────────────────┐
    │ ROOM NAME        10:00–11:00 │
    │ Topic in the largest type    │
    │ that fits                    │
    │ Next 11:00: Open — add yours │
    └──────────────────────────────┘

A full session gives the panel to FULL: an accent band between the bar and the bottom line
with FULL in the largest type that fits and the topic on one line under it. An announcement
does not fit a pHAT: the bar shows the marker :data:`NOTICE_MARKER` before the time instead
(docs/rendering.md), and the hub's staff pages say which doors cannot show it.
"""

from __future__ import annotations

from shared.render.door import DoorView
from shared.render.paint import Painter
from shared.render.physical import size_for_cap

#: The smallest cap height on a pHAT, in mm (docs/rendering.md: legibility floors).
MIN_CAP_MM = 2.0
#: Drawn in the bar when an announcement is on that a pHAT cannot show.
NOTICE_MARKER = "⚠"


def min_size(painter: Painter) -> int:
    """The smallest type on ``painter``'s panel, in pixels: :data:`MIN_CAP_MM` of cap height."""
    return size_for_cap(painter.panel, MIN_CAP_MM)


def draw_compact(painter: Painter, view: DoorView) -> None:
    """Lay ``view`` out on a small panel."""
    panel = painter.panel
    least = min_size(painter)
    w, h = panel.width, panel.height
    m = 4
    bar = round(h * 0.23)
    painter.fill((0, 0, w, bar), panel.text)
    right = w - m
    for text in (view.when, NOTICE_MARKER if view.banner else ""):
        if not text:
            continue
        fitted = painter.fit(text, (0, 0, w // 2, bar - 4), weight="bold",
                             max_size=bar - 8, min_size=least)  # fmt: skip
        width = fitted.width()
        painter.put(text, fitted, (right - width, 2, right, bar - 2), panel.background,
                    "right", middle=True)  # fmt: skip
        right -= width + 2 * m
    painter.text(view.room, (m, 2, right, bar - 2), panel.background, weight="bold",
                 max_size=bar - 6, min_size=least, max_lines=1, middle=True)  # fmt: skip
    bottom = _bottom_line(painter, view, bar)
    top = bar + 2
    if view.full:
        _full(painter, view, (0, top, w, bottom))
        return
    detail = view.detail if view.status != "open" else ""
    reserve = round(h * 0.14) if detail else 0
    top += painter.text(view.headline, (m, top, w - m, bottom - reserve), panel.text,
                        weight="bold", max_size=round(h * 0.3), min_size=least,
                        max_lines=3)  # fmt: skip
    if detail:
        painter.text(detail, (m, top, w - m, bottom), panel.text, max_size=round(h * 0.13),
                     min_size=least, max_lines=1)  # fmt: skip


def _full(painter: Painter, view: DoorView, box: tuple[int, int, int, int]) -> None:
    """FULL owning the body: an accent band, FULL as large as fits, the topic under it."""
    panel = painter.panel
    least = min_size(painter)
    left, top, right, bottom = box
    painter.fill(box, panel.accent)
    topic = max(round((bottom - top) * 0.3), least + 4)
    painter.text("FULL", (left + 4, top + 1, right - 4, bottom - topic), panel.accent_text,
                 weight="bold", max_size=bottom - top, min_size=least, max_lines=1,
                 align="center", middle=True)  # fmt: skip
    painter.text(view.headline, (left + 4, bottom - topic, right - 4, bottom - 1),
                 panel.accent_text, max_size=topic, min_size=least, max_lines=1,
                 align="center", middle=True)  # fmt: skip


def _bottom_line(painter: Painter, view: DoorView, bar: int) -> int:
    """Draw the next session (or the offline marker); return the line's top."""
    panel = painter.panel
    least = min_size(painter)
    w, h = panel.width, panel.height
    text = " · ".join(t for t in (view.offline, view.next_line) if t) or view.updated
    if not text:
        return h - 2
    height = bar - 2
    top = h - height
    painter.rule(top, 0, w, 1, panel.text)
    painter.text(text, (4, top + 2, w - 4, h - 1), panel.text, max_size=height - 6,
                 min_size=least, max_lines=1, middle=True)  # fmt: skip
    return top - 2
