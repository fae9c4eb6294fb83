"""How a door looks: lays a :class:`DoorView` out on a panel as a palette image.

Two layouts share the same words. Panels under 200 pixels high (the pHATs) get the one-glance
layout of :mod:`shared.render.compact`: room, topic, FULL and the next session in a line.
Bigger panels get this module's layout, all sizes in proportion to the panel's height::

    ┌───────────────────────────────────────────────┐
    │ ROOM NAME (inverted bar)          10:00–11:00 │
    │ announcement banner (accent)                  │
    │ Headline in the largest type      ┌───────┐   │
    │ that fits, up to three lines      │  QR   │   │
    │ detail · host and handle          └───────┘   │
    │ ███ FULL ███  Also on now: Room 302           │
    │───────────────────────────────────────────────│
    │ Next 11:00  Open — add yours                  │
    │ Updated Tue 09:58          Offline since 09:30│
    └───────────────────────────────────────────────┘
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from PIL import Image

from shared.render.compact import draw_compact
from shared.render.door import DoorView
from shared.render.fonts import release_fallback_faces
from shared.render.paint import Box, Painter, Placement, new_frame
from shared.render.panels import Panel
from shared.render.screens import draw_diagnostic, draw_identify
from shared.render.text import FittedText, pitch

#: The smallest type on the bigger panels, in pixels.
MIN_SIZE = 11

__all__ = ["draw_frame", "frame_hash", "new_frame", "paint_frame"]


def frame_hash(frame: Image.Image) -> str:
    """A short hash of the frame's pixels and size: equal frames, equal hashes."""
    digest = hashlib.sha256(f"{frame.mode}{frame.size}".encode())
    digest.update(frame.tobytes())
    return digest.hexdigest()[:32]


def draw_frame(view: DoorView, panel: Panel) -> Image.Image:
    """The frame that shows ``view`` on ``panel``."""
    return paint_frame(view, panel)[0]


def paint_frame(view: DoorView, panel: Panel) -> tuple[Image.Image, list[Placement]]:
    """The frame for ``view`` on ``panel``, and where each of its texts was placed.

    The fallback faces opened for it are closed again once it is drawn
    (:func:`~shared.render.fonts.release_fallback_faces`: a CJK face holds megabytes).
    """
    painter = Painter(panel)
    try:
        if view.status == "identify":
            draw_identify(painter, view)
        elif view.status == "diagnostic":
            draw_diagnostic(painter, view)
        elif panel.compact:
            draw_compact(painter, view)
        else:
            _Regular(painter, view).draw()
    finally:
        release_fallback_faces()
    return painter.frame, painter.placements


@dataclass(frozen=True)
class _Item:
    """One block of the body's text column, fitted top to bottom."""

    text: str
    weight: str
    max_size: int
    min_size: int
    max_lines: int


