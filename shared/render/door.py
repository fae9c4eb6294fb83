"""What a door says: a pure function of a snapshot, a time and the node's own situation.

:func:`door_view` decides the words; :mod:`shared.render.frame` decides how they look. Keeping
the two apart lets tests check every state a room can be in without looking at pixels.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Literal

from shared.schedule import now_and_next
from shared.wire import DoorSlot, RoomSnapshot

DoorStatus = Literal[
    "session", "open", "blocked", "moved", "cancelled", "between", "before", "after",
    "waiting", "time_unknown", "identify",
]  # fmt: skip

#: A node clock this far before the snapshot's publish time is not trusted.
CLOCK_TOLERANCE = timedelta(minutes=10)


@dataclass(frozen=True)
class NodeContext:
    """The node's own situation, which the snapshot cannot know."""

    node_id: str = ""
    offline_since: datetime | None = None
    identify: bool = False


@dataclass(frozen=True)
class DoorView:
    """The words on a door, ready to lay out. Empty strings mean "nothing to show"."""

    status: DoorStatus
    room: str
    headline: str
    when: str = ""
    host: str = ""
    description: str = ""
    full: bool = False
    next_line: str = ""
    qr_url: str | None = None
    banner: str = ""
    footer: str = ""


def door_view(snapshot: RoomSnapshot | None, at: datetime, context: NodeContext) -> DoorView:
    """The door view for ``snapshot`` at time ``at`` (aware), seen by the node in ``context``."""
    if context.identify:
        return DoorView("identify", context.node_id, "Identify", footer=context.node_id)
    if snapshot is None:
        return DoorView("waiting", context.node_id, "Waiting for hub", footer=context.node_id)
    zone = snapshot.event.zone()
    footer = _footer(snapshot, zone, context)
    room = snapshot.room.name
    if at < snapshot.published_at - CLOCK_TOLERANCE:
        return DoorView("time_unknown", room, "Time unknown", footer=footer)
    banner = " · ".join(a.text for a in snapshot.announcements if a.active(at))
    found = now_and_next(snapshot.slots, at)
    next_line = _next_line(found.next, at, zone) if found.next else ""
    if found.current is None:
        status: DoorStatus = _outside_status(snapshot.slots, at)
        headline = {"before": "Not started yet", "after": "That's all"}.get(status, "Free now")
        return DoorView(status, room, headline, next_line=next_line, banner=banner, footer=footer)
    return _slot_view(found.current, room, zone, next_line, banner, footer)


def _slot_view(
    slot: DoorSlot, room: str, zone: tzinfo, next_line: str, banner: str, footer: str
) -> DoorView:
    when = _range(slot, zone)
    card = slot.session
    common = {"when": when, "next_line": next_line, "banner": banner, "footer": footer}
    if slot.kind == "session" and card is not None:
        host = card.host_name + (f" ({card.host_handle})" if card.host_handle else "")
        return DoorView(
            "session", room, card.title, host=host, description=card.description,
            full=card.full, qr_url=card.url, **common,
        )  # fmt: skip
    if slot.kind == "moved" and card is not None:
        return DoorView("moved", room, f"Moved to {slot.moved_to}", host=card.title, **common)
    if slot.kind == "cancelled" and card is not None:
        return DoorView(
            "cancelled", room, f"Cancelled: {card.title}", qr_url=slot.add_url, **common
        )
    if slot.kind == "blocked":
        return DoorView("blocked", room, slot.label or "Reserved", **common)
    return DoorView("open", room, "Open — add yours", qr_url=slot.add_url, **common)


def _outside_status(slots: list[DoorSlot], at: datetime) -> DoorStatus:
    if not slots or at >= max(s.end for s in slots):
        return "after"
    if at < min(s.start for s in slots):
        return "before"
    return "between"


def _next_line(slot: DoorSlot, at: datetime, zone: tzinfo) -> str:
    start = slot.start.astimezone(zone)
    day = "" if start.date() == at.astimezone(zone).date() else start.strftime("%a ")
    what = {
        "session": slot.session.title if slot.session else "",
        "open": "Open — add yours",
        "blocked": slot.label or "Reserved",
        "moved": f"Moved to {slot.moved_to}",
        "cancelled": "Cancelled",
    }[slot.kind]
    return f"Next {day}{start:%H:%M}: {what}"


def _range(slot: DoorSlot, zone: tzinfo) -> str:
    start = slot.start.astimezone(zone)
    end = slot.end.astimezone(zone)
    return f"{start:%H:%M}–{end:%H:%M}"


def _footer(snapshot: RoomSnapshot, zone: tzinfo, context: NodeContext) -> str:
    updated = snapshot.published_at.astimezone(zone)
    text = f"Updated {updated:%a %H:%M}"
    if context.offline_since is not None:
        text += f" · offline since {context.offline_since.astimezone(zone):%H:%M}"
    return text
