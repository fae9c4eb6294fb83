"""What a door says: a pure function of a snapshot, a time and the node's own situation.

:func:`door_view` decides the words; :mod:`shared.render.frame` decides how they look. Keeping
the two apart lets tests check every state a room can be in without looking at pixels.

A clock that reads earlier than the snapshot's publish time (less a tolerance), or more than a
year after it, or that the node itself does not trust, gives "Time unknown": the door never
shows a session for a time it cannot be sure of.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Literal, TypedDict

from shared.schedule import now_and_next
from shared.wire import DoorSlot, RoomSnapshot

DoorStatus = Literal[
    "session", "open", "blocked", "moved", "cancelled", "between", "before", "after",
    "before_day", "after_day", "waiting", "not_assigned", "time_unknown", "identify",
    "diagnostic",
]  # fmt: skip

#: A node clock this far before the snapshot's publish time is not trusted.
CLOCK_TOLERANCE = timedelta(minutes=10)
#: Nor is one this far after it (a snapshot describes one event, not years of them).
CLOCK_HORIZON = timedelta(days=366)
OPEN_HEADLINE = "Open — add yours"


@dataclass(frozen=True)
class NodeContext:
    """The node's own situation, which the snapshot cannot know.

    ``offline_since`` is set once the node has lost the hub for longer than a few missed
    heartbeats. ``clock_trusted`` is False while the node's clock is not synchronised.
    ``also_on_now`` names rooms with a session on now that is not full (shown when this room
    is full). ``diagnostics`` (label, value) pairs, when given, replace the door with a
    diagnostic frame; ``identify`` replaces it with the node id in big type. ``assigned`` is
    False while the node has no room to show (none in its config, none from the hub): with no
    snapshot the door then says "Not assigned" rather than "Waiting for hub".
    """

    node_id: str = ""
    offline_since: datetime | None = None
    identify: bool = False
    clock_trusted: bool = True
    also_on_now: tuple[str, ...] = ()
    diagnostics: tuple[tuple[str, str], ...] = ()
    assigned: bool = True


@dataclass(frozen=True)
class DoorView:
    """The words on a door, ready to lay out. Empty strings mean "nothing to show".

    ``headline`` is the biggest text (the topic, or what the slot is); ``detail`` a line under
    it (what moved, what was cancelled, what to do). ``next_line`` is ``next_when`` and
    ``next_what`` together; ``footer`` is ``updated`` and ``offline`` together.
    """

    status: DoorStatus
    room: str
    headline: str
    when: str = ""
    host: str = ""
    full: bool = False
    next_line: str = ""
    qr_url: str | None = None
    banner: str = ""
    footer: str = ""
    detail: str = ""
    qr_caption: str = ""
    next_when: str = ""
    next_what: str = ""
    updated: str = ""
    offline: str = ""
    also_on_now: tuple[str, ...] = ()
    facts: tuple[tuple[str, str], ...] = ()


def door_view(snapshot: RoomSnapshot | None, at: datetime, context: NodeContext) -> DoorView:
    """The door view for ``snapshot`` at time ``at`` (aware), seen by the node in ``context``."""
    room = snapshot.room.name if snapshot is not None else ""
    if context.diagnostics:
        return DoorView("diagnostic", room or context.node_id, context.node_id or "Diagnostics",
                        facts=context.diagnostics)  # fmt: skip
    if context.identify:
        return DoorView("identify", room or "Identify", context.node_id or "(no node id)",
                        detail="This door sign's node id")  # fmt: skip
    if snapshot is None:
        return _without_snapshot(context)
    zone = snapshot.event.zone()
    status_line = _status_line(snapshot, at, zone, context)
    if not _clock_ok(snapshot, at, context):
        link = snapshot.links.room_page or snapshot.links.board
        return DoorView("time_unknown", room, "Time unknown",
                        detail="This sign's clock is not set: see the schedule board",
                        qr_url=link, qr_caption="Schedule" if link else "",
                        **status_line)  # fmt: skip
    found = now_and_next(snapshot.slots, at)
    nxt = _next_parts(found.next, at, zone) if found.next else ("", "")
    common: _Common = {
        **status_line, "banner": " · ".join(a.text for a in snapshot.announcements if a.active(at)),
        "next_when": nxt[0], "next_what": nxt[1], "next_line": _join(*nxt),
    }  # fmt: skip
    if found.current is None:
        status, headline = _outside(snapshot.slots, at, zone)
        return DoorView(status, room, headline, **common)
    return _slot_view(found.current, room, zone, context, common)


def _without_snapshot(context: NodeContext) -> DoorView:
    """No schedule yet: the node has no room ("Not assigned") or waits for its snapshot."""
    if not context.assigned:
        return DoorView("not_assigned", context.node_id or "Door sign", "Not assigned",
                        detail="Assign this door to a room on the hub's fleet page")  # fmt: skip
    return DoorView("waiting", context.node_id or "Door sign", "Waiting for hub",
                    detail="No schedule received yet")  # fmt: skip


class _StatusLine(TypedDict):
    footer: str
    updated: str
    offline: str


class _Common(_StatusLine):
    banner: str
    next_when: str
    next_what: str
    next_line: str


def _status_line(
    snapshot: RoomSnapshot, at: datetime, zone: tzinfo, context: NodeContext
) -> _StatusLine:
    updated = f"Updated {_local(snapshot.published_at, zone):%a %H:%M}"
    offline = ""
    if context.offline_since is not None:
        offline = f"Offline since {_local(context.offline_since, zone):%H:%M}"
    footer = updated + (f" · {offline[0].lower()}{offline[1:]}" if offline else "")
    return {"updated": updated, "offline": offline, "footer": footer}


def _clock_ok(snapshot: RoomSnapshot, at: datetime, context: NodeContext) -> bool:
    published = snapshot.published_at
    try:
        return context.clock_trusted and (
            published - CLOCK_TOLERANCE <= at <= published + CLOCK_HORIZON
        )
    except OverflowError:  # a publish time at the very ends of the calendar
        return False


def _slot_view(
    slot: DoorSlot, room: str, zone: tzinfo, context: NodeContext, common: _Common
) -> DoorView:
    when = _range(slot, zone)
    card = slot.session
    if slot.kind == "session" and card is not None:
        host = card.host_name
        if card.host_handle:
            host = f"{host} · {card.host_handle}" if host else card.host_handle
        return DoorView(
            "session", room, card.title, when=when, host=host,
            full=card.full, qr_url=card.url, qr_caption="Session page" if card.url else "",
            also_on_now=context.also_on_now if card.full else (), **common,
        )  # fmt: skip
    if slot.kind == "moved" and card is not None:
        return DoorView("moved", room, f"Moved to {slot.moved_to}", when=when,
                        detail=card.title, **common)  # fmt: skip
    if slot.kind == "cancelled" and card is not None:
        return DoorView("cancelled", room, "Cancelled", when=when, detail=card.title,
                        qr_url=slot.add_url, qr_caption="Add yours" if slot.add_url else "",
                        **common)  # fmt: skip
    if slot.kind == "blocked":
        return DoorView("blocked", room, slot.label or "Reserved", when=when,
                        detail="Reserved for another event", **common)  # fmt: skip
    return DoorView("open", room, OPEN_HEADLINE, when=when,
                    detail="Host a session here: scan the code to add yours",
                    qr_url=slot.add_url, qr_caption="Add yours" if slot.add_url else "",
                    **common)  # fmt: skip


def _outside(slots: list[DoorSlot], at: datetime, zone: tzinfo) -> tuple[DoorStatus, str]:
    """The status and headline when no slot covers ``at``."""
    if not slots or at >= slots[-1].end:
        return "after", "That's all — thank you!"
    first = min(slots, key=lambda s: s.start)
    if at < first.start:
        return "before", f"Open Spaces start {_local(first.start, zone):%a %H:%M}"
    today = _local(at, zone).date()
    later = [s for s in slots if s.start > at]
    if all(_day(s, zone) != today for s in later):
        return "after_day", "Done for today"
    if all(_day(s, zone) != today for s in slots if s.end <= at):
        return "before_day", f"Today from {_local(later[0].start, zone):%H:%M}"
    return "between", f"Free until {_local(later[0].start, zone):%H:%M}"


def _next_parts(slot: DoorSlot, at: datetime, zone: tzinfo) -> tuple[str, str]:
    start = _local(slot.start, zone)
    day = "" if start.date() == _local(at, zone).date() else start.strftime("%a ")
    what = {
        "session": slot.session.title if slot.session else "",
        "open": OPEN_HEADLINE,
        "blocked": slot.label or "Reserved",
        "moved": f"Moved to {slot.moved_to}",
        "cancelled": "Cancelled",
    }[slot.kind]
    return f"Next {day}{start:%H:%M}", what


def _join(when: str, what: str) -> str:
    return f"{when}: {what}" if when else ""


def _range(slot: DoorSlot, zone: tzinfo) -> str:
    return f"{_local(slot.start, zone):%H:%M}–{_local(slot.end, zone):%H:%M}"


def _day(slot: DoorSlot, zone: tzinfo) -> date:
    return _local(slot.start, zone).date()


def _local(moment: datetime, zone: tzinfo) -> datetime:
    """``moment`` in the event's zone; at the ends of the calendar, as it is."""
    try:
        return moment.astimezone(zone)
    except OverflowError:
        return moment
