"""Inputs that used to give a 500: ids past 2**63, calendar edges, CR/LF in a title, NUL.

Each now gets a clear 4xx (an HTML page on page routes) and leaves nothing broken behind.
"""

from __future__ import annotations

import icalendar
import pytest

from hub import repo
from tests.hub.conftest import Seeded, TestClient, hub_of, staff

HUGE = str(2**64)
PANEL = "phat-ssd1608-red"


@pytest.mark.parametrize(
    "path",
    [f"/sessions/{HUGE}", f"/sessions/{HUGE}/edit?token=x", f"/ideas/{HUGE}/host",
     f"/sessions/{2**63}", f"/sessions/{10**9 * 9}", f"/staff/sessions/{HUGE}"],
)  # fmt: skip
def test_huge_ids_in_page_routes_are_a_404_page(client: TestClient, path: str) -> None:
    answer = client.get(path, headers={"Accept": "text/html"}, follow_redirects=False)
    assert answer.status_code in (404, 422, 303), answer.text
    if answer.status_code != 303:
        assert answer.headers["content-type"].startswith("text/html")


def test_huge_ids_in_page_forms_are_refused(client: TestClient) -> None:
    client.get("/add")
    token = client.cookies["openspaces_csrf"]
    for path in (f"/ideas/{HUGE}/host", f"/sessions/{10**17}/edit", f"/ideas/{2**63}/remove"):
        answer = client.post(path, data={"csrf_token": token}, follow_redirects=False)
        assert answer.status_code < 500, (path, answer.text)
    answer = client.post("/add", data={"csrf_token": token, "title": "x",
                                       "place": f"room-a|{HUGE}"})  # fmt: skip
    assert answer.status_code == 422


@pytest.mark.parametrize("field", ["slot_id", "room_id"])
def test_huge_ids_in_json_bodies_are_a_422(client: TestClient, seeded: Seeded, field: str) -> None:
    body: dict[str, object] = {"room_id": "room-a", "slot_id": seeded.slot_ids[6], "title": "x"}
    body[field] = 2**64
    assert client.post("/api/v1/sessions", json=body, headers=staff(seeded)).status_code == 422
    created = client.post("/api/v1/sessions", json={**body, "slot_id": seeded.slot_ids[6],
                                                     "room_id": "room-a"})  # fmt: skip
    session_id = created.json()["id"]
    moved = client.patch(f"/api/v1/sessions/{session_id}", json={"slot_id": 2**64},
                         headers=staff(seeded))  # fmt: skip
    assert moved.status_code == 422


@pytest.mark.parametrize(
    "at",
    ["0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00-14:00", "9999-12-31T23:59:59-14:00",
     "9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z",
     "9999-12-31T23:59:59+00:30", "0001-01-01T00:00:00-00:01"],
)  # fmt: skip
def test_door_png_at_the_ends_of_the_calendar_is_a_422(client: TestClient, at: str) -> None:
    answer = client.get("/api/v1/rooms/room-a/door.png", params={"panel": PANEL, "at": at})
    assert answer.status_code == 422
    assert "between the years" in answer.json()["detail"]


def test_door_png_far_but_inside_the_calendar_is_drawn(client: TestClient) -> None:
    for at in ("0002-01-02T00:00:00+14:00", "9998-12-29T23:59:59-14:00"):
        answer = client.get("/api/v1/rooms/room-a/door.png", params={"panel": PANEL, "at": at})
        assert answer.status_code == 200, answer.text


def test_a_title_with_cr_lf_keeps_the_calendar_valid(client: TestClient, seeded: Seeded) -> None:
    title = "Ice\r\nEND:VEVENT\rBEGIN:VEVENT\nSUMMARY:forged"
    created = client.post("/api/v1/sessions", headers=staff(seeded), json={
        "room_id": "room-a", "slot_id": seeded.slot_ids[6], "title": title,
        "description": "line one\r\nline two\rthree",
    })  # fmt: skip
    session_id = created.json()["id"]
    for path in (f"/sessions/{session_id}.ics", "/schedule.ics", "/rooms/room-a.ics"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        calendar = icalendar.Calendar.from_ical(answer.content)
        summaries = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
        assert summaries == ["Ice END:VEVENT BEGIN:VEVENT SUMMARY:forged"]  # one event, one line


def test_nul_in_a_text_field_is_removed_at_the_edge(client: TestClient, seeded: Seeded) -> None:
    """Text fields are normalised where they come in (control characters go); what is left
    is stored, never a NUL."""
    body = {"room_id": "room-a", "slot_id": seeded.slot_ids[6], "title": "a\x00b"}
    answer = client.post("/api/v1/sessions", json=body)
    assert answer.status_code == 201, answer.text
    with hub_of(client).database.transaction() as db:
        assert [s.title for s in repo.list_sessions(db)] == ["ab"]


def test_nul_anywhere_else_is_a_422(client: TestClient) -> None:
    """An id or query value is not normalised: the SQL guard refuses NUL (on PostgreSQL it
    would be a DataError)."""
    answer = client.get("/api/v1/sessions", params={"room_id": "a\x00b"})
    assert answer.status_code == 422
    assert "NUL" in answer.json()["detail"]


def test_nul_in_a_page_form_stores_no_nul(client: TestClient, seeded: Seeded) -> None:
    client.get("/add")
    token = client.cookies["openspaces_csrf"]
    answer = client.post("/add", data={"csrf_token": token, "title": "a\x00b",
                                       "place": f"room-a|{seeded.slot_ids[6]}"})  # fmt: skip
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    with hub_of(client).database.transaction() as db:
        assert [s.title for s in repo.list_sessions(db)] == ["ab"]
