"""``/schedule.json``: valid against the c3voc schema, stable guids, the conventions we chose."""

from __future__ import annotations

import json
import re
import uuid
from datetime import date, datetime
from typing import Any

import jsonschema  # type: ignore[import-untyped]
from hypothesis import given
from hypothesis import strategies as st

from hub import repo
from hub.app import create_app
from hub.feeds import naming
from hub.settings import HubSettings
from shared.clock import FakeClock
from tests.hub.conftest import Seeded, TestClient, hub_of, staff
from tests.hub.feeds.conftest import Cards
from tests.reference import reference_file


def c3voc_schema() -> dict[str, Any]:
    """The c3voc schema from ``../shared/reference`` (the test skips without it)."""
    schema_file = reference_file("c3voc-schedule.schema.json")
    schema: dict[str, Any] = json.loads(schema_file.read_text(encoding="utf-8"))
    return schema


def schema_pattern(*path: str) -> str:
    node: Any = c3voc_schema()["definitions"]
    for key in path:
        node = node[key]
    pattern: str = node["pattern"]
    return pattern


def all_events(document: dict[str, Any]) -> list[dict[str, Any]]:
    days = document["schedule"]["conference"]["days"]
    return [event for day in days for events in day["rooms"].values() for event in events]


def event_titled(document: dict[str, Any], title: str) -> dict[str, Any]:
    return next(event for event in all_events(document) if event["title"] == title)


def test_schedule_json_is_valid_against_the_c3voc_schema(client: TestClient, cards: Cards) -> None:
    answer = client.get("/schedule.json")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json"
    validator = jsonschema.Draft6Validator(
        c3voc_schema(), format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER
    )
    document = answer.json()
    problems = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert problems == []


def test_formats_the_schema_names_hold(client: TestClient, cards: Cards) -> None:
    """jsonschema does not check these formats for draft-06, so check them here."""
    document = client.get("/schedule.json").json()
    conference = document["schedule"]["conference"]
    assert date.fromisoformat(conference["start"]) == date(2027, 5, 15)
    assert date.fromisoformat(conference["end"]) == date(2027, 5, 15)
    for room in conference["rooms"]:
        uuid.UUID(room["guid"])
    for day in conference["days"]:
        date.fromisoformat(day["date"])
        for moment in (day["day_start"], day["day_end"]):
            assert datetime.fromisoformat(moment).tzinfo is not None
    for event in all_events(document):
        uuid.UUID(event["guid"])
        assert datetime.fromisoformat(event["date"]).tzinfo is not None
        assert event["url"].startswith("http://hub.test/sessions/")
        assert re.fullmatch(r"\d{2}:\d{2}", event["start"])  # the frab/pretalx convention


def test_sessions_become_events(client: TestClient, cards: Cards) -> None:
    document = client.get("/schedule.json").json()
    conference = document["schedule"]["conference"]
    assert conference["title"] == "Test Open Spaces"
    assert conference["time_zone_name"] == "America/New_York"
    assert conference["daysCount"] == 1
    assert conference["timeslot_duration"] == "01:00"
    day = conference["days"][0]
    assert day["index"] == 1
    assert day["day_start"] == "2027-05-15T09:00:00-04:00"
    assert day["day_end"] == "2027-05-15T17:00:00-04:00"
    assert list(day["rooms"]) == ["Room A", "Room B"]
    maker = event_titled(document, "Maker projects")
    assert maker["id"] == cards.maker
    assert maker["guid"] == str(naming.session_guid(epoch(client), cards.maker))
    assert maker["date"] == "2027-05-15T11:00:00-04:00"
    assert maker["start"] == "11:00"
    assert maker["duration"] == "01:00"
    assert maker["room"] == "Room A"
    assert maker["type"] == "Open Space"
    assert maker["abstract"] == "Bring your Pi"
    assert maker["url"] == f"http://hub.test/sessions/{cards.maker}"
    assert [p["name"] for p in maker["persons"]] == ["Ana López (@ana)"]
    assert event_titled(document, "<script>alert(1)</script> & co")["room"] == "Room B"


def test_cancelled_sessions_are_left_out(client: TestClient, cards: Cards) -> None:
    ids = {event["id"] for event in all_events(client.get("/schedule.json").json())}
    assert ids == {cards.maker, cards.markup, cards.later}


def test_guid_stays_when_a_session_is_edited_and_moved(
    client: TestClient, seeded: Seeded, cards: Cards
) -> None:
    before = event_titled(client.get("/schedule.json").json(), "Later")
    change = {"title": "Later still", "room_id": "room-a", "slot_id": seeded.slot_ids[7]}
    answer = client.patch(f"/api/v1/sessions/{cards.later}", json=change, headers=staff(seeded))
    assert answer.status_code == 200, answer.text
    after = event_titled(client.get("/schedule.json").json(), "Later still")
    assert after["guid"] == before["guid"]
    assert (after["room"], after["start"]) == ("Room A", "16:00")


def test_room_names_match_the_room_state_feed(client: TestClient, cards: Cards) -> None:
    with hub_of(client).database.transaction() as db:
        repo.add_room(db, "room-a2", "Room A")  # a second room with the same name
    document = client.get("/schedule.json").json()
    listed = [room["name"] for room in document["schedule"]["conference"]["rooms"]]
    assert listed == ["Room A (room-a)", "Room B", "Room A (room-a2)"]
    assert set(document["schedule"]["conference"]["days"][0]["rooms"]) == set(listed)
    states = client.get("/roomstatus/v1/listrooms").json()
    assert [state["roomname"] for state in states] == listed


def test_no_event_yet_is_a_404_with_a_message(settings: HubSettings, clock: FakeClock) -> None:
    with TestClient(create_app(settings, clock=clock)) as client:
        answer = client.get("/schedule.json")
    assert answer.status_code == 404
    assert answer.json() == {"detail": "no event has been set up yet"}


def test_an_event_without_slots_is_still_valid(settings: HubSettings, clock: FakeClock) -> None:
    with TestClient(create_app(settings, clock=clock)) as client:
        with hub_of(client).database.transaction() as db:
            repo.create_event(db, "Tiny", "Etc/GMT+5")
        document = client.get("/schedule.json").json()
    jsonschema.validate(document, c3voc_schema())
    conference = document["schedule"]["conference"]
    assert conference["acronym"] == "tiny"
    assert "time_zone_name" not in conference  # the schema's pattern refuses Etc/GMT+5
    assert conference["days"] == []


@given(st.text(max_size=60))
def test_acronyms_fit_the_schema_pattern(name: str) -> None:
    assert re.search(schema_pattern("Conference", "properties", "acronym"), naming.acronym(name))


@given(st.text(max_size=200), st.integers(min_value=1, max_value=10**9))
def test_slugs_fit_the_schema_pattern(title: str, session_id: int) -> None:
    made = naming.slug(naming.acronym("PyCon US"), session_id, title)
    assert re.search(schema_pattern("Event", "properties", "slug"), made)


def epoch(client: TestClient) -> str:
    with hub_of(client).database.transaction() as db:
        return repo.get_event(db).epoch
