"""The event file: one human-written TOML file that describes a whole event.

``[event]`` (name, time zone, hashtag, web address), ``[[days]]`` (date, first and last hour),
``[[rooms]]`` (id, name, capacity, location) and ``[[blocks]]`` (room, date and hour or slot,
label); ``deploy/event.example.toml`` documents every key. :func:`read_event_file` parses and
checks it; every problem is a :class:`~shared.errors.ConfigError` that names the file, the line
(when it can be found) and the key, e.g. ``event.toml, line 12: rooms[1].capacity: Input should
be a valid integer``. Unknown keys are errors, so a typo never goes unnoticed.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from hub.repo.schedule import zone_of
from shared.errors import ConfigError
from shared.text import SingleLine
from shared.topics import check_id

# Every text passes the one normalisation (shared.text) before its limits, as the API's does.
Text = Annotated[
    StrictStr, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), SingleLine
]
Place = Annotated[StrictStr, StringConstraints(strip_whitespace=True, max_length=120), SingleLine]
Hashtag = Annotated[
    StrictStr, StringConstraints(strip_whitespace=True, pattern=r"^#?[^\s#]{1,60}$"), SingleLine
]
WebAddress = Annotated[
    StrictStr,
    StringConstraints(strip_whitespace=True, max_length=300, pattern=r"^https?://[^\s<>\"]+$"),
    SingleLine,
]
StartHour = Annotated[StrictInt, Field(ge=0, le=23)]
#: ``date`` under a name that the ``date`` fields below do not hide.
LocalDate = date


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EventSection(_Section):
    name: Text
    timezone: Annotated[
        StrictStr, StringConstraints(strip_whitespace=True, max_length=64), SingleLine
    ]
    hashtag: Hashtag | None = None
    url: WebAddress | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        zone_of(value)
        return value

    @property
    def tag(self) -> str | None:
        """The hashtag with its ``#``, as the hub stores it."""
        return None if self.hashtag is None else "#" + self.hashtag.removeprefix("#")


class DaySection(_Section):
    date: LocalDate
    first_hour: StartHour
    last_hour: Annotated[StrictInt, Field(ge=1, le=24)]

    @model_validator(mode="after")
    def _in_order(self) -> DaySection:
        if self.first_hour >= self.last_hour:
            raise ValueError(
                f"first_hour ({self.first_hour}) must be before last_hour ({self.last_hour}); "
                "last_hour is when the last slot ends"
            )
        return self

    @property
    def hours(self) -> range:
        return range(self.first_hour, self.last_hour)


class RoomSection(_Section):
    id: StrictStr
    name: Text
    capacity: Annotated[StrictInt, Field(ge=1, le=100_000)] | None = None
    location: Place | None = None

    @field_validator("id")
    @classmethod
    def _topic_safe(cls, value: str) -> str:
        return check_id(value, "room id")


class BlockSection(_Section):
    room: StrictStr
    label: Text
    date: LocalDate | None = None
    hour: StartHour | None = None
    slot: datetime | None = None

    @model_validator(mode="after")
    def _one_time(self) -> BlockSection:
        if (self.slot is None) == (self.date is None or self.hour is None):
            raise ValueError("give either date and hour, or slot (e.g. slot = 2027-05-15T12:00)")
        if self.slot is not None and self.date is not None:
            raise ValueError("give either date and hour, or slot, not both")
        if self.slot is not None and (self.slot.tzinfo is not None or self.slot.minute):
            raise ValueError("slot is the local start of an hour, without offset (12:00)")
        return self

    @property
    def start(self) -> tuple[LocalDate, int]:
        """The slot's local date and hour."""
        if self.slot is not None:
            return self.slot.date(), self.slot.hour
        assert self.date is not None
        assert self.hour is not None
        return self.date, self.hour


class EventFile(_Section):
    event: EventSection
    days: list[DaySection] = Field(default_factory=list)
    rooms: list[RoomSection] = Field(default_factory=list)
    blocks: list[BlockSection] = Field(default_factory=list)


