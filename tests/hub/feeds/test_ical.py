"""The iCalendar feeds, parsed back with ``icalendar``: whole event, per room, one session."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar

from hub.feeds import naming
from tests.hub.conftest import Seeded, TestClient, staff
from tests.hub.feeds.conftest import Cards
from tests.hub.feeds.test_schedule_json import epoch

NEW_YORK = ZoneInfo("America/New_York")


def calendar_at(client: TestClient, url: str) -> icalendar.Calendar:
    answer = client.get(url)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(answer.content)


def by_summary(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(event["SUMMARY"]): event for event in calendar.events}


def test_the_event_calendar_has_every_session(client: TestClient, cards: Cards) -> None:
    calendar = calendar_at(client, "/schedule.ics")
    assert str(calendar["X-WR-CALNAME"]) == "Test Open Spaces"
    assert b"X-PUBLISHED-TTL:PT15M" in calendar.to_ical()
    events = by_summary(calendar)
    assert set(events) == {
        "Maker projects", "<script>alert(1)</script> & co", "Cancelled: Gone", "Later",
    }  # fmt: skip
    maker = events["Maker projects"]
    assert str(maker["UID"]) == str(naming.session_guid(epoch(client), cards.maker))
    assert maker.start == datetime(2027, 5, 15, 11, tzinfo=NEW_YORK)
    assert maker.end == datetime(2027, 5, 15, 12, tzinfo=NEW_YORK)
    assert isinstance(maker.start, datetime)
    assert maker.start.tzinfo is not None
    assert str(maker["LOCATION"]) == "Room A, Level 2"
    assert str(maker["URL"]) == f"http://hub.test/sessions/{cards.maker}"
    assert "Host: Ana López (@ana)" in str(maker["DESCRIPTION"])
    assert str(maker["STATUS"]) == "CONFIRMED"
    assert str(events["Cancelled: Gone"]["STATUS"]) == "CANCELLED"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]


def test_a_room_calendar_has_only_that_room(client: TestClient, cards: Cards) -> None:
    calendar = calendar_at(client, "/rooms/room-b.ics")
    assert str(calendar["X-WR-CALNAME"]) == "Test Open Spaces: Room B"
    assert set(by_summary(calendar)) == {"<script>alert(1)</script> & co", "Later"}
    later = by_summary(calendar)["Later"]
    assert str(later["DESCRIPTION"]).startswith("Line 1\nLine 2")


def test_a_session_calendar_has_one_event(client: TestClient, cards: Cards) -> None:
    calendar = calendar_at(client, f"/sessions/{cards.maker}.ics")
    assert [str(event["SUMMARY"]) for event in calendar.events] == ["Maker projects"]
    answer = client.get(f"/sessions/{cards.maker}.ics")
    assert answer.headers["content-disposition"] == (
        f'inline; filename="session-{cards.maker}.ics"'
    )


def test_uid_stays_when_a_session_moves(client: TestClient, seeded: Seeded, cards: Cards) -> None:
    before = calendar_at(client, f"/sessions/{cards.later}.ics").events[0]
    move = {"room_id": "room-a", "slot_id": seeded.slot_ids[7]}
    assert (
        client.patch(
            f"/api/v1/sessions/{cards.later}", json=move, headers=staff(seeded)
        ).status_code
        == 200
    )
    after = calendar_at(client, f"/sessions/{cards.later}.ics").events[0]
    assert str(after["UID"]) == str(before["UID"])
    assert after.start == datetime(2027, 5, 15, 16, tzinfo=NEW_YORK)
    assert str(after["LOCATION"]).startswith("Room A")


def test_unknown_room_and_session_are_404(client: TestClient, cards: Cards) -> None:
    room = client.get("/rooms/nowhere.ics")
    assert room.status_code == 404
    assert room.json() == {"detail": "there is no room 'nowhere'"}
    session = client.get("/sessions/9999.ics")
    assert session.status_code == 404
    assert session.json() == {"detail": "there is no session 9999"}
    assert client.get("/sessions/first.ics").status_code == 422


def test_an_event_without_sessions_is_an_empty_calendar(client: TestClient) -> None:
    calendar = calendar_at(client, "/schedule.ics")
    assert calendar.events == []
    assert str(calendar["PRODID"]).startswith("-//Open Spaces door signs")
