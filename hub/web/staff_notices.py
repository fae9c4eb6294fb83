"""Staff: blocked slots (``/staff/blocks``) and announcements (``/staff/announcements``).

An announcement is site-wide or for one room, and ends at an optional local date and time; it
reaches the doors at once (every affected room and ``site`` are republished). The page names
the doors too small to show it (pHATs draw a marker instead).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, tzinfo
from typing import Any

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session as DbSession
from starlette.responses import RedirectResponse, Response

from hub import repo
from hub.api.board_schemas import AnnouncementText, Label
from hub.audit import Actor
from hub.changes import layout as changes
from hub.errors import HubError, InvalidError
from hub.fleet import parse_status
from hub.repo import layout
from hub.web.forms import parse_place
from hub.web.pages import PageRoute, form_errors, hub_of, render, status_of
from hub.web.security import FormDep, StaffViewer, Viewer
from shared.render.panels import PANELS

router = APIRouter(route_class=PageRoute, include_in_schema=False)


class BlockForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    label: Label


class AnnouncementForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    text: AnnouncementText
    room_id: str = ""
    until_date: date | None = None
    until_time: time | None = None


@router.get("/staff/blocks")
def blocks_page(request: Request, viewer: StaffViewer) -> Response:
    return _blocks(request, {}, {})


@router.post("/staff/blocks")
def add_block(request: Request, viewer: StaffViewer, form: FormDep) -> Response:
    block, errors = form_errors(BlockForm, form)
    place = parse_place(form.get("place", ""))
    if place is None:
        errors["place"] = "Please choose a room and time."
    if block is None or place is None:
        return _blocks(request, form, errors, 422)
    try:
        changes.block_slot(hub_of(request), _actor(viewer), place[0], place[1], block.label)
    except HubError as exc:
        return _blocks(request, form, {"place": str(exc)}, status_of(exc))
    return RedirectResponse("/staff/blocks?done=added", status.HTTP_303_SEE_OTHER)


@router.post("/staff/blocks/{block_id:int}/remove")
def remove_block(request: Request, block_id: int, viewer: StaffViewer, form: FormDep) -> Response:
    changes.unblock(hub_of(request), _actor(viewer), block_id)
    return RedirectResponse("/staff/blocks?done=removed", status.HTTP_303_SEE_OTHER)


@router.get("/staff/announcements")
def announcements_page(request: Request, viewer: StaffViewer) -> Response:
    return _announcements(request, {}, {})


@router.post("/staff/announcements")
def announce(request: Request, viewer: StaffViewer, form: FormDep) -> Response:
    hub = hub_of(request)
    filled = {k: v for k, v in form.items() if v.strip() or k in ("text", "room_id")}
    notice, errors = form_errors(AnnouncementForm, filled)
    if notice is None:
        return _announcements(request, form, errors, 422)
    try:
        until = _until(hub, notice)
        changes.announce(hub, _actor(viewer), notice.text, notice.room_id or None, until)
    except HubError as exc:
        return _announcements(request, form, {"form": str(exc)}, status_of(exc))
    return RedirectResponse("/staff/announcements?done=posted", status.HTTP_303_SEE_OTHER)


@router.post("/staff/announcements/{announcement_id:int}/remove")
def withdraw(
    request: Request, announcement_id: int, viewer: StaffViewer, form: FormDep
) -> Response:
    changes.withdraw_announcement(hub_of(request), _actor(viewer), announcement_id)
    return RedirectResponse("/staff/announcements?done=removed", status.HTTP_303_SEE_OTHER)


def _until(hub: Any, notice: AnnouncementForm) -> datetime | None:
    """The expiry in the event's zone (date alone: the end of that day); must be in the future."""
    if notice.until_date is None:
        if notice.until_time is not None:
            raise InvalidError("Give a date for the end time as well.")
        return None
    with hub.database.reading() as db:
        zone = repo.zone_of(repo.get_event(db).timezone)
    until = datetime.combine(notice.until_date, notice.until_time or time(23, 59), zone)
    if until <= hub.clock.now():
        raise InvalidError("That end time has already passed.")
    return until


def _blocks(request: Request, values: Any, errors: dict[str, str], code: int = 200) -> Response:
    hub = hub_of(request)
    with hub.database.reading() as db:
        zone = _zone(db)
        rooms = repo.list_rooms(db)
        slots = [(s.id, s.start.astimezone(zone)) for s in repo.list_slots(db)]
        names = {r.id: r.name for r in rooms}
        starts = dict(slots)
        blocks = [(b, names.get(b.room_id, b.room_id), starts.get(b.slot_id))
                  for b in repo.list_blocks(db)]  # fmt: skip
    return render(request, "staff/blocks.html", {
        "title": "Blocked slots", "blocks": blocks, "rooms": rooms, "slots": slots,
        "values": values, "errors": errors, "done": request.query_params.get("done"),
    }, status_code=code)  # fmt: skip


def _announcements(
    request: Request, values: Any, errors: dict[str, str], code: int = 200
) -> Response:
    hub = hub_of(request)
    now = hub.clock.now()
    with hub.database.reading() as db:
        zone = _zone(db)
        rooms = repo.list_rooms(db)
        names = {r.id: r.name for r in rooms}
        rows = [
            (a, names.get(a.room_id or "", "Every door"),
             a.expires_at.astimezone(zone) if a.expires_at else None,
             a.expires_at is None or a.expires_at > now)
            for a in layout.list_announcements(db)
        ]  # fmt: skip
        small = _small_doors(db)
    marker_only = {
        a.id: [node for node, room in small if a.room_id is None or a.room_id == room]
        for a, *_ in rows
    }
    return render(request, "staff/announcements.html", {
        "title": "Announcements", "rows": rows, "rooms": rooms, "values": values,
        "marker_only": marker_only,
        "errors": errors, "done": request.query_params.get("done"),
    }, status_code=code)  # fmt: skip


def _small_doors(db: DbSession) -> list[tuple[str, str | None]]:
    """(node id, room id) of every door whose panel is too small for announcements (a pHAT:
    it shows a marker instead, docs/rendering.md)."""
    doors = []
    for node in repo.list_nodes(db):
        status = parse_status(node.node_id, node.last_status)
        panel = PANELS.get((status.panel if status else None) or node.panel or "")
        if panel is not None and panel.compact:
            doors.append((node.node_id, node.room_id))
    return doors


def _actor(viewer: Viewer) -> Actor:
    assert viewer.username is not None
    return Actor.staff(viewer.username)


def _zone(db: DbSession) -> tzinfo:
    """The event's time zone; UTC before there is an event (there are no slots to show yet,
    and every page says to set the event up first)."""
    event = repo.find_event(db)
    return repo.zone_of(event.timezone) if event is not None else UTC
