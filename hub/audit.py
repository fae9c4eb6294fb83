"""The audit log: every change to the board, with who made it, when, and before and after.

Callers record inside the same transaction as the change (``record(db, ...)`` before the
``with`` block ends), so a change and its entry are committed together or not at all. ``before``
and ``after`` are the target's state as a small dict (see the ``*_state`` helpers), ``None``
when the target did not exist before (a creation) or after (a removal).

Example::

    with database.transaction() as db:
        before = session_state(repo.get_session(db, 7))
        after = session_state(repo.set_full(db, 7, True, now))
        record(db, Actor.node("door-1"), "session.full", "session 7", before, after, clock.now())
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session as DbSession

from hub.storage.models import Announcement, AuditEntry, BlockedSlot, Idea, Room, Session, Slot

ActorKind = Literal["staff", "token", "host", "public", "node"]
State = Mapping[str, Any]


@dataclass(frozen=True)
class Actor:
    """Who made a change: a logged-in staff member, an API token, a host with an edit link,
    an anonymous visitor, or a door node (its button)."""

    kind: ActorKind
    name: str = ""

    @classmethod
    def staff(cls, username: str) -> Actor:
        return cls("staff", username)

    @classmethod
    def token(cls, name: str) -> Actor:
        return cls("token", name)

    @classmethod
    def node(cls, node_id: str) -> Actor:
        return cls("node", node_id)

    @property
    def is_staff(self) -> bool:
        return self.kind in ("staff", "token")

    @property
    def label(self) -> str:
        """How the log shows the actor: ``"staff alice"``, ``"host (edit link)"``."""
        labels = {
            "staff": f"staff {self.name}", "token": f"API token {self.name}",
            "host": "host (edit link)", "public": "public", "node": f"door node {self.name}",
        }  # fmt: skip
        return labels[self.kind]


PUBLIC = Actor("public")
HOST = Actor("host")


def record(
    db: DbSession,
    actor: Actor,
    action: str,
    target: str,
    before: State | None,
    after: State | None,
    at: datetime,
) -> AuditEntry:
    """Add one entry for ``action`` (e.g. ``"session.move"``) on ``target`` (``"session 7"``)."""
    entry = AuditEntry(
        at=at, actor=actor.label, action=action, target=target,
        before=_dump(before), after=_dump(after),
    )  # fmt: skip
    db.add(entry)
    db.flush()
    return entry


@dataclass(frozen=True)
class AuditFilter:
    """Which entries to list: of one kind of change (``"session"`` for every ``session.*``),
    touching one room, by one actor (as logged: ``"staff alice"``), made within
    ``[since, until)``. ``None`` lets everything through."""

    kind: str | None = None
    room_id: str | None = None
    actor: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def list_entries(
    db: DbSession,
    *,
    limit: int = 200,
    before_id: int | None = None,
    where: AuditFilter | None = None,
) -> list[AuditEntry]:
    """The newest ``limit`` entries (older than ``before_id`` when given) that pass ``where``,
    newest first."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return list(db.scalars(_filtered(query, where or AuditFilter())))


def list_actors(db: DbSession) -> list[str]:
    """Everyone who has changed something, in alphabetical order."""
    return list(db.scalars(select(AuditEntry.actor).distinct().order_by(AuditEntry.actor)))


def _filtered(query: Select[AuditEntry], where: AuditFilter) -> Select[AuditEntry]:
    if where.kind:
        query = query.where(AuditEntry.action.startswith(f"{where.kind}.", autoescape=True))
    if where.actor:
        query = query.where(AuditEntry.actor == where.actor)
    if where.since is not None:
        query = query.where(AuditEntry.at >= where.since)
    if where.until is not None:
        query = query.where(AuditEntry.at < where.until)
    if where.room_id:
        held = _dump({"room_id": where.room_id})
        assert held is not None
        needle = held.strip("{}")
        query = query.where(or_(
            AuditEntry.target == f"room {where.room_id}",
            AuditEntry.before.contains(needle, autoescape=True),
            AuditEntry.after.contains(needle, autoescape=True),
        ))  # fmt: skip
    return query


def changed_fields(entry: AuditEntry) -> list[tuple[str, Any, Any]]:
    """``(field, before, after)`` for each field that differs between the entry's states."""
    before = json.loads(entry.before) if entry.before else {}
    after = json.loads(entry.after) if entry.after else {}
    keys = list(dict.fromkeys([*before, *after]))
    return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


def _dump(state: State | None) -> str | None:
    if state is None:
        return None
    return json.dumps(dict(state), default=str, ensure_ascii=False, sort_keys=True)


def session_state(session: Session) -> dict[str, Any]:
    return {
        "title": session.title, "description": session.description,
        "host_name": session.host_name, "host_handle": session.host_handle,
        "room_id": session.room_id, "slot_id": session.slot_id, "full": session.full,
        "status": session.status, "moderated": session.moderated,
    }  # fmt: skip


def room_state(room: Room) -> dict[str, Any]:
    return {
        "id": room.id, "name": room.name, "capacity": room.capacity, "location": room.location,
        "position": room.position,
    }  # fmt: skip


def slot_state(slot: Slot) -> dict[str, Any]:
    return {"id": slot.id, "start": slot.start.isoformat(), "end": slot.end.isoformat()}


def block_state(block: BlockedSlot) -> dict[str, Any]:
    state: dict[str, Any] = {
        "room_id": block.room_id,
        "slot_id": block.slot_id,
        "label": block.label,
    }
    if block.source is not None:
        state |= {"source": block.source, "source_ref": block.source_ref}
    return state


def announcement_state(announcement: Announcement) -> dict[str, Any]:
    expires = announcement.expires_at.isoformat() if announcement.expires_at else None
    return {"text": announcement.text, "room_id": announcement.room_id, "expires_at": expires}


def idea_state(idea: Idea) -> dict[str, Any]:
    return {
        "title": idea.title, "description": idea.description, "proposer": idea.proposer,
        "session_id": idea.session_id,
    }  # fmt: skip
