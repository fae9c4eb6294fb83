"""The slots API."""

from __future__ import annotations

from tests.hub.conftest import Seeded, TestClient


def test_slots_are_one_hour_in_utc_with_their_blocks(client: TestClient, seeded: Seeded) -> None:
    slots = client.get("/api/v1/slots").json()
    assert len(slots) == 8
    assert slots[0]["start"] == "2027-05-15T13:00:00Z"
    assert slots[0]["end"] == "2027-05-15T14:00:00Z"
    assert slots[0]["day"] == "2027-05-15"
    blocked = next(s for s in slots if s["id"] == seeded.blocked_slot_id)
    assert blocked["blocked"] == [{"room_id": "room-b", "label": "Sponsor workshop"}]
