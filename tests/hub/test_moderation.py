"""Moderation holds: once staff cancel, move or lock a card, its edit link cannot undo that.

The host may still withdraw the card and mark it full; staff may still do everything, and
unlocking lifts the hold. The API answers 409 with the reason; the edit page shows it.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.hub.api.test_sessions import card
from tests.hub.conftest import Seeded, TestClient, staff
from tests.hub.web.conftest import csrf_of
from tests.hub.web.test_cards import open_edit_link


def add_public_card(
    client: TestClient, seeded: Seeded, slot: int = 5
) -> tuple[int, dict[str, str]]:
    created = client.post("/api/v1/sessions", json=card(seeded, slot)).json()
    return created["id"], {"X-Edit-Token": created["edit_url"].split("token=")[1]}


def patch(client: TestClient, session_id: int, headers: dict[str, str], **body: Any) -> Any:
    return client.patch(f"/api/v1/sessions/{session_id}", json=body, headers=headers)


@pytest.mark.parametrize(
    ("moderation", "kind"),
    [({"status": "cancelled"}, "cancelled"), ({"room_id": "room-b"}, "moved"),
     ({"locked": True}, "locked")],
)  # fmt: skip
def test_the_edit_link_cannot_undo_staff_moderation(
    client: TestClient, seeded: Seeded, moderation: dict[str, Any], kind: str
) -> None:
    session_id, host = add_public_card(client, seeded)
    before = client.get(f"/api/v1/sessions/{session_id}").json()
    moderated = patch(client, session_id, staff(seeded), **moderation)
    assert moderated.status_code == 200
    assert moderated.json()["moderated"] == kind
    for attempt in ({"status": "scheduled"}, {"room_id": "room-a"},
                    {"slot_id": seeded.slot_ids[6]}, {"title": "Back again"}):  # fmt: skip
        refused = patch(client, session_id, host, **attempt)
        assert refused.status_code == 409, attempt
        assert "Staff have" in refused.json()["detail"]
    deleted = client.delete(f"/api/v1/sessions/{session_id}", headers=host)
    assert deleted.status_code == 409
    after = client.get(f"/api/v1/sessions/{session_id}").json()
    assert after["title"] == before["title"]
    assert after["status"] == moderated.json()["status"]
    assert after["room_id"] == moderated.json()["room_id"]
    assert patch(client, session_id, staff(seeded), title="Staff edit").status_code == 200


def test_the_host_may_still_withdraw_and_mark_full(client: TestClient, seeded: Seeded) -> None:
    session_id, host = add_public_card(client, seeded, slot=2)  # on now: it may be full
    assert patch(client, session_id, staff(seeded), locked=True).status_code == 200
    full = client.put(f"/api/v1/sessions/{session_id}/full", json={"full": True}, headers=host)
    assert full.status_code == 200
    withdrawn = patch(client, session_id, host, status="cancelled")
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "cancelled"


def test_only_staff_lock_and_unlock(client: TestClient, seeded: Seeded) -> None:
    session_id, host = add_public_card(client, seeded)
    assert patch(client, session_id, host, locked=True).status_code == 422
    assert patch(client, session_id, staff(seeded), status="cancelled").status_code == 200
    assert patch(client, session_id, host, status="scheduled").status_code == 409
    unlocked = patch(client, session_id, staff(seeded), locked=False)
    assert unlocked.json()["moderated"] is None
    restored = patch(client, session_id, host, status="scheduled")
    assert restored.status_code == 200


def test_a_card_the_host_edits_is_not_held(client: TestClient, seeded: Seeded) -> None:
    session_id, host = add_public_card(client, seeded)
    assert patch(client, session_id, host, status="cancelled").status_code == 200
    assert patch(client, session_id, host, status="scheduled").status_code == 200
    assert patch(client, session_id, host, room_id="room-b").json()["moderated"] is None


def test_the_host_sees_why_on_the_edit_page(client: TestClient, seeded: Seeded) -> None:
    created = client.post("/api/v1/sessions", json=card(seeded)).json()
    link = created["edit_url"].removeprefix("http://hub.test")
    staff_moved = client.patch(f"/api/v1/sessions/{created['id']}", json={"room_id": "room-b"},
                            headers=staff(seeded))  # fmt: skip
    assert staff_moved.status_code == 200
    page = open_edit_link(client, link)
    assert "Staff have moved this card" in page.text
    assert 'value="save"' not in page.text
    tried = client.post(link.split("?")[0], data={
        "csrf_token": csrf_of(page.text), "action": "save", "title": "Moved back?",
    })  # fmt: skip
    assert tried.status_code == 409
    assert "Staff have moved this card" in tried.text
