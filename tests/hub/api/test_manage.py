"""The staff API for rooms, days, slots, blocks, announcements, ideas and the audit log."""

from __future__ import annotations

from tests.hub.conftest import Seeded, TestClient, staff


def test_writes_need_a_staff_token(client: TestClient) -> None:
    for method, url, body in (
        ("POST", "/api/v1/rooms", {"id": "c", "name": "C"}),
        ("POST", "/api/v1/days", {"date": "2027-05-16", "first_hour": 9, "last_hour": 10}),
        ("POST", "/api/v1/announcements", {"text": "hi"}),
        ("GET", "/api/v1/audit", None),
    ):
        assert client.request(method, url, json=body).status_code == 401, url


def test_rooms(client: TestClient, seeded: Seeded) -> None:
    made = client.post("/api/v1/rooms", json={"id": "room-c", "name": "Room C", "capacity": 9},
                       headers=staff(seeded))  # fmt: skip
    assert made.status_code == 201
    edited = client.patch("/api/v1/rooms/room-c", json={"location": "Annex", "capacity": None},
                          headers=staff(seeded))  # fmt: skip
    assert edited.json() == {"id": "room-c", "name": "Room C", "capacity": None,
                             "location": "Annex", "position": 2}  # fmt: skip
    clash = client.post("/api/v1/rooms", json={"id": "room-c", "name": "X"}, headers=staff(seeded))
    assert clash.status_code == 409
    assert client.delete("/api/v1/rooms/room-c", headers=staff(seeded)).status_code == 204
    body = {"room_id": "room-a", "slot_id": seeded.slot_ids[5], "title": "T"}
    client.post("/api/v1/sessions", json=body, headers=staff(seeded))
    busy = client.delete("/api/v1/rooms/room-a", headers=staff(seeded))
    assert busy.status_code == 409
    assert "has sessions" in busy.json()["detail"]


def test_days_slots_and_blocks(client: TestClient, seeded: Seeded) -> None:
    day = {"date": "2027-05-16", "first_hour": 10, "last_hour": 12}
    slots = client.post("/api/v1/days", json=day, headers=staff(seeded))
    assert slots.status_code == 201
    assert [s["start"] for s in slots.json()] == ["2027-05-16T14:00:00Z", "2027-05-16T15:00:00Z"]
    again = client.post("/api/v1/days", json=day, headers=staff(seeded))
    assert again.status_code == 409
    single = client.post("/api/v1/slots", json={"start": "2027-05-16T12:00:00-04:00"},
                         headers=staff(seeded))  # fmt: skip
    assert single.status_code == 201
    block = {"room_id": "room-a", "slot_id": single.json()["id"], "label": "Lightning talks"}
    made = client.post("/api/v1/blocks", json=block, headers=staff(seeded))
    assert made.status_code == 201
    assert made.json()["label"] == "Lightning talks"
    assert (
        client.delete(f"/api/v1/blocks/{made.json()['id']}", headers=staff(seeded)).status_code
        == 204
    )
    assert (
        client.delete(f"/api/v1/slots/{single.json()['id']}", headers=staff(seeded)).status_code
        == 204
    )
    reversed_ = {"date": "2027-05-17", "first_hour": 12, "last_hour": 10}
    assert client.post("/api/v1/days", json=reversed_, headers=staff(seeded)).status_code == 422


def test_announcements_and_the_audit_log(client: TestClient, seeded: Seeded) -> None:
    made = client.post("/api/v1/announcements", json={"text": "Lunch", "room_id": "room-a"},
                       headers=staff(seeded))  # fmt: skip
    assert made.status_code == 201
    assert [a["text"] for a in client.get("/api/v1/announcements").json()] == ["Lunch"]
    past = {"text": "Old", "expires_at": "2020-01-01T00:00:00Z"}
    assert client.post("/api/v1/announcements", json=past, headers=staff(seeded)).status_code == 422
    unknown = {"text": "Hi", "room_id": "nowhere"}
    assert (
        client.post("/api/v1/announcements", json=unknown, headers=staff(seeded)).status_code == 404
    )
    gone = client.delete(f"/api/v1/announcements/{made.json()['id']}", headers=staff(seeded))
    assert gone.status_code == 204
    log = client.get("/api/v1/audit", headers=staff(seeded)).json()
    assert [e["action"] for e in log] == ["announcement.remove", "announcement.add"]
    assert log[0]["actor"] == "API token tests"
    assert log[0]["before"]["text"] == "Lunch"
    assert log[0]["after"] is None


def test_ideas_api(client: TestClient, seeded: Seeded) -> None:
    idea = client.post("/api/v1/ideas", json={"title": "Type hints", "proposer": "Ed"})
    assert idea.status_code == 201
    host = {"room_id": "room-a", "slot_id": seeded.slot_ids[6], "host_name": "Flo"}
    card = client.post(f"/api/v1/ideas/{idea.json()['id']}/host", json=host)
    assert card.status_code == 201
    assert card.json()["title"] == "Type hints"
    assert card.json()["edit_url"].startswith("http://hub.test/sessions/")
    assert client.get("/api/v1/ideas").json()[0]["session_id"] == card.json()["id"]
    host["slot_id"] = seeded.slot_ids[7]
    assert client.post(f"/api/v1/ideas/{idea.json()['id']}/host", json=host).status_code == 409
    assert client.post("/api/v1/ideas/999/host", json=host).status_code == 404
    assert client.delete(f"/api/v1/ideas/{idea.json()['id']}").status_code == 401
