"""Staff: the audit log (``/staff/audit``), in words, newest first, a page at a time.

Filters (query parameters, all optional, combined): ``kind`` (sessions, rooms, blocked slots…:
:data:`hub.audit_words.KINDS`), ``room`` (a room id), ``actor`` (as logged, "staff alice") and
``day`` (the date the change was made, in the event's time zone).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session as DbSession
from starlette.responses import Response

from hub import audit, repo
from hub.audit_words import KINDS, Names, describe
from hub.web.pages import PageRoute, hub_of, render
from hub.web.security import StaffViewer

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PAGE_SIZE = 100
Text = Annotated[str | None, Query(max_length=200)]


@router.get("/staff/audit")
def audit_page(
    request: Request,
    viewer: StaffViewer,
    before: Annotated[int | None, Query(ge=1)] = None,
    kind: Text = None,
    room: Text = None,
    actor: Text = None,
    day: Annotated[date | None, Query()] = None,
) -> Response:
    """Every change, newest first: when, who, what happened in a sentence, before → after."""
    hub = hub_of(request)
    with hub.database.reading() as db:
        event = repo.find_event(db)
        zone = repo.zone_of(event.timezone) if event else ZoneInfo("UTC")
        where = _filter(kind, room, actor, day, zone)
        entries = audit.list_entries(db, limit=PAGE_SIZE, before_id=before, where=where)
        names = _names(db, zone)
        rows = [(e, e.at.astimezone(zone), describe(e.action, e.before, e.after, names),
                 audit.changed_fields(e)) for e in entries]  # fmt: skip
        actors = audit.list_actors(db)
    chosen = {"kind": kind or "", "room": room or "", "actor": actor or "",
              "day": day.isoformat() if day else ""}  # fmt: skip
    older = entries[-1].id if len(entries) == PAGE_SIZE else None
    return render(request, "staff/audit.html", {
        "title": "Audit log", "rows": rows, "kinds": KINDS, "rooms": names.rooms,
        "actors": actors, "chosen": chosen, "filtered": any(chosen.values()),
        "older": urlencode({**chosen, "before": older}) if older else None,
    })  # fmt: skip


def _filter(
    kind: str | None, room: str | None, actor: str | None, day: date | None, zone: ZoneInfo
) -> audit.AuditFilter:
    since = datetime.combine(day, time(), zone) if day else None
    until = datetime.combine(day + timedelta(days=1), time(), zone) if day else None
    return audit.AuditFilter(kind=kind if kind in KINDS else None, room_id=room or None,
                             actor=actor or None, since=since, until=until)  # fmt: skip


def _names(db: DbSession, zone: ZoneInfo) -> Names:
    rooms = {room.id: room.name for room in repo.list_rooms(db)}
    slots: dict[int, Any] = {s.id: s.start.astimezone(zone).strftime("%a %H:%M")
                             for s in repo.list_slots(db)}  # fmt: skip
    return Names(rooms, slots)
