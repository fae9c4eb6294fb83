"""A room's snapshot, built from the database: what its door needs for the whole event.

:func:`build_room_snapshot` is a read-only query plus pure assembly. Each slot of the event
becomes one :class:`~shared.wire.DoorSlot`, decided in this order: a scheduled session
(``session``), a block by another event (``blocked``), a session moved away from here
(``moved``, only while that session is scheduled at its new place; ``cancelled``, with
``add_url``, if it was cancelled later; several notices on one slot: the newest living one, else
the newest), a session cancelled here
(``cancelled``, with ``add_url`` since the slot is free again), else ``open`` with ``add_url``.

The door gets only what it draws: a session card carries title, host, handle, full flag and
page URL (no description); a moved or cancelled card only its title; at most
:data:`ROOM_ANNOUNCEMENTS` announcements (the newest). Every text is passed through
:func:`shared.text.clip` to the wire's limits, so rows stored before today's input rules cannot
make a snapshot invalid or large. :mod:`hub.mqtt.snapshot_budget` bounds the whole payload.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from sqlalchemy.orm import Session as DbSession

from hub import repo
from hub.storage.models import SCHEDULED, Announcement, Event, MovedNotice, Room, Session, Slot
from shared import wire
from shared.text import clip

#: Announcements a room's snapshot carries at most (the newest): more would not fit the banner.
ROOM_ANNOUNCEMENTS = 10


@dataclass(frozen=True)
class Links:
    """The public URLs a door points at, under the hub's ``public_url``."""

    base_url: str

    def session(self, session_id: int) -> str:
        return f"{self.base_url}/sessions/{session_id}"

    def add_card(self, room_id: str, slot_id: int) -> str:
        return f"{self.base_url}/add?{urlencode({'room': room_id, 'slot': slot_id})}"

    def board(self) -> str:
        return f"{self.base_url}/"

    def room_page(self, room_id: str) -> str:
        return f"{self.base_url}/rooms/{room_id}"


def event_info(event: Event) -> wire.EventInfo:
    hashtag = _text(event.hashtag) if event.hashtag is not None else None
    return wire.EventInfo(name=_text(event.name), timezone=event.timezone, hashtag=hashtag)


def announcement_infos(announcements: list[Announcement], most: int) -> list[wire.Announcement]:
    """The newest ``most`` announcements with any text left after normalising, oldest first."""
    found = [
        wire.Announcement(id=a.id, text=text, room_id=a.room_id, expires_at=a.expires_at)
        for a in announcements
        if (text := clip(a.text, wire.ANNOUNCEMENT_CHARS))
    ]
    return found[-most:]


def _text(value: str) -> str:
    return clip(value, wire.TEXT_CHARS)


def build_room_snapshot(
    db: DbSession, room_id: str, links: Links, at: datetime, version: int = 1
) -> wire.RoomSnapshot:
    """The snapshot of ``room_id`` as of ``at``, with ``hash`` set (version as given)."""
    event, room = repo.get_event(db), repo.get_room(db, room_id)
    slots = _RoomSlots(db, room, links)
    location = _text(room.location) if room.location is not None else None
    announcements = repo.active_announcements(db, at, room_id=room.id)
    snapshot = wire.RoomSnapshot(
        epoch=event.epoch,
        version=version,
        published_at=at,
        event=event_info(event),
        room=wire.RoomInfo(id=room.id, name=_text(room.name), location=location),
        slots=[slots.door_slot(slot) for slot in repo.list_slots(db)],
        announcements=announcement_infos(announcements, ROOM_ANNOUNCEMENTS),
        links=wire.Links(board=links.board(), room_page=links.room_page(room.id)),
    )
    return wire.with_hash(snapshot)


def build_site_info(db: DbSession, at: datetime) -> wire.SiteInfo:
    """The ``site`` payload: the event and its site-wide announcements."""
    return wire.SiteInfo(
        event=event_info(repo.get_event(db)),
        announcements=announcement_infos(repo.active_announcements(db, at), wire.MAX_ANNOUNCEMENTS),
        published_at=at,
    )


class _RoomSlots:
    """One room's sessions, blocks and notices, indexed by slot id."""

    def __init__(self, db: DbSession, room: Room, links: Links) -> None:
        self._db, self._room, self._links = db, room, links
        self._scheduled: dict[int, Session] = {}
        self._cancelled: dict[int, Session] = {}
        for session in repo.list_sessions(db, room.id):
            target = self._scheduled if session.status == SCHEDULED else self._cancelled
            target[session.slot_id] = session
        self._blocks = {b.slot_id: b.label for b in repo.list_blocks(db, room.id)}
        self._notices: dict[int, MovedNotice] = {}
        for notice in repo.moved_notices(db, room.id):  # oldest first: the newest wins, but
            kept = self._notices.get(notice.slot_id)  # a living move beats a later cancel
            if kept is None or notice.session.status == SCHEDULED or not _living(kept):
                self._notices[notice.slot_id] = notice

    def door_slot(self, slot: Slot) -> wire.DoorSlot:
        add_url = self._links.add_card(self._room.id, slot.id)
        if (session := self._scheduled.get(slot.id)) is not None:
            return _door(slot, "session", self._card(session))
        if (label := self._blocks.get(slot.id)) is not None:
            return _door(slot, "blocked", label=_text(label))
        if (notice := self._notices.get(slot.id)) is not None:
            moved = notice.session
            if moved.status != SCHEDULED:
                return _door(slot, "cancelled", _title_card(moved), add_url=add_url)
            where = self._where(moved, slot)
            return _door(slot, "moved", _title_card(moved), moved_to=where)
        if (session := self._cancelled.get(slot.id)) is not None:
            return _door(slot, "cancelled", _title_card(session), add_url=add_url)
        return _door(slot, "open", add_url=add_url)

    def _where(self, moved: Session, slot: Slot) -> str:
        if moved.slot_id == slot.id:
            return _text(moved.room.name)
        return _text(f"{moved.room.name}, {repo.describe_slot(self._db, moved.slot)}")

    def _card(self, session: Session) -> wire.SessionCard:
        return wire.SessionCard(
            id=session.id, title=_text(session.title), host_name=_text(session.host_name),
            host_handle=_text(session.host_handle), full=session.full,
            url=self._links.session(session.id),
        )  # fmt: skip


def _living(notice: MovedNotice) -> bool:
    """Whether the session a notice speaks of still exists, scheduled, at its new place."""
    return notice.session.status == SCHEDULED


def _title_card(session: Session) -> wire.SessionCard:
    """A moved or cancelled session: its door names only the title."""
    return wire.SessionCard(id=session.id, title=_text(session.title))


def _door(
    slot: Slot,
    kind: wire.SlotKind,
    session: wire.SessionCard | None = None,
    *,
    label: str | None = None,
    moved_to: str | None = None,
    add_url: str | None = None,
) -> wire.DoorSlot:
    return wire.DoorSlot(
        slot_id=slot.id, start=slot.start, end=slot.end, kind=kind, session=session,
        label=label, moved_to=moved_to, add_url=add_url,
    )  # fmt: skip
