"""Feed fixtures: the seeded board of ``tests.hub.conftest`` with four sessions on it.

At ``NOW`` (11:30 in New York) room A holds "Maker projects" (full) and room B a session with
markup in its title; later room A has a cancelled card and room B one more session.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.hub.conftest import Seeded, TestClient, staff

NOW_SLOT = 2  # 11:00–12:00 local, the slot on at NOW


@dataclass
class Cards:
    """Ids of the sessions the ``cards`` fixture added."""

    maker: int
    markup: int
    cancelled: int
    later: int


def add_card(client: TestClient, seeded: Seeded, room: str, slot: int, **fields: Any) -> int:
    body = {"room_id": room, "slot_id": seeded.slot_ids[slot], "title": "A session", **fields}
    answer = client.post("/api/v1/sessions", json=body, headers=staff(seeded))
    assert answer.status_code == 201, answer.text
    session_id: int = answer.json()["id"]
    return session_id


@pytest.fixture
def cards(client: TestClient, seeded: Seeded) -> Cards:
    maker = add_card(
        client, seeded, "room-a", NOW_SLOT, title="Maker projects",
        description="Bring your Pi", host_name="Ana López", host_handle="@ana",
    )  # fmt: skip
    full = client.put(f"/api/v1/sessions/{maker}/full", json={"full": True}, headers=staff(seeded))
    assert full.status_code == 200, full.text
    markup = add_card(
        client, seeded, "room-b", NOW_SLOT, title="<script>alert(1)</script> & co",
        host_handle="=HYPERLINK(\"x\")",
    )  # fmt: skip
    cancelled = add_card(client, seeded, "room-a", 5, title="Gone", host_name="Bo")
    answer = client.patch(
        f"/api/v1/sessions/{cancelled}", json={"status": "cancelled"}, headers=staff(seeded)
    )
    assert answer.status_code == 200, answer.text
    later = add_card(client, seeded, "room-b", 6, title="Later", description="Line 1\nLine 2")
    return Cards(maker, markup, cancelled, later)
