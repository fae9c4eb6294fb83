"""iCalendar (RFC 5545) feeds: the whole event, one room, or one session ("add to calendar").

Each session is a ``VEVENT``: ``UID`` is the session's guid (the same as in ``schedule.json``),
so a calendar that re-reads the feed updates an edited or moved session in place; ``DTSTART``
and ``DTEND`` are in the event's time zone (``TZID`` with a ``VTIMEZONE`` covering the event's
dates); ``DTSTAMP`` and ``LAST-MODIFIED`` are when the card last changed. Cancelled sessions
stay in the feeds with ``STATUS:CANCELLED`` and "Cancelled:" before the title, so subscribed
calendars strike them out instead of silently dropping them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from zoneinfo import ZoneInfo

import icalendar

from hub.feeds import naming
from hub.mqtt.snapshots import Links
from hub.repo.feeds import Board, BoardSession

PRODUCT_ID = "-//Open Spaces door signs//hub//EN"
#: How often subscribed calendars should re-read a feed (RFC 7986 and the common X- form).
REFRESH = timedelta(minutes=15)
CATEGORY = "Open Space"


def build_calendar(
    board: Board, links: Links, sessions: Iterable[BoardSession], title: str
) -> icalendar.Calendar:
    """A calendar named ``title`` with one ``VEVENT`` per session in ``sessions``."""
    title = one_line(title)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", title)
    calendar.add("x-wr-calname", title)
    calendar.add("x-wr-timezone", board.event.timezone)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    chosen = list(sessions)
    zone = ZoneInfo(board.event.timezone)
    labels = naming.room_labels(board.rooms)
    locations = {room.id: room.location for room in board.rooms}
    for session in chosen:
        place = ", ".join(p for p in (labels[session.room_id], locations[session.room_id]) if p)
        calendar.add_component(_vevent(session, board.event.epoch, links, place, zone))
    if chosen:
        calendar.add_missing_timezones(
            first_date=min(s.start for s in chosen).date() - timedelta(days=1),
            last_date=max(s.end for s in chosen).date() + timedelta(days=1),
        )
    return calendar


def event_calendar(board: Board, links: Links) -> icalendar.Calendar:
    """Every session of the event."""
    return build_calendar(board, links, board.sessions, board.event.name)


def room_calendar(board: Board, links: Links, room_id: str) -> icalendar.Calendar:
    """The sessions in one room (``room_id`` must be one of ``board.rooms``)."""
    title = f"{board.event.name}: {naming.room_labels(board.rooms)[room_id]}"
    chosen = [s for s in board.sessions if s.room_id == room_id]
    return build_calendar(board, links, chosen, title)


def session_calendar(board: Board, links: Links, session: BoardSession) -> icalendar.Calendar:
    """One session, to add to a personal calendar."""
    return build_calendar(board, links, [session], f"{board.event.name}: {session.title}")


def render(calendar: icalendar.Calendar) -> bytes:
    ical_bytes: bytes = calendar.to_ical()
    return ical_bytes


def _vevent(
    session: BoardSession, epoch: str, links: Links, place: str, zone: ZoneInfo
) -> icalendar.Event:
    event = icalendar.Event()
    cancelled = not session.scheduled
    event.add("uid", str(naming.session_guid(epoch, session.id)))
    event.add("dtstamp", session.updated_at)
    event.add("created", session.created_at)
    event.add("last-modified", session.updated_at)
    event.add("dtstart", session.start.astimezone(zone))
    event.add("dtend", session.end.astimezone(zone))
    title = one_line(session.title)
    event.add("summary", f"Cancelled: {title}" if cancelled else title)
    event.add("description", "\n".join(_description(session, links).splitlines()))
    event.add("location", one_line(place))
    event.add("url", links.session(session.id))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("categories", [CATEGORY])
    return event


def one_line(text: str) -> str:
    """``text`` with every run of whitespace (line breaks, tabs, CR) made one space: for
    properties that are one line (titles, places), whatever a host typed."""
    return " ".join(text.split())


def _description(session: BoardSession, links: Links) -> str:
    host = naming.host_label(session.host_name, session.host_handle)
    parts = [session.description, f"Host: {host}" if host else "", links.session(session.id)]
    return "\n\n".join(part for part in parts if part)
