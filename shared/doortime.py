"""The door's own time: when its words change by themselves, and what moment it is drawn for.

Pure functions of a room's snapshot (and, for "also on now", the other rooms'), used by the
node to plan its refreshes and by the hub to know which frames a door may rightly show.

A refresh takes the panel's ``refresh_s``, so a door that waited for 11:00 to redraw would
show the 10:00 session until 11:00:30. :func:`door_time` therefore draws the door as it must
look at the next moment its words change (a slot boundary of its room or, for "also on now",
of another room; an announcement's expiry; local midnight) as soon as that moment is
``lead_s`` away or closer. The door shows the upcoming session up to one refresh early;
pressing the button in those seconds concerns the session the door shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta

from shared.schedule import next_boundary
from shared.wire import RoomSnapshot


def next_change(
    snapshot: RoomSnapshot | None, at: datetime, others: Iterable[RoomSnapshot] = ()
) -> datetime | None:
    """The first moment after ``at`` at which the door's words may change by themselves.

    Slot starts and ends of ``snapshot`` and of ``others`` (their sessions feed "also on now"),
    expiries of ``snapshot``'s announcements, and the next midnight in the event's time zone
    (the door words the day: "Done for today", "Next Fri 10:00"). None without a snapshot.
    """
    if snapshot is None:
        return None
    boundaries = (next_boundary(room.slots, at) for room in (snapshot, *others))
    moments = [moment for moment in boundaries if moment is not None]
    moments += [a.expires_at for a in snapshot.announcements if a.expires_at and a.expires_at > at]
    midnight = _next_midnight(snapshot, at)
    if midnight is not None:
        moments.append(midnight)
    return min(moments, default=None)


def door_time(
    snapshot: RoomSnapshot | None,
    now: datetime,
    lead_s: float,
    others: Iterable[RoomSnapshot] = (),
) -> datetime:
    """The time the door is drawn for at ``now``: the last change within ``lead_s``, or ``now``.

    The next change after the returned time is always more than ``lead_s`` after ``now``.
    """
    rooms = tuple(others)
    at = now
    while (change := next_change(snapshot, at, rooms)) is not None:
        if (change - now).total_seconds() > lead_s:
            break
        at = change
    return at


def _next_midnight(snapshot: RoomSnapshot, at: datetime) -> datetime | None:
    zone = snapshot.event.zone()
    try:
        day = at.astimezone(zone).date() + timedelta(days=1)
        return datetime.combine(day, time(0), zone)
    except OverflowError:  # a clock at the very end of the calendar
        return None