def read_event_file(path: Path) -> EventFile:
    """The checked contents of ``path``; :class:`ConfigError` naming file, line and key."""
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ConfigError(str(path), "-", f"cannot read: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(str(path), "-", f"not UTF-8 text (byte {exc.start})") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(path, text, exc) from None
    try:
        parsed = EventFile.model_validate(raw)
    except ValidationError as exc:
        raise _validation_error(path, text, exc) from None
    _cross_check(parsed, path, text)
    return parsed


def _syntax_error(path: Path, text: str, exc: tomllib.TOMLDecodeError) -> ConfigError:
    message = str(exc)
    found = re.search(r"\(at line (\d+), column \d+\)", message)
    if found is None:
        return ConfigError(str(path), "toml", message)
    line = int(found[1])
    lines = text.splitlines()
    key = re.match(r"\s*([\w.\"'-]+)\s*=", lines[line - 1]) if line <= len(lines) else None
    return ConfigError(
        f"{path}, line {line}", key[1] if key else "toml", message[: found.start()].strip()
    )


def _validation_error(path: Path, text: str, exc: ValidationError) -> ConfigError:
    first = exc.errors()[0]
    loc = first["loc"]
    if first["type"] == "extra_forbidden":
        problem = "not a key the event file knows (see deploy/event.example.toml)"
    else:
        problem = str(first["msg"]).removeprefix("Value error, ")
    if exc.error_count() > 1:
        problem += f" (and {exc.error_count() - 1} more problems)"
    return _error(path, text, loc, problem)


def _error(path: Path, text: str, loc: Sequence[int | str], problem: str) -> ConfigError:
    line = line_of(text, loc)
    source = str(path) if line is None else f"{path}, line {line}"
    return ConfigError(source, key_name(loc) or "the file", problem)


def key_name(loc: Sequence[int | str]) -> str:
    """``("rooms", 1, "capacity")`` as ``rooms[1].capacity``."""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")


def line_of(text: str, loc: Sequence[int | str]) -> int | None:
    """The line (1-based) of the key at ``loc``, for tables written as ``[event]`` and
    ``[[rooms]]``; its table's header line if the key is not written; None if not found."""
    if not loc or not isinstance(loc[0], str):
        return None
    section = loc[0]
    index = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
    key = next((p for p in loc[1:] if isinstance(p, str)), None)
    header, seen, inside = None, -1, False
    for number, line in enumerate(text.splitlines(), start=1):
        table = re.match(r"\s*(\[\[?)\s*([\w-]+)\s*\]\]?", line)
        if table is not None:
            seen += table[2] == section and table[1] == "[["
            inside = table[2] == section and (index is None or seen == index)
            header = number if inside else header
            continue
        if inside and key is not None and re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number
    return header


def _cross_check(parsed: EventFile, path: Path, text: str) -> None:
    """What no single table can check: duplicates, and blocks that name known rooms and hours."""
    hours: dict[date, range] = {}
    for i, day in enumerate(parsed.days):
        if day.date in hours:
            raise _error(path, text, ("days", i, "date"), f"{day.date} is listed twice")
        hours[day.date] = day.hours
    room_ids: set[str] = set()
    for i, room in enumerate(parsed.rooms):
        if room.id in room_ids:
            raise _error(path, text, ("rooms", i, "id"), f"room {room.id!r} is listed twice")
        room_ids.add(room.id)
    taken: dict[tuple[str, date, int], int] = {}
    for i, block in enumerate(parsed.blocks):
        _check_block(block, i, room_ids, hours, taken, path, text)


def _check_block(
    block: BlockSection, i: int, room_ids: set[str], hours: dict[date, range],
    taken: dict[tuple[str, date, int], int], path: Path, text: str,
) -> None:  # fmt: skip
    day, hour = block.start
    where: Any = ("blocks", i, "slot" if block.slot is not None else "hour")
    if block.room not in room_ids:
        raise _error(path, text, ("blocks", i, "room"), f"no room {block.room!r} in [[rooms]]")
    if hour not in hours.get(day, range(0)):
        raise _error(path, text, where, f"{day} {hour:02d}:00 is not a slot of a [[days]] entry")
    if (block.room, day, hour) in taken:
        first = taken[block.room, day, hour]
        raise _error(path, text, where, f"blocks[{first}] blocks the same room and hour")
    taken[block.room, day, hour] = i
