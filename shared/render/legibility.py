"""How large each text on a frame is, by role, in pixels and in millimetres of cap height.

:func:`text_runs` lays a door view out on a panel and names every text drawn with its role
(``room``, ``state``, ``topic``, ...): ``openspaces render --layout-json`` prints them, and
the legibility floors (docs/rendering.md) are checked against them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from shared.render.door import DoorView
from shared.render.frame import paint_frame
from shared.render.panels import Panel
from shared.render.physical import cap_height_mm, diagonal_in

#: The words a door says its state with (the headline of every state but a session, and FULL).
STATE_ROLES = ("room", "state", "topic")
#: Cap height floors in mm: the key roles on panels of 4" and larger; everything else.
KEY_FLOOR_MM = 6.0
FLOOR_MM = 2.5
SMALL_FLOOR_MM = 2.0


@dataclass(frozen=True)
class TextRun:
    """One text drawn on a frame: its role, its words, its pixel size and its cap height."""

    role: str
    text: str
    size_px: int
    cap_height_mm: float
    lines: int


def role_of(text: str, view: DoorView) -> str:
    """The role ``text`` plays on the door ``view`` describes."""
    if text == view.headline:
        return "topic" if view.status == "session" else "state"
    roles = {
        "FULL": "state", view.room: "room", view.when: "time", view.detail: "detail",
        view.host: "host", view.banner: "announcement", view.next_when: "next",
        view.next_line: "next",
        view.next_what: "next", view.updated: "footer", view.footer: "footer",
        view.offline: "footer", view.qr_caption: "qr-caption",
    }  # fmt: skip
    if text in roles and text:
        return roles[text]
    return "also-on" if text.startswith("Also on now") else "other"


def text_runs(view: DoorView, panel: Panel) -> list[TextRun]:
    """Every text on ``view``'s frame for ``panel``, in drawing order."""
    _, placements = paint_frame(view, panel)
    return [
        TextRun(role_of(p.text, view), p.text, p.size, cap_height_mm(panel, p.size), len(p.lines))
        for p in placements
    ]


def floor_mm(panel: Panel, role: str) -> float:
    """The smallest cap height ``role`` may have on ``panel``."""
    diagonal = diagonal_in(panel)
    if role in STATE_ROLES and diagonal >= 4.0:
        return KEY_FLOOR_MM
    return SMALL_FLOOR_MM if diagonal < 2.5 else FLOOR_MM


def below_floor(view: DoorView, panel: Panel) -> list[str]:
    """What on ``view``'s frame is smaller than its floor (:func:`floor_mm`), one line each;
    empty when every text meets its floor."""
    return [
        f"{run.role} {run.text!r}: {run.cap_height_mm} mm < {floor_mm(panel, run.role)} mm"
        for run in text_runs(view, panel)
        if run.cap_height_mm < floor_mm(panel, run.role)
    ]


def as_json(runs: list[TextRun]) -> list[dict[str, object]]:
    """``runs`` as JSON-ready dicts."""
    return [asdict(run) for run in runs]
