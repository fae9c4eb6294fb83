"""Which slots a talk takes, how rooms match and what labels read: the pure parts of the import.

Also how :mod:`hub.feeds.program_format` reads times: offsets, zones, frab's ``start`` and
``end``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from hub.errors import InvalidError
from hub.feeds.program_format import ProgramFileError, Talk, read_programme
from hub.feeds.program_plan import (
    MAX_LABEL,
    PROGRAM,
    Board,
    BoardBlock,
    BoardRoom,
    BoardSlot,
    make_label,
    parse_mapping,
    plan,
)

NEW_YORK = ZoneInfo("America/New_York")
DAY = datetime(2027, 5, 15, tzinfo=NEW_YORK)
ROOMS = [BoardRoom("room-a", "Room 250 A"), BoardRoom("room-b", "Hall B")]
SLOTS = [BoardSlot(h, DAY.replace(hour=h), DAY.replace(hour=h + 1)) for h in range(9, 17)]


def talk(
    hour: int, minute: int, minutes: int, title: str = "Talk", room: str = "Room 250 A"
) -> Talk:
    start = DAY.replace(hour=hour, minute=minute)
    return Talk(f"{title}@{hour}:{minute}", title, room, start, start + timedelta(minutes=minutes))


def slot_hours(*talks: Talk, blocks: list[BoardBlock] | None = None) -> list[int]:
    result = plan(list(talks), Board(ROOMS, SLOTS, blocks or [], []), {})
    return [want.slot_id for want in result.add]


@pytest.mark.parametrize(
    ("start", "minutes", "hours"),
    [
        ((9, 0), 60, [9]),
        ((9, 0), 30, [9]),
        ((9, 30), 30, [9]),
        ((9, 45), 30, [9, 10]),
        ((9, 0), 90, [9, 10]),
        ((9, 30), 90, [9, 10]),
        ((9, 45), 90, [9, 10, 11]),
        ((9, 0), 0, [9]),
        ((8, 30), 60, [9]),
        ((16, 30), 120, [16]),
        ((7, 0), 60, []),
    ],
)
def test_a_talk_takes_every_slot_it_overlaps(
    start: tuple[int, int], minutes: int, hours: list[int]
) -> None:
    assert slot_hours(talk(*start, minutes)) == hours


def test_a_talk_outside_every_slot_is_reported() -> None:
    early = talk(7, 0, 60, "Breakfast keynote")
    result = plan([early], Board(ROOMS, SLOTS, [], []), {})
    assert result.outside == [early]
    assert result.add == []


def test_room_names_match_ignoring_case_and_spaces() -> None:
    talks = [talk(9, 0, 60, room="ROOM 250A"), talk(10, 0, 60, room=" room  250 a ")]
    assert slot_hours(*talks) == [9, 10]
    result = plan([talk(9, 0, 60, room="Room 250 B")], Board(ROOMS, SLOTS, [], []), {})
    assert result.unmatched_rooms == {"Room 250 B": 1}


def test_a_mapping_wins_over_names() -> None:
    talks = [talk(9, 0, 60, room="Hall B"), talk(10, 0, 60, room="Ballroom")]
    result = plan(talks, Board(ROOMS, SLOTS, [], []), {"Hall B": "room-a", "ballroom": "room-b"})
    assert [(w.room_id, w.slot_id) for w in result.add] == [("room-a", 9), ("room-b", 10)]


def test_two_talks_in_one_hour_make_one_block_named_after_both() -> None:
    result = plan(
        [talk(9, 0, 30, "Intro"), talk(9, 30, 30, "Outro")], Board(ROOMS, SLOTS, [], []), {}
    )
    assert [(w.slot_id, w.label) for w in result.add] == [(9, "Intro / Outro")]
    assert result.add[0].source_ref == "Intro@9:0 Outro@9:30"


def test_only_program_blocks_are_updated_or_removed() -> None:
    manual = BoardBlock(1, "room-a", 9, "Sponsor", None, None)
    stale = BoardBlock(2, "room-a", 11, "Old talk", PROGRAM, "Old talk@11:0")
    renamed = BoardBlock(3, "room-a", 10, "Old title", PROGRAM, "New@10:0")
    board = Board(ROOMS, SLOTS, [manual, stale, renamed], [])
    result = plan([talk(9, 0, 60, "Keynote"), talk(10, 0, 60, "New")], board, {})
    assert [(t.by, t.what) for t in result.taken] == [("block", "Sponsor")]
    assert result.remove == [stale]
    assert [(old.id, want.label) for old, want in result.update] == [(3, "New")]
    assert result.room_ids == ["room-a"]


@pytest.mark.parametrize(
    ("titles", "label"),
    [
        (["  Opening\n\tkeynote "], "Opening keynote"),
        (["Null\x00byte\u202eflip"], "Null byte flip"),
        (["", "   "], "Main programme"),
        (["Same", "Same"], "Same"),
        (["Cafe\u0301 decomposed"], "Caf\u00e9 decomposed"),
    ],
)
def test_labels_are_one_clean_line(titles: list[str], label: str) -> None:
    assert make_label(titles) == label


def test_long_labels_end_in_an_ellipsis() -> None:
    label = make_label(["word " * 100])
    assert len(label) == MAX_LABEL
    assert label.endswith("word…")


def test_mappings_are_name_equals_room_id() -> None:
    assert parse_mapping(["Hall = B=room-b", " Aud =room-c"]) == {
        "Hall = B": "room-b",
        "Aud": "room-c",
    }
    for bad in ("no-equals", "=room-a", "Hall="):
        with pytest.raises(InvalidError, match="is not 'Name in programme=room-id'"):
            parse_mapping([bad])


def document(event: dict[str, Any], day: dict[str, Any] | None = None, **conference: Any) -> bytes:
    the_day = {"date": "2027-05-15", "rooms": {"Hall": [{"title": "T", **event}]}, **(day or {})}
    return json.dumps({"schedule": {"conference": {"days": [the_day], **conference}}}).encode()


def only_talk(data: bytes) -> Talk:
    (found,) = read_programme(data, NEW_YORK).talks
    return found


def test_a_date_without_offset_is_in_the_schedules_zone() -> None:
    data = document({"date": "2027-05-15T10:00:00", "duration": "01:30"},
                    time_zone_name="Europe/Berlin")  # fmt: skip
    found = only_talk(data)
    assert found.start == datetime(2027, 5, 15, 8, 0, tzinfo=UTC)
    assert found.end - found.start == timedelta(minutes=90)
    fallback = only_talk(document({"date": "2027-05-15T10:00:00", "duration": "0:30"}))
    assert fallback.start == datetime(2027, 5, 15, 14, 0, tzinfo=UTC)


def test_frab_style_start_and_end() -> None:
    found = only_talk(document({"start": "10:15", "end": "2027-05-15T11:00:00-04:00"}))
    assert (found.start, found.end) == (DAY.replace(hour=10, minute=15), DAY.replace(hour=11))
    late = document({"start": "01:30", "duration": "00:45:00"},
                    {"day_start": "2027-05-15T09:00:00-04:00"})  # fmt: skip
    assert only_talk(late).start == datetime(2027, 5, 16, 1, 30, tzinfo=NEW_YORK)


def test_refs_are_guid_then_id_then_slug() -> None:
    assert only_talk(document({"date": "2027-05-15T10:00", "duration": "1:00", "guid": "g",
                               "id": 7})).ref == "g"  # fmt: skip
    assert only_talk(document({"date": "2027-05-15T10:00", "duration": "1:00", "id": 7})).ref == "7"
    assert only_talk(document({"date": "2027-05-15T10:00", "duration": "1:00"})).ref.startswith(
        "Hall@2027-05-15T10:00"
    )


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"duration": "01:00"}, "[0]: the talk has neither 'date' nor 'start'"),
        ({"date": "2027-05-15T10:00"}, "[0]: the talk has neither 'duration' nor 'end'"),
        ({"date": "yesterday", "duration": "01:00"}, "[0].date: 'yesterday' is not an ISO 8601"),
        ({"start": "25:00", "duration": "01:00"}, "[0].start: '25:00' is not HH:MM"),
        ({"date": "2027-05-15T10:00", "end": "2027-05-15T09:00"}, "ends before it starts"),
        ({"date": 5, "duration": "01:00"}, ".rooms.Hall[0].date: Input should be a valid string"),
    ],
)
def test_bad_talks_are_named_by_their_place(event: dict[str, Any], message: str) -> None:
    with pytest.raises(ProgramFileError) as raised:
        read_programme(document(event), NEW_YORK)
    assert message in str(raised.value)


def test_an_unknown_time_zone_is_named() -> None:
    data = document({"date": "2027-05-15T10:00", "duration": "1:00"}, time_zone_name="Mars/Base")
    with pytest.raises(ProgramFileError, match="time_zone_name: unknown time zone 'Mars/Base'"):
        read_programme(data, NEW_YORK)
