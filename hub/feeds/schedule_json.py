"""``/schedule.json``: the board in the conference-tooling schedule format (c3voc schema).

The document validates against ``c3voc-schedule.schema.json`` (draft-06). Conventions, where
the schema leaves a choice (``docs/feeds.md`` tells consumers the same):

- One ``day`` per event day that has slots, ``index`` from 1; ``day_start``/``day_end`` are the
  first slot's start and the last slot's end, in the event's time zone with its UTC offset.
- Every room is listed under every day (an empty list when nothing is on), keyed by its
  :func:`~hub.feeds.naming.room_labels` name, the same name the room-state feed uses.
- A session is an ``event``: ``id`` is the session id, ``guid`` is stable
  (:func:`~hub.feeds.naming.session_guid`), ``date`` is the start as an ISO date-time with
  offset, ``start`` is local ``"HH:MM"`` (what frab, pretalx and the apps write and read),
  ``duration`` is ``"01:00"``, ``type`` is ``"Open Space"``, ``url`` is the session page,
  ``abstract`` is the card's description, ``persons`` is the host (name and handle).
- Cancelled sessions are left out: the slot is free again, and apps drop what is missing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from hub.feeds import naming
from hub.mqtt.snapshots import Links
from hub.repo.feeds import Board, BoardRoom, BoardSession, BoardSlot
from shared import __version__

SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
EVENT_TYPE = "Open Space"
#: The schema's pattern for ``time_zone_name``; zones it rejects are left out (it is optional).
_ZONE_PATTERN = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Person(_Strict):
    """A host, in the pretalx shape (``name``), with a guid stable per session."""

    name: str
    guid: str


class Event(_Strict):
    id: int = Field(ge=1)
    guid: str
    date: str = Field(description="start as ISO 8601 date-time with UTC offset")
    start: str = Field(description="local start time, HH:MM")
    duration: str = Field(description="HH:MM")
    room: str
    slug: str
    url: str
    title: str
    subtitle: str
    track: str | None
    type: str
    language: str
    abstract: str
    description: str | None
    persons: list[Person]
    links: list[str]


class Day(_Strict):
    index: int
    date: date
    day_start: str
    day_end: str
    rooms: dict[str, list[Event]]


class Room(_Strict):
    name: str
    guid: str
    description: str | None
    capacity: int | None


class Conference(_Strict):
    acronym: str
    title: str
    start: date
    end: date
    daysCount: int  # noqa: N815 (the schema's name)
    timeslot_duration: str
    time_zone_name: str | None = Field(default=None, exclude_if=lambda zone: zone is None)
    url: str
    rooms: list[Room]
    days: list[Day]


class Schedule(_Strict):
    version: str
    base_url: str
    conference: Conference


class Generator(_Strict):
    name: Literal["openspaces-doors"] = "openspaces-doors"
    version: str = __version__


class ScheduleDocument(_Strict):
    """The whole ``/schedule.json`` document."""

    schema_: str = Field(default=SCHEMA_URL, alias="$schema")
    generator: Generator = Field(default_factory=Generator)
    schedule: Schedule


def build_schedule(board: Board, links: Links, today: date) -> ScheduleDocument:
    """The document for ``board``. ``today`` stands in for start/end when there are no slots."""
    zone = ZoneInfo(board.event.timezone)
    labels = naming.room_labels(board.rooms)
    event_acronym = naming.acronym(board.event.name)
    days = _days(board, links, labels, zone, event_acronym)
    conference = Conference(
        acronym=event_acronym,
        title=board.event.name,
        start=days[0].date if days else today,
        end=days[-1].date if days else today,
        daysCount=len(days),
        timeslot_duration=_hh_mm(_slot_length(board.slots)),
        time_zone_name=board.event.timezone if _ZONE_PATTERN.search(board.event.timezone) else None,
        url=links.board(),
        rooms=[_room(room, labels[room.id], board.event.epoch) for room in board.rooms],
        days=days,
    )
    schedule = Schedule(version=str(board.version), base_url=links.board(), conference=conference)
    return ScheduleDocument(schedule=schedule)


def render(document: ScheduleDocument) -> bytes:
    """The document as UTF-8 JSON (``time_zone_name`` left out when the schema refuses it)."""
    return document.model_dump_json(by_alias=True).encode("utf-8")


def _days(
    board: Board, links: Links, labels: dict[str, str], zone: ZoneInfo, event_acronym: str
) -> list[Day]:
    slots_by_day: dict[date, list[BoardSlot]] = defaultdict(list)
    for slot in board.slots:
        slots_by_day[slot.day].append(slot)
    events_by_day: dict[date, dict[str, list[Event]]] = {
        day: {labels[room.id]: [] for room in board.rooms} for day in slots_by_day
    }
    day_of_slot = {slot.id: slot.day for slot in board.slots}
    for session in board.sessions:
        if session.scheduled:
            event = _event(session, board, links, labels[session.room_id], zone, event_acronym)
            events_by_day[day_of_slot[session.slot_id]][event.room].append(event)
    ordered = sorted(slots_by_day.items())
    return [
        _day(index, day, slots, events_by_day[day], zone)
        for index, (day, slots) in enumerate(ordered, start=1)
    ]


def _day(
    index: int, day: date, slots: list[BoardSlot], rooms: dict[str, list[Event]], zone: ZoneInfo
) -> Day:
    return Day(
        index=index, date=day, day_start=_local(slots[0].start, zone),
        day_end=_local(slots[-1].end, zone), rooms=rooms,
    )  # fmt: skip


def _room(room: BoardRoom, name: str, epoch: str) -> Room:
    return Room(
        name=name, guid=str(naming.room_guid(epoch, room.id)), description=room.location,
        capacity=room.capacity,
    )  # fmt: skip


def _event(
    session: BoardSession,
    board: Board,
    links: Links,
    room_name: str,
    zone: ZoneInfo,
    event_acronym: str,
) -> Event:
    host = naming.host_label(session.host_name, session.host_handle)
    epoch = board.event.epoch
    persons = [Person(name=host, guid=str(naming.host_guid(epoch, session.id)))] if host else []
    return Event(
        id=session.id, guid=str(naming.session_guid(epoch, session.id)),
        date=_local(session.start, zone), start=session.start.astimezone(zone).strftime("%H:%M"),
        duration=_hh_mm(session.end - session.start), room=room_name,
        slug=naming.slug(event_acronym, session.id, session.title), url=links.session(session.id),
        title=session.title, subtitle="", track=None, type=EVENT_TYPE, language="",
        abstract=session.description, description=None, persons=persons, links=[],
    )  # fmt: skip


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).isoformat()


def _slot_length(slots: list[BoardSlot]) -> timedelta:
    return slots[0].end - slots[0].start if slots else timedelta(hours=1)


def _hh_mm(length: timedelta) -> str:
    minutes = int(length.total_seconds()) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
