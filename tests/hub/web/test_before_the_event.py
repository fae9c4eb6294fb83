"""A hub on an empty database: every page answers and says what to do; staff set the event up
with the staff pages; and pages keep answering while a write holds the database's lock."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from hub.app import create_app
from hub.audit import list_entries
from hub.settings import HubSettings
from shared.clock import FakeClock
from tests.hub.conftest import Seeded, TestClient, hub_of
from tests.hub.test_db import HeldWrite
from tests.hub.web.conftest import add_staff, form_post, log_in


def submit(client: TestClient, page: str, data: dict[str, str]) -> Any:
    """Post ``data`` with the CSRF token of ``page``, to ``page`` (as its form does); the
    test client's response (its type depends on the installed HTTP client package)."""
    return form_post(client, page, page, data)


SET_IT_UP = 'No event yet: <a href="/staff/event">sign in and set it up</a>'
STAFF_SET_IT_UP = 'No event yet: <a href="/staff/event">set it up</a>'


@pytest.fixture
def empty(settings: HubSettings, clock: FakeClock) -> Iterator[TestClient]:
    """The app on a migrated, empty database, with staff member alice (not logged in)."""
    add_staff(settings.database_url)
    with TestClient(create_app(settings, clock=clock)) as client:
        yield client


@pytest.mark.parametrize(
    ("path", "code", "says"),
    [
        ("/", 200, ["Nothing scheduled yet", SET_IT_UP]),
        ("/ideas", 200, ["Ideas wall"]),
        ("/add", 404, ["no event has been set up yet", SET_IT_UP]),
        ("/rooms/room-a", 404, ["there is no room", SET_IT_UP]),
        ("/sessions/1", 404, ["Not found", SET_IT_UP]),
        ("/schedule.json", 404, ["no event has been set up yet"]),
        ("/schedule.ics", 404, ["no event has been set up yet"]),
        ("/roomstatus/v1/listrooms", 200, ["[]"]),
        ("/healthz", 200, ['"event":false']),
        ("/api/v1/event", 404, ["no event has been set up yet"]),
        ("/staff/event", 303, []),
    ],
)
def test_every_page_answers_before_the_event(
    empty: TestClient, path: str, code: int, says: list[str]
) -> None:
    answer = empty.get(path, follow_redirects=False)
    assert answer.status_code == code, answer.text
    for text in says:
        assert text in answer.text


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/", "Nothing scheduled yet"),
        ("/staff", "No sessions yet"),
        ("/staff/event", "Create the event"),
        ("/staff/days", "the event comes first"),
        ("/staff/rooms", "No rooms yet"),
        ("/staff/blocks", "Nothing blocked"),
        ("/staff/announcements", "Post an announcement"),
        ("/staff/fleet", "0 of 0 doors online"),
        ("/staff/audit", "No changes yet"),
        ("/staff/tokens", "Create a token"),
    ],
)
def test_staff_pages_answer_and_point_to_the_event_page(
    empty: TestClient, path: str, says: str
) -> None:
    log_in(empty)
    answer = empty.get(path)
    assert answer.status_code == 200, answer.text
    assert says in answer.text
    assert (STAFF_SET_IT_UP in answer.text) == (path != "/staff/event")


def test_staff_set_up_the_event_days_and_rooms_with_the_pages(empty: TestClient) -> None:
    log_in(empty)
    event = {"name": "PyCon US 2027 Open Spaces", "timezone": "America/New_York",
             "hashtag": "PyConUS", "url": "https://us.pycon.org/2027/"}  # fmt: skip
    created = submit(empty, "/staff/event", event)
    assert created.status_code == 303
    assert "The event is set up" in empty.get("/staff/event?done=created").text
    assert empty.get("/api/v1/event").json() == {**event, "hashtag": "#PyConUS"}
    day = {"date": "2027-05-15", "first_hour": "10", "last_hour": "13"}
    assert submit(empty, "/staff/days", day).status_code == 303
    room = {"name": "Salle Été 2", "id": "", "capacity": "30", "location": "Level 2"}
    assert submit(empty, "/staff/rooms", room).status_code == 303
    rooms = empty.get("/api/v1/rooms").json()
    assert [(r["id"], r["name"], r["capacity"]) for r in rooms] == [
        ("salle-ete-2", "Salle Été 2", 30)
    ]
    board = empty.get("/")
    assert "Salle Été 2" in board.text
    assert "12:00" in board.text
    steps = empty.get("/staff/event").text
    assert "1 day" in steps
    assert "1 room" in steps


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("timezone", "Mars/Olympus_Mons", "is not a time zone we know"),
        ("timezone", "America", "is not a time zone we know"),
        ("timezone", "", "Please fill this in."),
        ("name", " ", "Please fill this in."),
        ("hashtag", "two words", "A hashtag is one word"),
        ("url", "javascript:alert(1)", "starting with https://"),
    ],
)
def test_a_bad_event_form_comes_back_with_the_reason(
    empty: TestClient, field: str, value: str, message: str
) -> None:
    log_in(empty)
    event = {"name": "Open Spaces", "timezone": "Europe/Berlin", field: value}
    answer = submit(empty, "/staff/event", event)
    assert answer.status_code == 422
    assert message in answer.text
    assert empty.get("/api/v1/event").status_code == 404


def test_changing_the_event_is_audited_as_the_staff_member(empty: TestClient) -> None:
    log_in(empty)
    event = {"name": "Open Spaces", "timezone": "Europe/Berlin"}
    submit(empty, "/staff/event", event)
    changed = submit(empty, "/staff/event", {**event, "name": "OS 2027"})
    assert changed.headers["location"] == "/staff/event?done=saved"
    with hub_of(empty).database.reading() as db:
        entries = [(e.action, e.actor) for e in list_entries(db, limit=5)]
    assert entries[:2] == [("event.edit", "staff alice"), ("event.create", "staff alice")]


PAGES_WHILE_WRITING = [
    "/", "/rooms/room-a", "/ideas", "/schedule.json", "/schedule.ics", "/roomstatus/v1/listrooms",
    "/healthz", "/api/v1/rooms", "/api/v1/event", "/staff", "/staff/rooms", "/staff/days",
]  # fmt: skip


def test_pages_answer_while_a_write_holds_the_lock(
    settings: HubSettings, seeded: Seeded, clock: FakeClock
) -> None:
    add_staff(settings.database_url)
    with TestClient(create_app(settings, clock=clock)) as client:
        log_in(client)
        with HeldWrite(hub_of(client).database) as writer:
            codes = {path: client.get(path).status_code for path in PAGES_WHILE_WRITING}
            assert writer.thread.is_alive()
    assert codes == dict.fromkeys(PAGES_WHILE_WRITING, 200)
