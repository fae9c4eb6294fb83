"""The staff audit log in words, with filters by kind, room, actor and day."""

from __future__ import annotations

import re
from datetime import timedelta

from shared.clock import FakeClock
from tests.hub.conftest import Seeded, TestClient, staff
from tests.hub.web.conftest import form_post, log_in


def said(html: str) -> list[str]:
    """The sentences of the log, newest first."""
    return re.findall(r'<span class="said">(.*?)</span>', html)


def add(client: TestClient, seeded: Seeded, slot: int, room: str = "room-a") -> int:
    body = {"room_id": room, "slot_id": seeded.slot_ids[slot], "title": "Maker projects"}
    answer = client.post("/api/v1/sessions", json=body, headers=staff(seeded))
    assert answer.status_code == 201, answer.text
    session_id: int = answer.json()["id"]
    return session_id


def test_the_log_says_what_happened_in_words(
    staff_web: TestClient, seeded: Seeded, clock: FakeClock
) -> None:
    session_id = add(staff_web, seeded, 5)
    staff_web.patch(f"/api/v1/sessions/{session_id}", json={"room_id": "room-b"},
                    headers=staff(seeded))  # fmt: skip
    page = f"/staff/sessions/{session_id}"
    form_post(staff_web, page, page, {"action": "cancel"})
    html = staff_web.get("/staff/audit").text
    sentences = said(html)
    assert sentences[:3] == [
        "“Maker projects” cancelled",
        "“Maker projects”: Room A, Sat 14:00 → Room B",
        "“Maker projects” added in Room A, Sat 14:00",
    ]
    assert "session.move" not in html
    assert "slot_id" not in sentences[1]


def test_the_log_filters_by_kind_room_actor_and_day(
    staff_web: TestClient, seeded: Seeded, clock: FakeClock
) -> None:
    add(staff_web, seeded, 5, room="room-a")
    clock.advance(timedelta(days=1))
    log_in(staff_web)  # the login of the day before has expired
    add(staff_web, seeded, 6, room="room-b")
    posted = staff_web.post("/api/v1/announcements", json={"text": "Coffee in Hall B"},
                   headers=staff(seeded))  # fmt: skip
    assert posted.status_code == 201, posted.text
    by_kind = said(staff_web.get("/staff/audit?kind=announcement").text)
    assert by_kind == ["Announcement “Coffee in Hall B” added"]
    by_room = said(staff_web.get("/staff/audit?room=room-b").text)
    assert "“Maker projects” added in Room B, Sat 15:00" in by_room
    assert not any("Room A" in sentence for sentence in by_room)
    by_day = said(staff_web.get("/staff/audit?day=2027-05-15&kind=session").text)
    assert by_day == ["“Maker projects” added in Room A, Sat 14:00"]
    nobody = staff_web.get("/staff/audit?actor=staff+nobody")
    assert "No changes match these filters." in nobody.text
    assert said(staff_web.get("/staff/audit?actor=API+token+tests&kind=session").text)
    assert staff_web.get("/staff/audit?day=not-a-day").status_code == 422
