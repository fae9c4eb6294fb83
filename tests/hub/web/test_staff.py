"""The staff area: login, cookies, CSRF, and every management page, with the audit trail."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hub import audit, repo
from hub.app import create_app
from hub.settings import HubSettings
from shared import wire
from shared.clock import FakeClock
from tests.hub.conftest import Seeded, TestClient, hub_of, staff
from tests.hub.web.conftest import STAFF_PASSWORD, add_staff, csrf_of, form_post, log_in


def add(client: TestClient, seeded: Seeded, slot: int = 5) -> int:
    body = {"room_id": "room-a", "slot_id": seeded.slot_ids[slot], "title": "Maker projects"}
    session_id: int = client.post("/api/v1/sessions", json=body, headers=staff(seeded)).json()["id"]
    return session_id


def door(client: TestClient, room_id: str) -> wire.RoomSnapshot:
    with hub_of(client).database.transaction() as db:
        stored = repo.stored_snapshot(db, room_id)
        assert stored is not None
        return wire.RoomSnapshot.model_validate_json(stored.payload)


def last_audit(client: TestClient) -> Any:
    with hub_of(client).database.transaction() as db:
        return audit.list_entries(db, limit=1)[0]


def test_staff_pages_need_a_login(web: TestClient) -> None:
    answer = web.get("/staff/rooms", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/staff/login?next=/staff/rooms"


def test_a_wrong_password_is_refused(web: TestClient) -> None:
    token = csrf_of(web.get("/staff/login").text)
    answer = web.post("/staff/login", data={
        "csrf_token": token, "username": "alice", "password": "wrong password",
    })  # fmt: skip
    assert answer.status_code == 401
    assert "do not match" in answer.text
    assert 'value="alice"' in answer.text


def test_login_sets_a_safe_cookie_that_expires(web: TestClient, clock: FakeClock) -> None:
    token = csrf_of(web.get("/staff/login").text)
    answer = web.post("/staff/login", data={
        "csrf_token": token, "username": "alice", "password": STAFF_PASSWORD,
        "next": "/staff/fleet",
    }, follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303
    assert answer.headers["location"] == "/staff/fleet"
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "max-age=43200" in cookie
    assert "secure" not in cookie
    assert web.get("/staff/fleet").status_code == 200
    clock.advance(timedelta(hours=13))
    assert web.get("/staff/fleet", follow_redirects=False).status_code == 303


def test_cookies_are_secure_on_an_https_hub(
    settings: HubSettings, seeded: Seeded, clock: FakeClock
) -> None:
    secure = settings.model_copy(update={"public_url": "https://board.example.org"})
    add_staff(secure.database_url)
    with TestClient(create_app(secure, clock=clock), base_url="https://testserver") as client:
        page = client.get("/staff/login")
        assert "secure" in page.headers["set-cookie"].lower()
        answer = client.post("/staff/login", data={
            "csrf_token": csrf_of(page.text), "username": "alice", "password": STAFF_PASSWORD,
        }, follow_redirects=False)  # fmt: skip
        assert "secure" in answer.headers["set-cookie"].lower()


def test_logout_ends_the_login(staff_web: TestClient) -> None:
    token = csrf_of(staff_web.get("/staff").text)
    staff_web.post("/staff/logout", data={"csrf_token": token})
    assert staff_web.get("/staff", follow_redirects=False).status_code == 303


def test_a_staff_form_without_csrf_is_refused(staff_web: TestClient, seeded: Seeded) -> None:
    session_id = add(staff_web, seeded)
    refused = staff_web.post(f"/staff/sessions/{session_id}", data={"action": "cancel"})
    assert refused.status_code == 403
    assert "security token" in refused.text
    assert staff_web.get(f"/api/v1/sessions/{session_id}").json()["status"] == "scheduled"


def test_staff_move_a_session_leaving_a_notice(staff_web: TestClient, seeded: Seeded) -> None:
    session_id = add(staff_web, seeded)
    page = f"/staff/sessions/{session_id}"
    answer = form_post(staff_web, page, page, {
        "action": "save", "place": f"room-b|{seeded.slot_ids[5]}", "title": "Maker projects",
        "description": "", "host_name": "Ana", "host_handle": "",
    })  # fmt: skip
    assert answer.status_code == 303  # type: ignore[attr-defined]
    old = next(s for s in door(staff_web, "room-a").slots if s.slot_id == seeded.slot_ids[5])
    assert old.kind == "moved"
    assert old.moved_to == "Room B"
    entry = last_audit(staff_web)
    assert (entry.actor, entry.action) == ("staff alice", "session.move")
    assert ("room_id", "room-a", "room-b") in audit.changed_fields(entry)


def test_staff_set_full_cancel_restore_and_delete(staff_web: TestClient, seeded: Seeded) -> None:
    session_id = add(staff_web, seeded, 2)
    page = f"/staff/sessions/{session_id}"
    form_post(staff_web, page, page, {"action": "full"})
    assert staff_web.get(f"/api/v1/sessions/{session_id}").json()["full"] is True
    form_post(staff_web, page, page, {"action": "cancel"})
    assert staff_web.get(f"/api/v1/sessions/{session_id}").json()["status"] == "cancelled"
    form_post(staff_web, page, page, {"action": "restore"})
    form_post(staff_web, page, page, {"action": "delete"})
    assert staff_web.get(f"/api/v1/sessions/{session_id}").status_code == 404
    actions = [e.action for e in _entries(staff_web)][:5]
    assert actions == [
        "session.delete",
        "session.restore",
        "session.cancel",
        "session.full",
        "session.add",
    ]


def test_a_bad_move_keeps_the_form_and_changes_nothing(
    staff_web: TestClient, seeded: Seeded
) -> None:
    session_id = add(staff_web, seeded)
    page = f"/staff/sessions/{session_id}"
    answer: Any = form_post(staff_web, page, page, {
        "action": "save", "place": f"room-b|{seeded.blocked_slot_id}", "title": "New title",
    })  # fmt: skip
    assert answer.status_code == 409
    assert "blocked" in answer.text
    assert 'value="New title"' in answer.text
    assert staff_web.get(f"/api/v1/sessions/{session_id}").json()["title"] == "Maker projects"


def test_rooms_days_and_blocks(staff_web: TestClient, seeded: Seeded) -> None:
    form_post(staff_web, "/staff/rooms", "/staff/rooms", {
        "id": "room-c", "name": "Room C", "capacity": "12", "location": "Level 3",
    })  # fmt: skip
    form_post(staff_web, "/staff/rooms", "/staff/rooms/room-c", {
        "action": "save", "name": "Room C (big)", "capacity": "", "location": "", "position": "",
    })  # fmt: skip
    rooms = {r["id"]: r for r in staff_web.get("/api/v1/rooms").json()}
    assert rooms["room-c"]["name"] == "Room C (big)"
    assert rooms["room-c"]["capacity"] is None
    bad: Any = form_post(staff_web, "/staff/rooms", "/staff/rooms", {"id": "a b", "name": "X"})
    assert bad.status_code == 422
    form_post(staff_web, "/staff/days", "/staff/days", {
        "date": "2027-05-16", "first_hour": "10", "last_hour": "12",
    })  # fmt: skip
    days = staff_web.get("/api/v1/days").json()
    assert [d["date"] for d in days] == ["2027-05-15", "2027-05-16"]
    reversed_: Any = form_post(staff_web, "/staff/days", "/staff/days", {
        "date": "2027-05-17", "first_hour": "12", "last_hour": "10",
    })  # fmt: skip
    assert reversed_.status_code == 422
    assert "must be after" in reversed_.text
    new_slot = days[1]["slot_ids"][0]
    form_post(staff_web, "/staff/blocks", "/staff/blocks", {
        "place": f"room-c|{new_slot}", "label": "Keynote overflow",
    })  # fmt: skip
    shown = next(s for s in door(staff_web, "room-c").slots if s.slot_id == new_slot)
    assert (shown.kind, shown.label) == ("blocked", "Keynote overflow")
    block_id = staff_web.get("/api/v1/blocks").json()[-1]["id"]
    form_post(staff_web, "/staff/blocks", f"/staff/blocks/{block_id}/remove", {})
    shown = next(s for s in door(staff_web, "room-c").slots if s.slot_id == new_slot)
    assert shown.kind == "open"
    form_post(staff_web, "/staff/days", f"/staff/slots/{new_slot}/remove", {})
    assert len(staff_web.get("/api/v1/days").json()[1]["slot_ids"]) == 1


def test_announcements_reach_the_doors_and_expire(
    staff_web: TestClient, seeded: Seeded, clock: FakeClock
) -> None:
    form_post(staff_web, "/staff/announcements", "/staff/announcements", {
        "text": "Lunch is served in Hall B", "room_id": "", "until_date": "2027-05-15",
        "until_time": "13:00",
    })  # fmt: skip
    form_post(staff_web, "/staff/announcements", "/staff/announcements", {
        "text": "Room A: use the back door", "room_id": "room-a",
    })  # fmt: skip
    texts_a = [a.text for a in door(staff_web, "room-a").announcements]
    assert texts_a == ["Lunch is served in Hall B", "Room A: use the back door"]
    assert [a.text for a in door(staff_web, "room-b").announcements] == [
        "Lunch is served in Hall B"
    ]
    assert "Lunch is served in Hall B" in staff_web.get("/").text
    past: Any = form_post(staff_web, "/staff/announcements", "/staff/announcements", {
        "text": "Too late", "until_date": "2027-05-15", "until_time": "08:00",
    })  # fmt: skip
    assert past.status_code == 422
    assert "already passed" in past.text
    clock.advance(timedelta(hours=2))
    assert "Lunch is served" not in staff_web.get("/").text
    notice_id = staff_web.get("/api/v1/announcements").json()[0]["id"]
    form_post(staff_web, "/staff/announcements", f"/staff/announcements/{notice_id}/remove", {})
    assert door(staff_web, "room-a").announcements == [], "expired, and the other one withdrawn"


def test_tokens_are_made_once_and_revoked(staff_web: TestClient) -> None:
    made: Any = form_post(staff_web, "/staff/tokens", "/staff/tokens", {"name": "scheduler bot"})
    token = made.text.split('id="new-token" class="token">')[1].split("<")[0]
    headers = {"Authorization": f"Bearer {token}"}
    assert staff_web.get("/api/v1/nodes", headers=headers).status_code == 200
    assert "scheduler bot" in staff_web.get("/staff/tokens").text
    assert token not in staff_web.get("/staff/tokens").text
    with hub_of(staff_web).database.transaction() as db:
        from hub.repo.staff import list_staff_tokens  # noqa: PLC0415

        token_id = next(t.id for t in list_staff_tokens(db) if t.name == "scheduler bot")
    form_post(staff_web, "/staff/tokens", f"/staff/tokens/{token_id}/revoke", {})
    assert staff_web.get("/api/v1/nodes", headers=headers).status_code == 401


def test_audit_and_fleet_pages(staff_web: TestClient, seeded: Seeded) -> None:
    add(staff_web, seeded)
    with hub_of(staff_web).database.transaction() as db:
        report = wire.NodeStatus(node_id="door-7", state="online", software_version="0.1.0",
                                 applied_version=4, panel="what-ssd1683-red")  # fmt: skip
        repo.assign_node(db, "door-7", "room-a")
        repo.record_node_status(
            db, "door-7", online=True, seen_at=hub_of(staff_web).clock.now(),
            status_json=report.model_dump_json(), panel="what-ssd1683-red",
        )  # fmt: skip
    html = staff_web.get("/staff/audit").text
    assert "API token tests" in html
    assert "added in Room A" in html
    fleet = staff_web.get("/staff/fleet").text
    assert "door-7" in fleet
    assert "Online" in fleet
    assert "/api/v1/rooms/room-a/door.png?panel=what-ssd1683-red" in fleet
    assert "v4" in fleet


def attempt(client: TestClient, username: str, password: str) -> Any:
    token = csrf_of(client.get("/staff/login").text)
    return client.post("/staff/login", data={
        "csrf_token": token, "username": username, "password": password,
    }, follow_redirects=False)  # fmt: skip


def test_login_attempts_back_off_per_account_and_address(
    settings: HubSettings, seeded: Seeded, clock: FakeClock
) -> None:
    """Ten bad passwords for alice from one address hold alice off there, and nobody else."""
    add_staff(settings.database_url, "alice")
    add_staff(settings.database_url, "bob")
    app = create_app(settings, clock=clock)
    with TestClient(app, client=("10.0.0.1", 5000)) as venue_nat, \
            TestClient(app, client=("10.0.0.2", 5000)) as elsewhere:  # fmt: skip
        codes = [attempt(venue_nat, "alice", "nope nope nope").status_code for _ in range(10)]
        assert codes == [401] * 6 + [429] * 4
        refused = attempt(venue_nat, "alice", STAFF_PASSWORD)
        assert refused.status_code == 429  # even the right password waits its turn
        assert int(refused.headers["retry-after"]) >= 1
        assert "Try again in" in refused.text
        assert attempt(venue_nat, "bob", STAFF_PASSWORD).status_code == 303
        assert attempt(elsewhere, "alice", STAFF_PASSWORD).status_code == 303
        clock.advance(int(refused.headers["retry-after"]))
        assert attempt(venue_nat, "alice", STAFF_PASSWORD).status_code == 303


def test_a_guess_against_many_accounts_from_one_address_is_slowed(
    settings: HubSettings, seeded: Seeded, clock: FakeClock
) -> None:
    with TestClient(create_app(settings, clock=clock)) as client:
        codes = [attempt(client, f"user{n}", "nope nope nope").status_code for n in range(32)]
    assert codes[:30] == [401] * 30
    assert codes[31] == 429


def _entries(client: TestClient) -> list[Any]:
    with hub_of(client).database.transaction() as db:
        return audit.list_entries(db)


def test_log_in_helper_works(web: TestClient) -> None:
    log_in(web)
    assert "Sessions" in web.get("/staff").text


def test_staff_lock_a_card_from_its_page_and_unlock_it(
    staff_web: TestClient, seeded: Seeded
) -> None:
    body = {"room_id": "room-a", "slot_id": seeded.slot_ids[5], "title": "Held"}
    created = staff_web.post("/api/v1/sessions", json=body).json()
    host = {"X-Edit-Token": created["edit_url"].split("token=")[1]}
    page = f"/staff/sessions/{created['id']}"
    assert form_post(staff_web, page, page, {"action": "lock"}).status_code == 303  # type: ignore[attr-defined]
    assert "Let the host edit it again" in staff_web.get(page).text
    refused = staff_web.patch(f"/api/v1/sessions/{created['id']}", json={"title": "Mine"},
                              headers=host)  # fmt: skip
    assert refused.status_code == 409
    assert form_post(staff_web, page, page, {"action": "unlock"}).status_code == 303  # type: ignore[attr-defined]
    allowed = staff_web.patch(f"/api/v1/sessions/{created['id']}", json={"title": "Mine"},
                              headers=host)  # fmt: skip
    assert allowed.status_code == 200
    newest_first = [e.action for e in _entries(staff_web)][:3]
    assert newest_first == ["session.edit", "session.unlock", "session.lock"]
