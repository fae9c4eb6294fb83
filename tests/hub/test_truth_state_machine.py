"""Every statement true: random sequences of what attendees, hosts, staff, door buttons and the
clock do, through the hub's own paths (the HTTP API, the worker's button path), and after every
step every door, board cell and room-state feed entry compared with an oracle.

The oracle (:class:`Oracle`) is written here, from the rule in docs/board.md, reading the
database's tables directly; it shares no code with the snapshot builder, the board model or the
feed. Doors are checked the way a node sees them: the stored snapshot, through
:func:`shared.render.door.door_view`, at several instants from now on.
"""

from __future__ import annotations

import os
import queue
import tempfile
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

from hub import repo
from hub.access.tokens import create_staff_token
from hub.app import create_app
from hub.mqtt.link import Incoming, MqttLink
from hub.mqtt.worker import HubWorker
from hub.runtime import Hub
from hub.settings import BrokerSettings, HubSettings
from hub.storage.db import open_database
from hub.storage.models import Announcement, BlockedSlot, MovedNotice, Room, Session, Slot
from hub.web.board_view import day_grid, load_board
from shared import wire
from shared.clock import FakeClock
from shared.render.door import NodeContext, door_view

DAYS = (date(2027, 5, 15), date(2027, 5, 16))
FIRST_HOUR, LAST_HOUR = 9, 13
START = datetime(2027, 5, 15, 8, 40, tzinfo=UTC)
DOOR = "door-a"
BASE = "http://hub.test"
#: Random sequences per run (each of up to 25 steps, every surface checked after each step).
EXAMPLES = int(os.environ.get("TRUTH_EXAMPLES", "20"))


@dataclass(frozen=True)
class Said:
    """What one surface says about one room+slot: the statement the rule is about."""

    kind: str  # session, blocked, moved, cancelled, open
    session_id: int | None = None
    label: str | None = None
    moved_to: str | None = None
    full: bool = False
    add: bool = False


class Oracle:
    """The rule, straight from the tables (docs/board.md, "Every statement true")."""

    def __init__(self, db: DbSession, now: datetime) -> None:
        self.now = now
        self.rooms = {r.id: r.name for r in db.scalars(select(Room))}
        self.slots = {s.id: s for s in db.scalars(select(Slot).order_by(Slot.start))}
        self.sessions = list(db.scalars(select(Session)))
        self.blocks = {(b.room_id, b.slot_id): b.label for b in db.scalars(select(BlockedSlot))}
        self.notices = list(db.scalars(select(MovedNotice).order_by(MovedNotice.id)))
        self.announcements = list(db.scalars(select(Announcement).order_by(Announcement.id)))

    def on_now(self, slot_id: int) -> bool:
        slot = self.slots[slot_id]
        return slot.start <= self.now < slot.end

    def says(self, room_id: str, slot_id: int) -> Said:
        """What every surface must say about ``room_id`` at ``slot_id``."""
        here = [s for s in self.sessions if (s.room_id, s.slot_id) == (room_id, slot_id)]
        scheduled = [s for s in here if s.status == "scheduled"]
        if scheduled:
            card = scheduled[0]
            return Said("session", card.id, full=card.full and self.on_now(slot_id))
        if (room_id, slot_id) in self.blocks:
            return Said("blocked", label=self.blocks[(room_id, slot_id)])
        notices = [n for n in self.notices if (n.room_id, n.slot_id) == (room_id, slot_id)]
        by_id = {s.id: s for s in self.sessions}
        living = [by_id[n.session_id] for n in notices if by_id[n.session_id].status == "scheduled"]
        if living:
            moved = living[-1]
            where = self.rooms[moved.room_id]
            if moved.slot_id != slot_id:
                where += ", "
            return Said("moved", moved.id, moved_to=where)
        if notices:
            return Said("cancelled", notices[-1].session_id, add=True)
        if here:
            return Said("cancelled", max(s.id for s in here), add=True)
        return Said("open", add=True)

    def banner(self, room_id: str, at: datetime) -> str:
        texts = [
            a.text for a in self.announcements
            if a.room_id in (None, room_id) and (a.expires_at is None or at < a.expires_at)
        ]  # fmt: skip
        return " · ".join(texts)

    def full_now(self, room_id: str) -> bool:
        on = [sid for sid in self.slots if self.on_now(sid)]
        return any(self.says(room_id, sid).full for sid in on)


