"""``/roomstatus/v1/listrooms``: "1" while the session on now is full, by the hub's clock."""

from __future__ import annotations

from datetime import timedelta

from hub.feeds.roomstatus import build_room_states
from hub.repo.feeds import BoardRoom
from shared.clock import FakeClock
from tests.hub.conftest import Seeded, TestClient, staff
from tests.hub.feeds.conftest import Cards


def states(client: TestClient) -> list[dict[str, str]]:
    answer = client.get("/roomstatus/v1/listrooms")
    assert answer.status_code == 200, answer.text
    listed: list[dict[str, str]] = answer.json()
    return listed


def test_a_full_session_on_now_marks_its_room(client: TestClient, cards: Cards) -> None:
    assert states(client) == [
        {"roomname": "Room A", "state": "1"},
        {"roomname": "Room B", "state": "0"},
    ]


def test_full_ends_with_the_slot(client: TestClient, cards: Cards, clock: FakeClock) -> None:
    clock.advance(timedelta(hours=1))
    assert [s["state"] for s in states(client)] == ["0", "0"]


def test_clearing_full_frees_the_room(client: TestClient, seeded: Seeded, cards: Cards) -> None:
    cleared = client.put(
        f"/api/v1/sessions/{cards.maker}/full", json={"full": False}, headers=staff(seeded)
    )
    assert cleared.status_code == 200
    assert [s["state"] for s in states(client)] == ["0", "0"]


def test_rooms_with_nothing_on_are_free(client: TestClient) -> None:
    assert [s["state"] for s in states(client)] == ["0", "0"]


def test_build_room_states_keeps_board_order() -> None:
    rooms = [BoardRoom("b", "Bee", None, None), BoardRoom("a", "Ay", 10, "L1")]
    built = build_room_states(rooms, {"a"})
    assert [(s.roomname, s.state) for s in built] == [("Bee", "0"), ("Ay", "1")]
