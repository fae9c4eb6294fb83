"""Script and SQL typed into every field of a card are only ever text: stored verbatim,
escaped on the pages, carried as data in the feeds, drawn on the doors, and the database
keeps working."""

from __future__ import annotations

import json

import pytest

from tests.hub.conftest import Seeded, TestClient, staff

HOSTILE = [
    "'); DROP TABLE sessions; --",
    '" OR 1=1; --',
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "Robert'); DELETE FROM rooms WHERE ('1'='1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_only_text(client: TestClient, seeded: Seeded, text: str) -> None:
    fields = {"title": text, "description": text, "host_name": text[:80], "host_handle": text[:80]}
    body = {"room_id": "room-a", "slot_id": seeded.slot_ids[2], **fields}
    answer = client.post("/api/v1/sessions", json=body, headers=staff(seeded))
    assert answer.status_code == 201, answer.text
    session_id = answer.json()["id"]

    stored = client.get(f"/api/v1/sessions/{session_id}").json()
    assert {key: stored[key] for key in fields} == fields
    assert len(client.get("/api/v1/rooms").json()) == 2  # the tables are all still there
    assert len(client.get("/api/v1/sessions").json()) == 1

    for url in ("/", "/rooms/room-a", f"/sessions/{session_id}"):
        page = client.get(url).text
        assert "<script>alert" not in page
        assert "<img src=x" not in page

    schedule = client.get("/schedule.json")
    assert schedule.status_code == 200
    assert text in json.dumps(schedule.json(), ensure_ascii=False)
    assert client.get("/schedule.ics").status_code == 200
    assert client.get("/roomstatus/v1/listrooms").status_code == 200
    door = client.get("/api/v1/rooms/room-a/door.png", params={"panel": "impression-7.3-spectra6"})
    assert door.status_code == 200
    assert door.headers["content-type"] == "image/png"


def test_control_characters_and_overrides_are_removed_at_the_edge(
    client: TestClient, seeded: Seeded
) -> None:
    body = {
        "room_id": "room-a", "slot_id": seeded.slot_ids[2],
        "title": "\u202eevil\u202c \x1b[31mred\x1b[0m\r\nline\x00",
        "description": "first line\r\n\r\n\r\nsecond \u2067isolated\u2069\x07",
        "host_name": "Ana\u200f\tLúcia", "host_handle": "@ana\u2066",
    }  # fmt: skip
    answer = client.post("/api/v1/sessions", json=body, headers=staff(seeded))
    assert answer.status_code == 201, answer.text
    stored = client.get(f"/api/v1/sessions/{answer.json()['id']}").json()
    assert stored["title"] == "evil red line"
    assert stored["description"] == "first line\n\nsecond isolated"
    assert (stored["host_name"], stored["host_handle"]) == ("Ana Lúcia", "@ana")
    calendar = client.get(f"/sessions/{answer.json()['id']}.ics")
    assert calendar.status_code == 200
    assert "SUMMARY:evil red line\r\n" in calendar.text


def test_limits_count_the_text_after_normalising(client: TestClient, seeded: Seeded) -> None:
    padded = {"room_id": "room-a", "slot_id": seeded.slot_ids[2],
              "title": "\u202e" * 200 + "t" * 120}  # fmt: skip
    answer = client.post("/api/v1/sessions", json=padded, headers=staff(seeded))
    assert answer.status_code == 201, answer.text
    assert answer.json()["title"] == "t" * 120
    only_controls = {**padded, "slot_id": seeded.slot_ids[3], "title": "\u202e\x1b[0m\x00"}
    refused = client.post("/api/v1/sessions", json=only_controls, headers=staff(seeded))
    assert refused.status_code == 422
