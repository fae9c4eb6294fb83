"""Checking one CSV row against the board: room, slot, text limits, full and status.

:class:`RowChecker` turns a :class:`~hub.feeds.csv_format.CsvRow` into a :class:`SessionRow`
ready to add, or into every :class:`~hub.feeds.csv_format.RowError` the row has (each naming
its row and column). It only reads the board it was given; clashes with the sessions already
in the database are found when the row is applied (:mod:`hub.feeds.csv_import`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import TypeAdapter, ValidationError

from hub.api.schemas import Description, HostText, Title
from hub.feeds.csv_format import CsvRow, RowError
from hub.repo.feeds import Board

Fail = Callable[[str, str], None]
_TRUE = {"true", "yes", "y", "1", "x"}
_FALSE = {"", "false", "no", "n", "0"}
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_TEXT_LIMITS: dict[str, TypeAdapter[Any]] = {
    "title": TypeAdapter(Title),
    "description": TypeAdapter(Description),
    "host_name": TypeAdapter(HostText),
    "host_handle": TypeAdapter(HostText),
}


@dataclass(frozen=True)
class SessionRow:
    """A row that passed every check. ``slot_column`` is where slot clashes are reported."""

    number: int
    room_id: str
    slot_id: int
    slot_column: str
    title: str
    description: str
    host_name: str
    host_handle: str
    full: bool
    cancelled: bool


class RowChecker:
    """Checks rows against one board (its rooms and slots)."""

    def __init__(self, board: Board) -> None:
        zone = ZoneInfo(board.event.timezone)
        self._rooms = [room.id for room in board.rooms]
        self._slot_at: dict[tuple[date, str], int] = {}
        self._slot_name: dict[int, str] = {}
        for slot in board.slots:
            local = slot.start.astimezone(zone)
            key = (local.date(), local.strftime("%H:%M"))
            self._slot_at.setdefault(key, slot.id)
            self._slot_name[slot.id] = f"{key[0].isoformat()} {key[1]}"

    def check(self, row: CsvRow) -> SessionRow | list[RowError]:
        """The row ready to add, or all of its errors."""
        found: list[RowError] = []

        def fail(column: str, message: str) -> None:
            found.append(RowError(row=row.number, column=column, message=message))

        if row.overflow:
            fail(f"column {row.overflow + 1}", "more cells than the header has columns "
                 "(put a cell that contains a comma in double quotes)")  # fmt: skip
        texts = {name: self._text(row, name, fail) for name in _TEXT_LIMITS}
        room_id = self._room(row.get("room_id"), fail)
        slot_id, slot_column = self._slot(row, fail)
        full = self._flag(row.get("full"), fail)
        cancelled = self._cancelled(row.get("status"), fail)
        if full and cancelled:
            fail("full", "a cancelled session cannot be marked full")
        if found or room_id is None or slot_id is None:
            return found
        return SessionRow(
            number=row.number, room_id=room_id, slot_id=slot_id, slot_column=slot_column,
            title=texts["title"], description=texts["description"],
            host_name=texts["host_name"], host_handle=texts["host_handle"], full=full,
            cancelled=cancelled,
        )  # fmt: skip

    def _text(self, row: CsvRow, column: str, fail: Fail) -> str:
        value = row.get(column)
        if column == "title" and not value:
            fail(column, "a session needs a title")
            return ""
        try:
            checked: str = _TEXT_LIMITS[column].validate_python(value)
        except ValidationError as exc:
            fail(column, exc.errors()[0]["msg"])
            return ""
        return checked

    def _room(self, room_id: str, fail: Fail) -> str | None:
        if room_id in self._rooms:
            return room_id
        known = ", ".join(self._rooms[:12]) or "none yet"
        fail("room_id", f"there is no room {room_id!r} (rooms: {known})" if room_id else
             "give the room's id (rooms: " + known + ")")  # fmt: skip
        return None

    def _slot(self, row: CsvRow, fail: Fail) -> tuple[int | None, str]:
        day, start, slot_text = row.get("day"), row.get("start"), row.get("slot_id")
        if not (day or start):
            return self._slot_by_id(slot_text, fail), "slot_id"
        when = self._slot_by_time(day, start, fail)
        if when is not None and slot_text and slot_text != str(when):
            fail("slot_id", f"slot {slot_text} is not the slot at {self._slot_name[when]}")
            return None, "start"
        return when, "start"

    def _slot_by_id(self, text: str, fail: Fail) -> int | None:
        if not text:
            fail("slot_id", "give the slot: day and start, or slot_id")
            return None
        slot_id = int(text) if text.isdigit() and len(text) < 10 else None
        if slot_id is None or slot_id not in self._slot_name:
            fail("slot_id", f"there is no slot {text!r}")
            return None
        return slot_id

    def _slot_by_time(self, day_text: str, start_text: str, fail: Fail) -> int | None:
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            fail("day", f"{day_text!r} is not a date like 2027-05-15" if day_text else
                 "give the day (YYYY-MM-DD) with the start time")  # fmt: skip
            return None
        match = _TIME.match(start_text)
        if match is None:
            fail("start", f"{start_text!r} is not a time like 14:00" if start_text else
                 "give the start time (HH:MM) with the day")  # fmt: skip
            return None
        start = f"{int(match[1]):02d}:{match[2]}"
        slot_id = self._slot_at.get((day, start))
        if slot_id is None:
            starts = sorted(hhmm for (d, hhmm) in self._slot_at if d == day)
            hint = f"slots that day start at {', '.join(starts)}" if starts else "no slots that day"
            fail("start", f"there is no slot on {day.isoformat()} at {start} ({hint})")
        return slot_id

    @staticmethod
    def _flag(text: str, fail: Fail) -> bool:
        value = text.lower()
        if value not in _TRUE | _FALSE:
            fail("full", f"{text!r} is not true or false (yes/no and 1/0 work too)")
        return value in _TRUE

    @staticmethod
    def _cancelled(text: str, fail: Fail) -> bool:
        value = text.lower()
        if value not in ("", "scheduled", "cancelled", "canceled"):
            fail("status", f"{text!r} is not a status: write scheduled or cancelled")
        return value in ("cancelled", "canceled")
