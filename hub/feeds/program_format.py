"""Reading a conference ``schedule.json`` (the c3voc format pretalx and frab publish) into talks.

Only what placing a talk needs is read; every other field is ignored, so exports from any
pretalx or frab version work. For each event under ``schedule.conference.days[].rooms``:

- its room: the event's ``room``, else the key it is listed under;
- its start: ``date`` (ISO 8601 date-time; without a UTC offset it is read in the schedule's
  ``time_zone_name``, else in ``default_zone``), else the day's ``date`` with ``start``
  (``HH:MM``, on the next day if that is before the day's ``day_start``);
- its end: ``end`` (ISO date-time), else the start plus ``duration`` (``HH:MM`` or ``HH:MM:SS``);
- its reference: ``guid``, else ``id``, else ``slug``, else room and start.

A file that is not such a document raises :class:`ProgramFileError` with a message that says
where and what is wrong (``schedule.conference.days[0].rooms["Hall 1"][2].duration: ...``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, ValidationError

from hub.errors import InvalidError

#: The most talks one file may hold (the largest congress schedules have about 1,500).
MAX_TALKS = 20_000
#: The largest file read (a big congress's schedule.json is 3-4 MB).
MAX_BYTES = 16 * 1024 * 1024

_DURATION = re.compile(r"^(\d{1,3}):([0-5]\d)(?::([0-5]\d))?$")
_HOUR_MINUTE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_NOT_THE_FORMAT = (
    "is this a c3voc schedule.json (what pretalx and frab publish as schedule.json / "
    "schedule/export/schedule.json)?"
)


class ProgramFileError(InvalidError):
    """The file is not a usable conference schedule.json; the message says where and why."""


@dataclass(frozen=True)
class Talk:
    """One talk of the programme: ``[start, end)``, aware datetimes."""

    ref: str
    title: str
    room: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Programme:
    """The conference's title and its talks, in file order."""

    title: str
    talks: list[Talk]


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _Event(_Loose):
    title: str
    guid: str | None = None
    id: int | str | None = None
    slug: str | None = None
    room: str | None = None
    date: str | None = None
    start: str | None = None
    duration: str | None = None
    end: str | None = None


class _Day(_Loose):
    date: date
    day_start: str | None = None
    rooms: dict[str, list[_Event]]


class _Conference(_Loose):
    title: str = ""
    time_zone_name: str | None = None
    days: list[_Day]


class _Schedule(_Loose):
    conference: _Conference


class _Document(_Loose):
    schedule: _Schedule


def read_programme(data: bytes, default_zone: ZoneInfo) -> Programme:
    """The talks in ``data``; :class:`ProgramFileError` if it is not a schedule.json."""
    if len(data) > MAX_BYTES:
        raise ProgramFileError(f"the file is over {MAX_BYTES} bytes")
    raw = _json(data)
    _count_talks(raw)
    try:
        document = _Document.model_validate(raw)
    except ValidationError as exc:
        raise ProgramFileError(_describe(exc)) from None
    conference = document.schedule.conference
    zone = _zone(conference.time_zone_name, default_zone)
    talks = [
        _talk(event, name, day, zone, _where(d, name, e))
        for d, day in enumerate(conference.days)
        for name, events in day.rooms.items()
        for e, event in enumerate(events)
    ]
    return Programme(title=conference.title, talks=talks)


def _json(data: bytes) -> Any:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProgramFileError(f"the file is not UTF-8 text (byte {exc.start})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProgramFileError(
            f"the file is not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise ProgramFileError("the file is nested too deeply to be a schedule.json") from None


def _count_talks(raw: Any) -> None:
    """Refuse a file with more than :data:`MAX_TALKS` events before validating them all."""
    if not isinstance(raw, dict) or not isinstance(raw.get("schedule"), dict):
        raise ProgramFileError(f"the file has no 'schedule' object at the top: {_NOT_THE_FORMAT}")
    conference = raw["schedule"].get("conference")
    days = conference.get("days") if isinstance(conference, dict) else None
    count = 0
    for day in days if isinstance(days, list) else []:
        rooms = day.get("rooms") if isinstance(day, dict) else None
        for events in rooms.values() if isinstance(rooms, dict) else []:
            count += len(events) if isinstance(events, list) else 0
    if count > MAX_TALKS:
        raise ProgramFileError(f"the file lists {count} talks; at most {MAX_TALKS} are read")


def _describe(exc: ValidationError) -> str:
    """The first few problems, each as ``place: message``."""
    problems = []
    for error in exc.errors()[:3]:
        place = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"])
        problems.append(f"{place.lstrip('.') or 'the file'}: {error['msg']}")
    more = f" (and {exc.error_count() - 3} more)" if exc.error_count() > 3 else ""
    return "; ".join(problems) + more + f"; {_NOT_THE_FORMAT}"


def _where(day: int, room: str, event: int) -> str:
    return f"schedule.conference.days[{day}].rooms[{json.dumps(room)}][{event}]"


def _zone(name: str | None, default: ZoneInfo) -> ZoneInfo:
    if not name:
        return default
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ProgramFileError(
            f"schedule.conference.time_zone_name: unknown time zone {name!r}"
        ) from None


def _talk(event: _Event, room: str, day: _Day, zone: ZoneInfo, where: str) -> Talk:
    start = _start(event, day, zone, where)
    end = _end(event, start, zone, where)
    if end < start:
        raise ProgramFileError(f"{where}: the talk ends before it starts")
    return Talk(ref=_ref(event, room, start), title=event.title, room=event.room or room,
                start=start, end=end)  # fmt: skip


def _start(event: _Event, day: _Day, zone: ZoneInfo, where: str) -> datetime:
    if event.date:
        return _datetime(event.date, zone, f"{where}.date")
    if not event.start:
        raise ProgramFileError(f"{where}: the talk has neither 'date' nor 'start'")
    match = _HOUR_MINUTE.match(event.start)
    if match is None:
        raise ProgramFileError(f"{where}.start: {event.start!r} is not HH:MM")
    at = time(int(match[1]), int(match[2]))
    start = datetime.combine(day.date, at, zone)
    if day.day_start and start < _datetime(day.day_start, zone, "day_start"):
        start += timedelta(days=1)
    return start


def _end(event: _Event, start: datetime, zone: ZoneInfo, where: str) -> datetime:
    if event.end:
        return _datetime(event.end, zone, f"{where}.end")
    if event.duration is None:
        raise ProgramFileError(f"{where}: the talk has neither 'duration' nor 'end'")
    match = _DURATION.match(event.duration)
    if match is None:
        raise ProgramFileError(f"{where}.duration: {event.duration!r} is not HH:MM")
    length = timedelta(hours=int(match[1]), minutes=int(match[2]), seconds=int(match[3] or 0))
    return start + length


def _datetime(text: str, zone: ZoneInfo, where: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ProgramFileError(f"{where}: {text!r} is not an ISO 8601 date-time") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone)


def _ref(event: _Event, room: str, start: datetime) -> str:
    for candidate in (event.guid, event.id, event.slug):
        if candidate is not None and str(candidate).strip():
            return str(candidate).strip()[:80]
    return f"{room}@{start.isoformat()}"[:80]
