"""The sessions CSV over HTTP: export, import with a dry run, all or nothing, round trip."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hub import audit, repo
from hub.app import create_app
from hub.settings import HubSettings
from shared.clock import FakeClock
from tests.hub.conftest import Seeded, TestClient, hub_of, seed, staff
from tests.hub.feeds.conftest import Cards

EXPORT = "/api/v1/export/sessions.csv"
IMPORT = "/api/v1/import/sessions.csv"
HEADER = "room_id,day,start,title,description,host_name,host_handle,full,status\r\n"
CSV_HEADERS = {"Content-Type": "text/csv"}


def post_csv(client: TestClient, seeded: Seeded, text: str | bytes, **params: Any) -> Any:
    data = text.encode("utf-8") if isinstance(text, str) else text
    query = {key: str(value).lower() for key, value in params.items()}
    return client.post(IMPORT, content=data, params=query, headers={**staff(seeded), **CSV_HEADERS})


def session_count(client: TestClient) -> int:
    with hub_of(client).database.transaction() as db:
        return len(repo.list_sessions(db))


@pytest.fixture
def fresh(tmp_path: Path, clock: FakeClock) -> Iterator[tuple[TestClient, Seeded]]:
    """A second hub with the same rooms and slots and no sessions."""
    settings = HubSettings(
        database_url=f"sqlite:///{tmp_path / 'fresh.db'}", public_url="http://hub.test"
    )
    seeded = seed(settings.database_url)
    with TestClient(create_app(settings, clock=clock)) as client:
        yield client, seeded


def test_export_needs_staff(client: TestClient) -> None:
    answer = client.get(EXPORT)
    assert answer.status_code == 401
    assert "staff token" in answer.json()["detail"]


def test_export_lists_every_session(client: TestClient, seeded: Seeded, cards: Cards) -> None:
    answer = client.get(EXPORT, headers=staff(seeded))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.text.startswith(HEADER)
    lines = answer.text.splitlines()
    assert lines[1] == (
        "room-a,2027-05-15,11:00,Maker projects,Bring your Pi,Ana López,'@ana,true,scheduled"
    )
    assert lines[2] == (
        'room-b,2027-05-15,11:00,<script>alert(1)</script> & co,,,"\'=HYPERLINK(""x"")",false,'
        "scheduled"
    )
    assert lines[3].endswith(",Gone,,Bo,,false,cancelled")
    assert len(answer.text.splitlines()) == 1 + 4 + 1  # header, 4 sessions, one inner newline


def test_round_trip_into_a_fresh_database(
    client: TestClient, seeded: Seeded, cards: Cards, fresh: tuple[TestClient, Seeded]
) -> None:
    exported = client.get(EXPORT, headers=staff(seeded)).text
    other, other_seeded = fresh
    answer = post_csv(other, other_seeded, exported)
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["written"] is True
    assert (report["rows"], report["imported"], report["errors"]) == (4, 4, [])
    assert report["rooms"] == ["room-a", "room-b"]
    assert other.get(EXPORT, headers=staff(other_seeded)).text == exported
    states = other.get("/roomstatus/v1/listrooms").json()
    assert [s["state"] for s in states] == ["1", "0"]


def test_a_real_import_publishes_the_rooms(client: TestClient, seeded: Seeded) -> None:
    text = HEADER + "room-a,2027-05-15,14:00,Robots,,Cy,,no,\r\n"
    answer = post_csv(client, seeded, text)
    assert answer.status_code == 200, answer.text
    with hub_of(client).database.transaction() as db:
        stored = repo.stored_snapshot(db, "room-a")
        entries = audit.list_entries(db)
    assert stored is not None
    assert '"Robots"' in stored.payload
    assert [(e.action, e.actor) for e in entries][:1] == [("session.import", "API token tests")]


BAD = HEADER + (
    "room-a,2027-05-15,14:00,Fine row,,,,,\r\n"
    "room-z,2027-05-15,14:00,Unknown room,,,,,\r\n"
    "room-b,2027-05-15,12:00,Blocked slot,,,,,\r\n"
    "room-a,2027-05-15,14:00,Same slot twice,,,,,\r\n"
    "room-a,15.5.2027,25:00,,,,,maybe,later\r\n"
)


def test_a_dry_run_lists_every_error_and_writes_nothing(client: TestClient, seeded: Seeded) -> None:
    answer = post_csv(client, seeded, BAD, dry_run=True)
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["dry_run"], report["written"]) == (True, False)
    assert (report["rows"], report["imported"], report["skipped"]) == (5, 1, 4)
    found = [(e["row"], e["column"]) for e in report["errors"]]
    assert found == [
        (3, "room_id"), (4, "start"), (5, "start"),
        (6, "day"), (6, "full"), (6, "status"), (6, "title"),
    ]  # fmt: skip
    messages = {(e["row"], e["column"]): e["message"] for e in report["errors"]}
    assert messages[(3, "room_id")] == "there is no room 'room-z' (rooms: room-a, room-b)"
    assert "blocked" in messages[(4, "start")]
    assert "already has a session" in messages[(5, "start")]
    assert session_count(client) == 0


def test_bad_rows_write_nothing(client: TestClient, seeded: Seeded) -> None:
    answer = post_csv(client, seeded, BAD)
    assert answer.status_code == 422
    body = answer.json()
    assert body["detail"].startswith("4 of 5 rows have errors, so nothing was written")
    assert body["errors"][0] == {
        "row": 3, "column": "room_id",
        "message": "there is no room 'room-z' (rooms: room-a, room-b)",
    }  # fmt: skip
    assert session_count(client) == 0


def test_skip_bad_rows_keeps_the_good_ones(client: TestClient, seeded: Seeded) -> None:
    answer = post_csv(client, seeded, BAD, skip_bad_rows=True)
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["written"], report["imported"], report["skipped"]) == (True, 1, 4)
    assert session_count(client) == 1


def test_slot_by_id_and_spreadsheet_quirks(client: TestClient, seeded: Seeded) -> None:
    slot = seeded.slot_ids[4]
    text = "\ufeffRoom_ID;Slot_ID;Title;Host_Handle\r\nroom-b;" + f"{slot};Quirks;'@me\r\n;;;\r\n"
    answer = post_csv(client, seeded, text)
    assert answer.status_code == 200, answer.text
    assert answer.json()["rows"] == 1
    with hub_of(client).database.transaction() as db:
        (session,) = repo.list_sessions(db)
        assert (session.slot_id, session.host_handle) == (slot, "@me")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe r\x00", "the file is not UTF-8 text"),
        (b"   \r\n", "the file is empty"),
        (b"room_id,title,tittle\r\n", "row 1 has unknown column(s) 'tittle'"),
        (b"room_id,title\r\n", "row 1 lacks column(s) day, start"),
        (b"room_id,title,title,slot_id\r\n", "row 1 names column(s) title more than once"),
    ],
)
def test_an_unusable_file_is_refused(
    client: TestClient, seeded: Seeded, data: bytes, message: str
) -> None:
    answer = post_csv(client, seeded, data, dry_run=True)
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith(message)


def test_extra_cells_and_mismatched_slot_id(client: TestClient, seeded: Seeded) -> None:
    text = (
        "room_id,day,start,slot_id,title\r\n"
        f"room-a,2027-05-15,10:00,{seeded.slot_ids[1]},Hello, world\r\n"
        f"room-a,2027-05-15,10:00,{seeded.slot_ids[0]},Wrong slot\r\n"
    )
    report = post_csv(client, seeded, text, dry_run=True).json()
    assert [(e["row"], e["column"]) for e in report["errors"]] == [
        (2, "column 6"), (3, "slot_id"),
    ]  # fmt: skip


def test_import_needs_staff(client: TestClient) -> None:
    answer = client.post(IMPORT, content=HEADER.encode(), headers=CSV_HEADERS)
    assert answer.status_code == 401


def test_too_large_is_413(client: TestClient, seeded: Seeded) -> None:
    answer = post_csv(client, seeded, HEADER + "x" * (3 * 1024 * 1024))
    assert answer.status_code == 413
    assert "over" in answer.json()["detail"]


def test_a_form_upload_is_refused_with_a_hint(client: TestClient, seeded: Seeded) -> None:
    files = {"file": ("sessions.csv", HEADER.encode(), "text/csv")}
    answer = client.post(IMPORT, files=files, headers=staff(seeded))
    assert answer.status_code == 415
    assert "--data-binary" in answer.json()["detail"]
