from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.schedule import NowNext, next_boundary, now_and_next, within

ZONE = ZoneInfo("America/New_York")


@dataclass(frozen=True)
class Slot:
    name: str
    start: datetime
    end: datetime


def hour(h: int, minute: int = 0, day: int = 15) -> datetime:
    return datetime(2026, 5, day, h, minute, tzinfo=ZONE)


SLOTS = [
    Slot("a", hour(10), hour(11)),
    Slot("b", hour(11), hour(12)),
    Slot("c", hour(14), hour(15)),
]


def test_a_session_ending_at_eleven_is_not_current_at_eleven() -> None:
    found = now_and_next(SLOTS, hour(11))
    assert found.current is not None
    assert found.current.name == "b"
    assert found.next is not None
    assert found.next.name == "c"


def test_just_before_the_end_the_session_is_still_current() -> None:
    found = now_and_next(SLOTS, hour(11) - timedelta(microseconds=1))
    assert found.current is not None
    assert found.current.name == "a"
    assert found.next is not None
    assert found.next.name == "b"


def test_in_a_gap_nothing_is_current_and_next_is_after_the_gap() -> None:
    found = now_and_next(SLOTS, hour(12, 30))
    assert found.current is None
    assert found.next is not None
    assert found.next.name == "c"


def test_before_the_first_and_after_the_last_slot() -> None:
    before = now_and_next(SLOTS, hour(8))
    assert before.current is None
    assert before.next is not None
    assert before.next.name == "a"
    after = now_and_next(SLOTS, hour(15))
    assert after.current is None
    assert after.next is None


def test_an_empty_day_has_nothing() -> None:
    found: NowNext[Slot] = now_and_next([], hour(10))
    assert found.current is None
    assert found.next is None


def test_order_of_entries_does_not_matter() -> None:
    assert now_and_next(list(reversed(SLOTS)), hour(10, 30)) == now_and_next(SLOTS, hour(10, 30))


def test_times_in_other_zones_compare_absolutely() -> None:
    utc_time = hour(10, 30).astimezone(UTC)
    found = now_and_next(SLOTS, utc_time)
    assert found.current is not None
    assert found.current.name == "a"


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        now_and_next(SLOTS, datetime(2026, 5, 15, 10))


def test_slot_boundaries_across_a_daylight_saving_change() -> None:
    # 2026-03-08 02:00 America/New_York springs forward to 03:00.
    day = [
        Slot("night", datetime(2026, 3, 8, 1, tzinfo=ZONE), datetime(2026, 3, 8, 3, tzinfo=ZONE)),
        Slot("morning", datetime(2026, 3, 8, 3, tzinfo=ZONE), datetime(2026, 3, 8, 4, tzinfo=ZONE)),
    ]
    # Only one real hour passes between 01:00 EST and 03:00 EDT.
    assert day[0].end.astimezone(UTC) - day[0].start.astimezone(UTC) == timedelta(hours=1)
    at = datetime(2026, 3, 8, 6, 59, tzinfo=UTC)  # 01:59 EST
    current = now_and_next(day, at).current
    assert current is not None
    assert current.name == "night"
    current = now_and_next(day, at + timedelta(minutes=1)).current
    assert current is not None
    assert current.name == "morning"


def test_next_boundary_is_the_next_start_or_end() -> None:
    assert next_boundary(SLOTS, hour(10, 30)) == hour(11)
    assert next_boundary(SLOTS, hour(11)) == hour(12)
    assert next_boundary(SLOTS, hour(12, 30)) == hour(14)
    assert next_boundary(SLOTS, hour(15)) is None


def test_same_zone_times_compare_in_real_time_across_a_clock_change() -> None:
    # 2026-11-01 01:00-02:00 America/New_York happens twice; fold=1 is the second time (EST).
    start = datetime(2026, 11, 1, 6, tzinfo=UTC).astimezone(ZONE)  # 01:00 EST, fold=1
    slot = Slot("second-one-am", start, datetime(2026, 11, 1, 2, tzinfo=ZONE))
    first_half_past_one = datetime(2026, 11, 1, 1, 30, tzinfo=ZONE)  # 05:30 UTC, EDT
    assert now_and_next([slot], first_half_past_one).current is None
    real_hour_later = first_half_past_one.astimezone(UTC) + timedelta(hours=1)
    assert now_and_next([slot], real_hour_later).current is not None


def test_within_lists_overlapping_entries() -> None:
    assert [s.name for s in within(SLOTS, hour(10, 30), hour(14, 1))] == ["a", "b", "c"]
    assert within(SLOTS, hour(12), hour(14)) == []


@given(
    starts=st.lists(st.integers(min_value=0, max_value=48), min_size=0, max_size=12, unique=True),
    at_minutes=st.integers(min_value=-60, max_value=50 * 60),
)
def test_current_always_covers_the_time_and_next_starts_later(
    starts: list[int], at_minutes: int
) -> None:
    base = hour(0)
    slots = [Slot(str(s), base + timedelta(hours=s), base + timedelta(hours=s + 1)) for s in starts]
    at = base + timedelta(minutes=at_minutes)
    found = now_and_next(slots, at)
    covering = [s for s in slots if s.start <= at < s.end]
    assert (found.current is None) == (not covering)
    if found.current is not None:
        assert found.current.start <= at < found.current.end
    horizon = found.current.end if found.current else at
    later = [s for s in slots if s.start >= horizon]
    if later:
        assert found.next is not None
        assert found.next.start == min(s.start for s in later)
    else:
        assert found.next is None
