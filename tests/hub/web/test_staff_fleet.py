"""The staff fleet page: alerts at the top, the frame check per door, identify and assign."""

from __future__ import annotations

from datetime import timedelta

from hub import audit, repo
from shared import wire
from shared.clock import FakeClock
from tests.hub.conftest import NOW, TestClient, hub_of
from tests.hub.test_fleet import door_png_hash
from tests.hub.web.conftest import form_post

PANEL = "what-ssd1683-red"


def report(client: TestClient, node_id: str, room_id: str, **fields: object) -> None:
    status = wire.NodeStatus(node_id=node_id, state="online", room_id=room_id, panel=PANEL,
                             **fields)  # fmt: skip
    with hub_of(client).database.transaction() as db:
        repo.assign_node(db, node_id, room_id, PANEL)
        repo.record_node_status(db, node_id, online=True, seen_at=NOW,
                                status_json=status.model_dump_json())  # fmt: skip


def test_the_page_shows_matches_wrong_frames_and_alerts(
    staff_web: TestClient, clock: FakeClock
) -> None:
    report(staff_web, "door-a", "room-a", frame_hash=door_png_hash(staff_web, "room-a", NOW))
    report(staff_web, "door-b", "room-b", frame_hash="0" * 32, clock_offset_s=95.0)
    clock.advance(timedelta(minutes=4))
    html = staff_web.get("/staff/fleet").text
    assert 'id="node-door-a"' in html
    assert '<dd class="frame-match"><span class="badge ok">Matches</span>' in html
    assert '<dd class="frame-mismatch"><span class="badge full">Wrong</span> since 11:30' in html
    assert "showing the wrong frame since Sat 11:30" in html
    assert "clock +95 s off the hub" in html
    assert html.index("showing the wrong frame") < html.index('id="node-door-a"')


def test_assigning_from_the_page_is_audited(staff_web: TestClient) -> None:
    report(staff_web, "door-a", "room-a")
    answer = form_post(staff_web, "/staff/fleet", "/staff/fleet/door-a/room", {"room_id": "room-b"})
    assert answer.status_code == 303  # type: ignore[attr-defined]
    with hub_of(staff_web).database.transaction() as db:
        assert repo.get_node(db, "door-a").room_id == "room-b"
        entry = audit.list_entries(db, limit=1)[0]
    assert (entry.action, entry.actor) == ("node.assign", "staff alice")
    assert "Assigned." in staff_web.get("/staff/fleet?done=assigned").text
    cleared = form_post(staff_web, "/staff/fleet", "/staff/fleet/door-a/room", {"room_id": ""})
    assert cleared.status_code == 303  # type: ignore[attr-defined]
    with hub_of(staff_web).database.transaction() as db:
        assert repo.get_node(db, "door-a").room_id is None


def test_actions_need_their_csrf_token_and_a_known_node(staff_web: TestClient) -> None:
    report(staff_web, "door-a", "room-a")
    forged = staff_web.post("/staff/fleet/door-a/room", data={"room_id": "room-b"})
    assert forged.status_code == 403
    unknown = form_post(staff_web, "/staff/fleet", "/staff/fleet/door-q/room", {"room_id": ""})
    assert unknown.status_code == 404  # type: ignore[attr-defined]
    no_room = form_post(staff_web, "/staff/fleet", "/staff/fleet/door-a/room",
                        {"room_id": "room-z"})  # fmt: skip
    assert no_room.status_code == 404  # type: ignore[attr-defined]


def test_identify_without_a_broker_says_so(staff_web: TestClient) -> None:
    report(staff_web, "door-a", "room-a")
    answer = form_post(staff_web, "/staff/fleet", "/staff/fleet/door-a/identify", {})
    assert answer.status_code == 503  # type: ignore[attr-defined]
    assert "not connected to the MQTT broker" in answer.text  # type: ignore[attr-defined]


def test_a_removed_rooms_doors_show_as_unassigned(staff_web: TestClient) -> None:
    room = {"id": "room-c", "name": "Room C"}
    assert form_post(staff_web, "/staff/rooms", "/staff/rooms", room).status_code == 303  # type: ignore[attr-defined]
    report(staff_web, "door-c", "room-c")
    assert (
        '<dt>Room</dt><dd><a href="/rooms/room-c">Room C</a>' in staff_web.get("/staff/fleet").text
    )
    removed = form_post(staff_web, "/staff/rooms", "/staff/rooms/room-c", {"action": "remove"})
    assert removed.status_code == 303  # type: ignore[attr-defined]
    html = staff_web.get("/staff/fleet").text
    door = html[html.index('id="node-door-c"') :]
    assert "<dt>Room</dt><dd>not assigned</dd>" in door
    assert '<option value="room-c"' not in html


def test_the_announcements_page_names_the_doors_too_small_to_show_one(
    staff_web: TestClient,
) -> None:
    """A pHAT draws a marker instead of an announcement; staff see which doors those are."""
    report(staff_web, "door-big", "room-a")
    with hub_of(staff_web).database.transaction() as db:
        repo.assign_node(db, "door-small", "room-b", "phat-ssd1608-red")
    form_post(staff_web, "/staff/announcements", "/staff/announcements", {
        "text": "Lunch is served in Hall B", "room_id": "",
    })  # fmt: skip
    form_post(staff_web, "/staff/announcements", "/staff/announcements", {
        "text": "Room A: use the back door", "room_id": "room-a",
    })  # fmt: skip
    html = staff_web.get("/staff/announcements").text
    rows = {row.split("</td>")[0]: row for row in html.split("<tr")[1:] if "<td>" in row}
    [site_wide] = [row for cell, row in rows.items() if "Lunch is served" in cell]
    [room_a] = [row for cell, row in rows.items() if "Room A: use" in cell]
    assert "a marker instead: door-small" in site_wide
    assert "marker instead" not in room_a
    assert "door-big" not in html
