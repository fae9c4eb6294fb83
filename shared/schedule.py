"""What is on now and what is next: pure functions of a room's slots and a time.

Slots are half-open intervals ``[start, end)``: a session ending at 11:00 is not current at
11:00:00, and the one starting at 11:00 is. Times are timezone-aware and compared in UTC
(Python compares two datetimes of the same zone by wall time, which goes wrong across a
daylight-saving change), so a clock change cannot shift a slot. Gaps (no slot covers the
time), days with no slots and times after the last slot all give ``current=None``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, Protocol, TypeVar


class Timed(Protocol):
    """Anything with an aware ``start`` and ``end``."""

    @property
    def start(self) -> datetime: ...

    @property
    def end(self) -> datetime: ...


T = TypeVar("T", bound=Timed)


@dataclass(frozen=True)
class NowNext(Generic[T]):
    """The entry covering the time (if any) and the first one starting at or after its end."""

    current: T | None
    next: T | None


def now_and_next(entries: Iterable[T], at: datetime) -> NowNext[T]:
    """The current and next entries at ``at``.

    ``current`` covers ``at`` (``start <= at < end``); when entries overlap, the one that started
    last wins. ``next`` is the earliest entry starting at or after the end of ``current`` (or
    after ``at`` when nothing is current); ties go to the earlier-listed entry.
    """
    now = _utc(at)
    ordered = sorted(entries, key=lambda e: _utc(e.start))
    current: T | None = None
    for entry in ordered:
        if _utc(entry.start) <= now < _utc(entry.end):
            current = entry
    horizon = _utc(current.end) if current is not None else now
    upcoming = next((e for e in ordered if _utc(e.start) >= horizon and e is not current), None)
    return NowNext(current, upcoming)


def next_boundary(entries: Iterable[Timed], at: datetime) -> datetime | None:
    """The first start or end strictly after ``at``: when what a door says may change next."""
    now = _utc(at)
    moments = [_utc(t) for e in entries for t in (e.start, e.end) if _utc(t) > now]
    return min(moments, default=None)


def within(entries: Sequence[T], start: datetime, end: datetime) -> list[T]:
    """The entries that overlap ``[start, end)``, in start order."""
    lo, hi = _utc(start), _utc(end)
    found = (e for e in entries if _utc(e.start) < hi and lo < _utc(e.end))
    return sorted(found, key=lambda e: _utc(e.start))


def _utc(when: datetime) -> datetime:
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError("schedule times must be timezone-aware")
    return when.astimezone(UTC)
