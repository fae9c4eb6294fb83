"""The lobby screen's content: what is on now and next in every room, as a pure function.

:func:`lobby_view` takes the board's data (:func:`hub.web.board_view.load_board`, so the lobby
says exactly what the doors and the board say) and the time, and picks the columns:

- the slot on now, if one is;
- then the next slot of the same day (two of them when nothing is on, before the day starts or
  in a break);
- once the day's last slot has started (or the day is over), the first two slots of the next
  event day instead, labelled with that day.

Rooms are cut into pages of ``rooms_per_page``; the screen shows one page at a time and turns
them by itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from hub.web.board_view import BoardData, Row, SlotTime, next_change, slot_row

#: Rooms on one page of the lobby screen at 1080p with its big type.
ROOMS_PER_PAGE = 4
#: Columns when nothing is on; when a slot is on, it takes one of them.
UPCOMING_COLUMNS = 2


@dataclass(frozen=True)
class Column:
    """One slot shown as a column: ``label`` is "Now", "Next" or a later day's name."""

    label: str
    row: Row
    later_day: bool


@dataclass(frozen=True)
class LobbyView:
    """Columns of slots and pages of room indexes (into ``data.rooms``) to show them for."""

    columns: list[Column]
    pages: list[list[int]]
    next_change: datetime | None


def lobby_view(data: BoardData, now: datetime, rooms_per_page: int = ROOMS_PER_PAGE) -> LobbyView:
    """The lobby at ``now``; see the module docstring for the rule."""
    today = now.astimezone(data.zone).date()
    ordered = sorted(data.slots, key=lambda slot: slot.start)
    current = next((s for s in ordered if s.start <= now < s.end), None)
    upcoming = [s for s in ordered if s.start > now and s is not current]
    columns = [Column("Now", slot_row(data, current, now), False)] if current else []
    columns += _upcoming(data, now, today, upcoming, want=UPCOMING_COLUMNS - len(columns))
    indexes = list(range(len(data.rooms)))
    pages = [indexes[i : i + rooms_per_page] for i in range(0, len(indexes), rooms_per_page)]
    return LobbyView(columns, pages, next_change(data.slots, now))


def _upcoming(
    data: BoardData, now: datetime, today: date, upcoming: list[SlotTime], want: int
) -> list[Column]:
    if not upcoming:
        return []
    first_day = upcoming[0].day
    if first_day == today:
        chosen, later = [s for s in upcoming if s.day == today][:want], False
    else:
        chosen, later = [s for s in upcoming if s.day == first_day][:UPCOMING_COLUMNS], True
    return [Column(_label(slot, today, later, index), slot_row(data, slot, now), later)
            for index, slot in enumerate(chosen)]  # fmt: skip


def _label(slot: SlotTime, today: date, later: bool, index: int) -> str:
    if not later:
        return "Next" if index == 0 else "Later"
    return "Tomorrow" if (slot.day - today).days == 1 else slot.day.strftime("%A")
