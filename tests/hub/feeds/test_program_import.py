"""``POST /api/v1/import/program``: the main programme as blocked slots, on a real SQLite file.

The board (``tests.hub.conftest.seed``): 2027-05-15, slots 09:00–17:00 in New York, rooms
"Room A" and "Room B", Room B blocked by hand at 12:00. The programme
(``data/program.schedule.json``, shaped like a pretalx export) has "ROOM  a" (matches Room A
by name), "Main Hall B" (mapped to room-b), "Auditorium" (matches nothing), talks of 30, 60
and 90 minutes, one over the manual block, one over a card, and one on a day the event does
not have.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

from hub import repo
from hub.access.tokens import create_staff_token
from hub.app import create_app
from hub.audit import list_entries
from hub.settings import HubSettings
from hub.storage.db import open_database
from shared.clock import FakeClock
from tests.hub.conftest import Seeded, TestClient, hub_of, staff
from tests.hub.feeds.conftest import add_card
from tests.reference import reference_file

PROGRAMME = Path(__file__).parent / "data" / "program.schedule.json"
MAPPING = {"room": "Main Hall B=room-b"}
CARD_SLOT = 7  # 16:00, where "Typing in practice" wants Room B


def programme() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(PROGRAMME.read_text(encoding="utf-8"))
    return document


def talks_of(document: dict[str, Any], day: int = 0) -> dict[str, dict[str, Any]]:
    rooms = document["schedule"]["conference"]["days"][day]["rooms"]
    return {talk["title"]: talk for events in rooms.values() for talk in events}


def post(
    client: TestClient, seeded: Seeded, body: bytes | dict[str, Any], **params: Any
) -> dict[str, Any]:
    answer = send(client, seeded, body, **params)
    assert answer.status_code == 200, answer.text
    report: dict[str, Any] = answer.json()
    return report


def send(client: TestClient, seeded: Seeded, body: bytes | dict[str, Any], **params: Any) -> Any:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(
        "/api/v1/import/program", content=data, params={**MAPPING, **params},
        headers={**staff(seeded), "Content-Type": "application/json"},
    )  # fmt: skip


def blocks(client: TestClient) -> list[tuple[str, str, str, str | None]]:
    """Every block as (room, local HH:MM, label, source)."""
    hub = hub_of(client)
    with hub.database.transaction() as db:
        zone = repo.zone_of(repo.get_event(db).timezone)
        return [
            (b.room_id, repo.get_slot(db, b.slot_id).start.astimezone(zone).strftime("%H:%M"),
             b.label, b.source)
            for b in repo.list_blocks(db)
        ]  # fmt: skip


def actions(client: TestClient) -> list[str]:
    with hub_of(client).database.transaction() as db:
        return [entry.action for entry in reversed(list_entries(db))]


def lines(report: dict[str, Any], key: str) -> list[tuple[str, str, str]]:
    return [(b["room_id"], b["start"][11:16], b["label"]) for b in report[key]]


@pytest.fixture
def card(client: TestClient, seeded: Seeded) -> int:
    return add_card(client, seeded, "room-b", CARD_SLOT, title="Type hints clinic")


IMPORTED = [
    ("room-a", "09:00", "Opening keynote"),
    ("room-a", "10:00", "Lightning talks"),
    ("room-a", "11:00", "Lightning talks"),
    ("room-b", "13:00", "Data science panel"),
    ("room-a", "14:00", "Packaging, a deep dive"),
    ("room-a", "15:00", "Packaging, a deep dive"),
]


def test_the_fixture_is_a_valid_c3voc_schedule() -> None:
    schema_file = reference_file("c3voc-schedule.schema.json")
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    validator = jsonschema.Draft6Validator(
        schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER
    )
    assert [error.message for error in validator.iter_errors(programme())] == []


def test_import_blocks_every_slot_a_talk_touches(
    client: TestClient, seeded: Seeded, card: int
) -> None:
    report = post(client, seeded, programme())
    assert report["status"] == "changed"
    assert (report["talks"], report["matched_talks"]) == (8, 7)
    assert lines(report, "blocked") == IMPORTED
    assert report["blocked"][0]["start"] == "2027-05-15T09:00:00-04:00"
    assert [(t["room_id"], t["start"][11:16], t["taken_by"], t["what"], t["talks"])
            for t in report["taken"]] == [
        ("room-b", "12:00", "block", "Sponsor workshop", ["Sponsor Q&A"]),
        ("room-b", "16:00", "session", "Type hints clinic", ["Typing in practice"]),
    ]  # fmt: skip
    assert report["unmatched_rooms"] == [{"name": "Auditorium", "talks": 1}]
    assert [(t["title"], t["start"]) for t in report["outside_slots"]] == [
        ("Day two keynote", "2027-05-16T10:00:00-04:00")
    ]
    assert report["rooms"] == ["room-a", "room-b"]
    assert blocks(client) == sorted(
        [(r, t, label, "program") for r, t, label in IMPORTED]
        + [("room-b", "12:00", "Sponsor workshop", None)],
        key=lambda b: b[1],
    )
    assert actions(client) == ["session.add"] + ["block.add"] * 6 + ["program.import"]


def test_the_card_under_a_talk_stays(client: TestClient, seeded: Seeded, card: int) -> None:
    post(client, seeded, programme())
    session = client.get(f"/api/v1/sessions/{card}").json()
    assert (session["title"], session["status"]) == ("Type hints clinic", "scheduled")


def test_a_dry_run_reports_and_writes_nothing(
    client: TestClient, seeded: Seeded, card: int
) -> None:
    before = blocks(client)
    report = post(client, seeded, programme(), dry_run="true")
    assert (report["dry_run"], report["status"]) == (True, "would change")
    assert lines(report, "blocked") == IMPORTED
    assert blocks(client) == before
    assert actions(client) == ["session.add"]


def test_importing_the_same_programme_again_changes_nothing(
    client: TestClient, seeded: Seeded
) -> None:
    post(client, seeded, programme())
    first = blocks(client)
    audit = actions(client)
    again = post(client, seeded, programme())
    assert again["status"] == "unchanged"
    assert (again["blocked"], again["updated"], again["removed"]) == ([], [], [])
    assert again["unchanged"] == 7  # no card at 16:00 here: "Typing in practice" blocks it
    assert blocks(client) == first
    assert actions(client) == audit


def test_an_updated_programme_moves_and_removes_only_its_own_blocks(
    client: TestClient, seeded: Seeded
) -> None:
    post(client, seeded, programme())
    newer = copy.deepcopy(programme())
    talks = talks_of(newer)
    talks["Opening keynote"]["title"] = "Opening keynote (moved to 10:00)"
    talks["Opening keynote"]["date"] = "2027-05-15T10:00:00-04:00"
    talks["Lightning talks"]["date"] = "2027-05-15T11:15:00-04:00"
    hall_b = newer["schedule"]["conference"]["days"][0]["rooms"]["Main Hall B"]
    hall_b[:] = [t for t in hall_b if t["title"] != "Data science panel"]
    report = post(client, seeded, newer)
    assert report["status"] == "changed"
    assert lines(report, "updated") == [("room-a", "10:00", "Opening keynote (moved to 10:00)")]
    assert lines(report, "removed") == [
        ("room-a", "09:00", "Opening keynote"),
        ("room-b", "13:00", "Data science panel"),
    ]
    assert report["blocked"] == []
    assert report["unchanged"] == 4
    assert blocks(client) == [
        ("room-a", "10:00", "Opening keynote (moved to 10:00)", "program"),
        ("room-a", "11:00", "Lightning talks", "program"),
        ("room-b", "12:00", "Sponsor workshop", None),
        ("room-a", "14:00", "Packaging, a deep dive", "program"),
        ("room-a", "15:00", "Packaging, a deep dive", "program"),
        ("room-b", "16:00", "Typing in practice", "program"),
    ]


def test_blocks_made_by_hand_are_never_removed(client: TestClient, seeded: Seeded) -> None:
    post(client, seeded, programme())
    empty = copy.deepcopy(programme())
    for day in empty["schedule"]["conference"]["days"]:
        day["rooms"] = {}
    report = post(client, seeded, empty)
    assert len(report["removed"]) == 7
    assert blocks(client) == [("room-b", "12:00", "Sponsor workshop", None)]


def test_the_changed_rooms_are_published_once(client: TestClient, seeded: Seeded) -> None:
    hub = hub_of(client)
    with hub.database.transaction() as db:
        versions = repo.snapshot_versions(db)
    post(client, seeded, programme())
    with hub.database.transaction() as db:
        stored = repo.stored_snapshot(db, "room-a")
        assert repo.snapshot_versions(db) == versions + 2  # room-a and room-b, once each
    assert stored is not None
    assert "Packaging, a deep dive" in stored.payload
    post(client, seeded, programme())
    with hub.database.transaction() as db:
        assert repo.snapshot_versions(db) == versions + 2


def test_room_names_match_ignoring_case_and_spaces_without_a_mapping(
    client: TestClient, seeded: Seeded
) -> None:
    report = post(client, seeded, programme(), room=[])
    assert {b["room_id"] for b in report["blocked"]} == {"room-a"}
    assert report["unmatched_rooms"] == [
        {"name": "Auditorium", "talks": 1},
        {"name": "Main Hall B", "talks": 3},
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<schedule/>", "the file is not JSON (line 1, column 1"),
        (b'{"schedule": {"2024-11-02": {}}}', "schedule.conference: Field required"),
        (b"[1, 2]", "no 'schedule' object"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_a_file_that_is_not_a_schedule_is_a_422_that_says_why(
    client: TestClient, seeded: Seeded, body: bytes, message: str
) -> None:
    answer = send(client, seeded, body)
    assert answer.status_code == 422, answer.text
    assert message in answer.json()["detail"]
    assert "Traceback" not in answer.text


def test_a_bad_talk_is_named_by_its_place(client: TestClient, seeded: Seeded) -> None:
    bad = copy.deepcopy(programme())
    talks_of(bad)["Sponsor Q&A"]["duration"] = "half an hour"
    answer = send(client, seeded, bad)
    assert answer.status_code == 422
    assert answer.json()["detail"] == (
        'schedule.conference.days[0].rooms["Main Hall B"][0].duration: '
        "'half an hour' is not HH:MM"
    )


def test_too_many_talks_are_refused_before_reading_them(client: TestClient, seeded: Seeded) -> None:
    talk = {"title": "x", "date": "2027-05-15T09:00:00-04:00", "duration": "00:30"}
    many = {"schedule": {"conference": {"days": [
        {"date": "2027-05-15", "rooms": {"Room A": [talk] * 20_001}}
    ]}}}  # fmt: skip
    answer = send(client, seeded, many)
    assert answer.status_code == 422
    assert answer.json()["detail"] == "the file lists 20001 talks; at most 20000 are read"


def test_a_mapping_to_an_unknown_room_is_a_422(client: TestClient, seeded: Seeded) -> None:
    answer = send(client, seeded, programme(), room="Main Hall B=nowhere")
    assert answer.status_code == 422
    assert (
        answer.json()["detail"]
        == "room mapping 'Main Hall B'='nowhere': there is no room 'nowhere'"
    )
    answer = send(client, seeded, programme(), room="no equals sign")
    assert answer.status_code == 422
    assert "is not 'Name in programme=room-id'" in answer.json()["detail"]


def test_staff_only_and_no_form_uploads(client: TestClient, seeded: Seeded) -> None:
    data = PROGRAMME.read_bytes()
    assert client.post("/api/v1/import/program", content=data).status_code == 401
    form = client.post(
        "/api/v1/import/program", files={"file": ("schedule.json", data)}, headers=staff(seeded)
    )
    assert form.status_code == 415
    assert blocks(client) == [("room-b", "12:00", "Sponsor workshop", None)]


def test_before_an_event_exists_the_import_says_so(settings: HubSettings, clock: FakeClock) -> None:
    database = open_database(settings.database_url)
    try:
        with database.transaction() as db:
            token = create_staff_token(db, "tests")
    finally:
        database.dispose()
    with TestClient(create_app(settings, clock=clock)) as fresh:
        answer = fresh.post(
            "/api/v1/import/program", content=PROGRAMME.read_bytes(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )  # fmt: skip
    assert answer.status_code == 404
    assert answer.json()["detail"].startswith("no event has been set up yet")