def said_by_door(slot: wire.DoorSlot, view_full: bool, view_qr: str | None) -> Said:
    card = slot.session
    moved_to = slot.moved_to
    if moved_to is not None and "," in moved_to:
        moved_to = moved_to.split(",")[0] + ", "
    return Said(
        slot.kind, card.id if card is not None else None, slot.label, moved_to, view_full,
        view_qr is not None and view_qr == slot.add_url,
    )  # fmt: skip


class Truth(RuleBasedStateMachine):
    """One hub on a SQLite file, a fake clock, one door node on room-a."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory()
        url = f"sqlite:///{Path(self.folder.name) / 'hub.db'}"
        self.clock = FakeClock(START)
        self.staff = {"Authorization": f"Bearer {self.seed(url)}"}
        hub_settings = HubSettings(
            database_url=url, public_url=BASE, add_card_burst=10_000, add_card_per_hour=1e6
        )
        self.client = TestClient(create_app(hub_settings, clock=self.clock))
        self.client.__enter__()
        self.hub: Hub = self.client.app.state.hub  # type: ignore[attr-defined]
        self.worker = self.make_worker()
        self.tokens: dict[int, str] = {}
        self.extra_rooms: list[str] = []
        self.log: list[str] = []

    def seed(self, url: str) -> str:
        database = open_database(url)
        try:
            with database.transaction() as db:
                repo.create_event(db, "Truth", "UTC")
                for day in DAYS:
                    repo.add_day(db, day, FIRST_HOUR, LAST_HOUR)
                repo.add_room(db, "room-a", "Room A")
                repo.add_room(db, "room-b", "Room B")
                repo.assign_node(db, DOOR, "room-a")
                return create_staff_token(db, "truth")
        finally:
            database.dispose()

    def make_worker(self) -> HubWorker:
        """The hub's worker, fed by hand (its link never connects: presses need no broker)."""
        inbox: queue.Queue[Any] = queue.Queue()
        link = MqttLink(BrokerSettings(host="127.0.0.1", port=1), self.hub.topics, self.clock,
                        inbox, heartbeat_s=30)  # fmt: skip
        return HubWorker(inbox, link, self.hub.publisher, self.hub.database, self.hub.topics,
                         self.clock, 30)  # fmt: skip

    def teardown(self) -> None:
        self.client.__exit__(None, None, None)
        self.folder.cleanup()

    # --- reading the hub ---

    def ids(self, status: str | None = None) -> list[int]:
        with self.hub.database.reading() as db:
            return sorted(s.id for s in db.scalars(select(Session))
                          if status is None or s.status == status)  # fmt: skip

    def room_ids(self) -> list[str]:
        with self.hub.database.reading() as db:
            return sorted(db.scalars(select(Room.id)))

    def slot_ids(self) -> list[int]:
        with self.hub.database.reading() as db:
            return list(db.scalars(select(Slot.id).order_by(Slot.start)))

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        answer = self.client.request(method, path, **kwargs)
        assert answer.status_code < 500, (method, path, answer.text)
        self.log.append(f"{method} {path} {kwargs.get('json', '')} -> {answer.status_code}")
        return answer

    def story(self) -> str:
        """The steps so far, one a line, for the failure message."""
        return "\n" + "\n".join(self.log)

    # --- what people do ---

    @rule(data=st.data(), title=st.sampled_from(["Rust", "Async", "Packaging"]))
    def public_add(self, data: st.DataObject, title: str) -> None:
        room, slot = data.draw(st.sampled_from(self.room_ids())), data.draw(
            st.sampled_from(self.slot_ids()))  # fmt: skip
        body = {"room_id": room, "slot_id": slot, "title": title}
        answer = self.call("POST", "/api/v1/sessions", json=body)
        if answer.status_code == 201:
            self.tokens[answer.json()["id"]] = answer.json()["edit_url"].split("token=")[1]

    @rule(data=st.data())
    def staff_add(self, data: st.DataObject) -> None:
        room, slot = data.draw(st.sampled_from(self.room_ids())), data.draw(
            st.sampled_from(self.slot_ids()))  # fmt: skip
        body = {"room_id": room, "slot_id": slot, "title": "Staff pick"}
        self.call("POST", "/api/v1/sessions", json=body, headers=self.staff)

    def who(self, data: st.DataObject, session_id: int) -> dict[str, str]:
        token = self.tokens.get(session_id)
        if token is not None and data.draw(st.booleans(), label="as host"):
            return {"X-Edit-Token": token}
        return self.staff

    @precondition(lambda self: bool(self.ids()))
    @rule(data=st.data())
    def move(self, data: st.DataObject) -> None:
        session_id = data.draw(st.sampled_from(self.ids()))
        body: dict[str, Any] = {"room_id": data.draw(st.sampled_from(self.room_ids()))}
        if data.draw(st.booleans(), label="new slot"):
            body["slot_id"] = data.draw(st.sampled_from(self.slot_ids()))
        self.call("PATCH", f"/api/v1/sessions/{session_id}", json=body,
                  headers=self.who(data, session_id))  # fmt: skip

    @precondition(lambda self: bool(self.ids()))
    @rule(data=st.data(), status=st.sampled_from(["cancelled", "scheduled"]))
    def withdraw_or_restore(self, data: st.DataObject, status: str) -> None:
        session_id = data.draw(st.sampled_from(self.ids()))
        self.call("PATCH", f"/api/v1/sessions/{session_id}", json={"status": status},
                  headers=self.who(data, session_id))  # fmt: skip

    @precondition(lambda self: bool(self.ids()))
    @rule(data=st.data())
    def edit(self, data: st.DataObject) -> None:
        session_id = data.draw(st.sampled_from(self.ids()))
        self.call("PATCH", f"/api/v1/sessions/{session_id}", json={"title": "Edited"},
                  headers=self.who(data, session_id))  # fmt: skip

    @precondition(lambda self: bool(self.ids()))
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        session_id = data.draw(st.sampled_from(self.ids()))
        self.call("DELETE", f"/api/v1/sessions/{session_id}", headers=self.who(data, session_id))

    @precondition(lambda self: bool(self.ids("scheduled")))
    @rule(data=st.data(), full=st.booleans())
    def mark_full(self, data: st.DataObject, full: bool) -> None:
        session_id = data.draw(st.sampled_from(self.ids("scheduled")))
        answer = self.call("PUT", f"/api/v1/sessions/{session_id}/full", json={"full": full},
                           headers=self.who(data, session_id))  # fmt: skip
        if full and answer.status_code == 409:
            assert "not on now" in answer.json()["detail"]

    @rule(full=st.booleans())
    def press(self, full: bool) -> None:
        """The host presses room-a's door button (the door names no session: the hub decides)."""
        event = wire.ButtonEvent(event_id=uuid.uuid4().hex, node_id=DOOR, room_id="room-a",
                                 full=full, pressed_at=self.clock.now())  # fmt: skip
        self.worker.handle(Incoming(self.hub.topics.node_events(DOOR), wire.encode(event)))
        self.log.append(f"press full={full}")

    @rule(data=st.data(), label=st.sampled_from(["Keynote", "Sponsor lunch"]))
    def block(self, data: st.DataObject, label: str) -> None:
        room, slot = data.draw(st.sampled_from(self.room_ids())), data.draw(
            st.sampled_from(self.slot_ids()))  # fmt: skip
        body = {"room_id": room, "slot_id": slot, "label": label}
        self.call("POST", "/api/v1/blocks", json=body, headers=self.staff)

    @rule(data=st.data())
    def unblock(self, data: st.DataObject) -> None:
        blocks = self.call("GET", "/api/v1/blocks").json()
        if blocks:
            block = data.draw(st.sampled_from([b["id"] for b in blocks]))
            self.call("DELETE", f"/api/v1/blocks/{block}", headers=self.staff)

    def announcements(self) -> int:
        with self.hub.database.reading() as db:
            return len(list(db.scalars(select(Announcement.id))))

    @precondition(lambda self: self.announcements() < 6)  # the doors carry the newest ten
    @rule(data=st.data(), minutes=st.sampled_from([None, 10, 45, 90]))
    def announce(self, data: st.DataObject, minutes: int | None) -> None:
        room = data.draw(st.sampled_from([None, *self.room_ids()]))
        expires = None if minutes is None else self.clock.now() + timedelta(minutes=minutes)
        body = {"text": f"Notice {len(self.log)}", "room_id": room,
                "expires_at": expires.isoformat() if expires else None}  # fmt: skip
        self.call("POST", "/api/v1/announcements", json=body, headers=self.staff)

    @rule(data=st.data())
    def remove_announcement(self, data: st.DataObject) -> None:
        found = self.call("GET", "/api/v1/announcements", headers=self.staff).json()
        if found:
            which = data.draw(st.sampled_from([a["id"] for a in found]))
            self.call("DELETE", f"/api/v1/announcements/{which}", headers=self.staff)

    @rule()
    def add_room(self) -> None:
        room_id = f"room-{len(self.extra_rooms) + 3}"
        body = {"id": room_id, "name": f"Room {len(self.extra_rooms) + 3}"}
        if self.call("POST", "/api/v1/rooms", json=body, headers=self.staff).status_code == 201:
            self.extra_rooms.append(room_id)

    @precondition(lambda self: bool(self.extra_rooms))
    @rule(data=st.data())
    def remove_room(self, data: st.DataObject) -> None:
        room = data.draw(st.sampled_from(self.extra_rooms))
        if self.call("DELETE", f"/api/v1/rooms/{room}", headers=self.staff).status_code < 300:
            self.extra_rooms.remove(room)

    @rule(step=st.sampled_from(["boundary", "minutes", "day"]))
    def time_passes(self, step: str) -> None:
        now = self.clock.now()
        if step == "minutes":
            self.clock.advance(timedelta(minutes=25))
        elif step == "day":
            self.clock.advance(timedelta(days=1))
        else:
            with self.hub.database.reading() as db:
                moments = [t for s in db.scalars(select(Slot)) for t in (s.start, s.end) if t > now]
            self.clock.advance((min(moments) - now) if moments else timedelta(hours=1))
        self.log.append(f"clock -> {self.clock.now():%a %H:%M}")

    # --- the checks ---

    def instants(self) -> Iterator[datetime]:
        """Now, and the middle of every slot still to come."""
        now = self.clock.now()
        yield now
        with self.hub.database.reading() as db:
            for slot in db.scalars(select(Slot).order_by(Slot.start)):
                if slot.start > now:
                    yield slot.start + (slot.end - slot.start) / 2

    @invariant()
    def doors_say_only_true_things(self) -> None:
        now = self.clock.now()
        with self.hub.database.reading() as db:
            oracle = Oracle(db, now)
            stored = {r: repo.stored_snapshot(db, r) for r in oracle.rooms}
        for room_id, row in stored.items():
            assert row is not None, room_id
            snapshot = wire.RoomSnapshot.model_validate_json(row.payload)
            by_slot = {door.slot_id: door for door in snapshot.slots}
            for at in self.instants():
                view = door_view(snapshot, at, NodeContext())
                assert view.banner == oracle.banner(room_id, at), (room_id, at, self.story())
                covering = [sid for sid, s in oracle.slots.items() if s.start <= at < s.end]
                for slot_id in covering:
                    seen = said_by_door(by_slot[slot_id], view.full, view.qr_url)
                    want = oracle.says(room_id, slot_id)
                    assert seen == want, (room_id, at, seen, want, self.story())

    @invariant()
    def board_cells_say_only_true_things(self) -> None:
        now = self.clock.now()
        with self.hub.database.reading() as db:
            oracle = Oracle(db, now)
            board = load_board(db, self.hub.links, now)
        for day in DAYS:
            for row in day_grid(board, now, day).rows:
                for cell in row.cells:
                    want = oracle.says(cell.room.id, cell.slot_id)
                    moved_to = cell.moved_to
                    if moved_to is not None and "," in moved_to:
                        moved_to = moved_to.split(",")[0] + ", "
                    seen = Said(cell.kind, cell.session.id if cell.session else None, cell.label,
                                moved_to, cell.full, cell.add_href is not None)  # fmt: skip
                    want_add = want.add and not row.is_past
                    assert seen == Said(
                        want.kind, want.session_id, want.label, want.moved_to, want.full, want_add
                    ), (cell.room.id, row.start, self.story())

    @invariant()
    def the_room_state_feed_is_true(self) -> None:
        with self.hub.database.reading() as db:
            oracle = Oracle(db, self.clock.now())
        feed = self.client.get("/roomstatus/v1/listrooms").json()
        states = {entry["roomname"]: entry["state"] for entry in feed}
        want = {name: "1" if oracle.full_now(rid) else "0" for rid, name in oracle.rooms.items()}
        assert states == want, self.story()


@pytest.mark.timeout(900)
def test_every_statement_is_true() -> None:
    run_state_machine_as_test(Truth, settings=settings(
        max_examples=EXAMPLES, stateful_step_count=25, deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    ))  # fmt: skip