class _Regular:
    """The layout for panels 200 pixels high and up (see the module docstring)."""

    def __init__(self, painter: Painter, view: DoorView) -> None:
        self.p = painter
        self.view = view
        panel = painter.panel
        self.w, self.h = panel.width, panel.height
        self.u = self.h / 100
        self.m = max(6, round(3 * self.u))

    def px(self, units: float) -> int:
        return max(1, round(units * self.u))

    def floor(self, units: float) -> int:
        """A minimum text size: ``units`` of the height, but never under :data:`MIN_SIZE`."""
        return max(MIN_SIZE, self.px(units))

    def draw(self) -> None:
        top = self.header()
        top = self.banner(top)
        bottom = self.footer()
        bottom = self.next_row(bottom)
        self.body((self.m, top + self.m, self.w - self.m, bottom - self.m))

    def header(self) -> int:
        bar = self.px(14)
        panel, view = self.p.panel, self.view
        self.p.fill((0, 0, self.w, bar), panel.text)
        pad = self.px(2.2)
        right = self.w - self.m
        if view.when:
            when = self.p.fit(view.when, (0, 0, self.w // 3, bar - 2 * pad), weight="bold",
                              max_size=self.px(7.5), min_size=self.floor(4))  # fmt: skip
            width = when.width()
            self.p.put(view.when, when, (right - width, pad, right, bar - pad), panel.background,
                       "right", middle=True)  # fmt: skip
            right -= width + self.m
        self.p.text(view.room, (self.m, pad, right, bar - pad), panel.background,
                    weight="bold", max_size=self.px(9), min_size=self.floor(4), max_lines=1,
                    middle=True)  # fmt: skip
        return bar

    def banner(self, top: int) -> int:
        if not self.view.banner:
            return top
        height = max(self.px(11), 2 * pitch(self.floor(3), "bold") + 2 * self.px(1))
        panel = self.p.panel
        self.p.fill((0, top, self.w, top + height), panel.accent)
        box = (self.m, top + self.px(1), self.w - self.m, top + height - self.px(1))
        self.p.text(self.view.banner, box, panel.accent_text, weight="bold",
                    max_size=self.px(5.5), min_size=self.floor(3), max_lines=2,
                    middle=True)  # fmt: skip
        return top + height

    def footer(self) -> int:
        view, panel = self.view, self.p.panel
        height = self.px(6)
        top = self.h - height
        box = (self.m, top, self.w - self.m, self.h - self.px(1))
        if view.offline:
            used = self.p.fit(view.offline, (0, 0, self.w // 2, box[3] - top), weight="bold",
                              max_size=self.px(4), min_size=self.floor(3))  # fmt: skip
            width = used.width()
            self.p.put(view.offline, used, (box[2] - width, top, box[2], box[3]),
                       panel.accent_ink, "right", middle=True)  # fmt: skip
            box = (box[0], top, box[2] - width - self.m, box[3])
        self.p.text(view.updated or view.footer, box, panel.text, max_size=self.px(3.6),
                    min_size=self.floor(3), max_lines=1, middle=True)  # fmt: skip
        return top

    def next_row(self, bottom: int) -> int:
        view, panel = self.view, self.p.panel
        if not view.next_when:
            return bottom
        height = self.px(9)
        top = bottom - height
        self.p.rule(top, self.m, self.w - self.m, max(1, self.px(0.5)), panel.text)
        inner = (self.m, top + self.px(1.2), self.w - self.m, bottom - self.px(0.6))
        size = self.px(5.6)
        label = self.p.fit(view.next_when, (0, 0, self.w // 2, inner[3] - inner[1]),
                           weight="bold", max_size=size, min_size=self.floor(3))  # fmt: skip
        width = label.width()
        self.p.put(view.next_when, label, (inner[0], inner[1], inner[0] + width, inner[3]),
                   panel.text, middle=True)  # fmt: skip
        rest = (inner[0] + width + self.px(2.5), inner[1], inner[2], inner[3])
        self.p.text(view.next_what, rest, panel.text, max_size=label.size,
                    min_size=max(self.floor(4), label.size * 3 // 4), max_lines=1,
                    middle=True)  # fmt: skip
        return top

    def body(self, box: Box) -> None:
        left, top, right, bottom = box
        view, panel = self.view, self.p.panel
        if view.full:
            bottom = self.full_band((left, top, right, bottom))
        if view.qr_url:
            right = self.qr_column((left, top, right, bottom))
        items = [item for item in self.items() if item.text]
        placed: list[tuple[_Item, FittedText, int]] = []
        y = top
        for i, item in enumerate(items):
            later = sum(self.reserve(it) for it in items[i + 1 :])
            limit = bottom - later if i == 0 else bottom
            fitted = self.p.fit(item.text, (left, y, right, max(y, limit)), weight=item.weight,
                                max_size=item.max_size, min_size=item.min_size,
                                max_lines=item.max_lines)  # fmt: skip
            if not fitted.lines:
                continue
            gap = self.px(1.5) if placed else 0
            placed.append((item, fitted, y + gap))
            y += gap + fitted.height
        shift = 0 if view.status == "session" else max(0, (bottom - y) // 2)
        for item, fitted, at in placed:
            self.p.put(item.text, fitted, (left, at + shift, right, at + shift + fitted.height),
                       panel.text)  # fmt: skip

    def reserve(self, item: _Item) -> int:
        """The height kept free for ``item`` while the headline is fitted."""
        return pitch(item.min_size) * item.max_lines + self.px(1.5)

    def items(self) -> list[_Item]:
        view = self.view
        floor = self.floor
        return [
            _Item(view.headline, "bold", self.px(17), floor(5), 3),
            _Item(view.detail, "regular", self.px(6.5), floor(4.5), 2),
            _Item(view.host, "regular", self.px(6.5), floor(4.5), 2),
        ]  # fmt: skip

    def full_band(self, box: Box) -> int:
        left, _, right, bottom = box
        panel, view = self.p.panel, self.view
        height = self.px(15)
        top = bottom - height
        self.p.fill((left, top, right, bottom), panel.accent)
        pad = self.px(2)
        word = self.p.fit("FULL", (0, 0, right - left, height - 2 * pad), weight="bold",
                          max_size=self.px(11), min_size=self.floor(5))  # fmt: skip
        width = word.width()
        self.p.put("FULL", word, (left + pad * 2, top + pad, left + pad * 2 + width,
                   bottom - pad), panel.accent_text, middle=True)  # fmt: skip
        if view.also_on_now:
            rooms = "Also on now: " + " · ".join(view.also_on_now)
            rest = (left + width + pad * 6, top + pad, right - pad * 2, bottom - pad)
            self.p.text(rooms, rest, panel.accent_text, weight="bold", max_size=self.px(5.5),
                        min_size=self.floor(3), max_lines=2, middle=True)  # fmt: skip
        return top - self.px(2)

    def qr_column(self, box: Box) -> int:
        left, top, right, bottom = box
        panel, view = self.p.panel, self.view
        caption_h = self.px(5) if view.qr_caption else 0
        side = min(bottom - top - caption_h, (right - left) // 3, self.px(48))
        column = (right - side, top, right, top + side)
        drawn = self.p.qr(view.qr_url or "", column, panel.text)
        if not drawn:
            return right
        if view.qr_caption:
            self.p.text(view.qr_caption, (right - side, top + drawn, right, top + drawn +
                        caption_h), panel.text, weight="bold", max_size=self.px(4),
                        min_size=self.floor(2.5), max_lines=1, align="center")  # fmt: skip
        return right - side - self.m
