"""Staff: the board's frame. ``/staff/rooms`` (add, edit name/capacity/location/order, remove;
a new room's id may be left for the page to make from its name) and ``/staff/days`` (add a day
of slots or a single slot, remove a slot without sessions; before the event exists, the page
says to set it up first, since days are in its time zone)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from starlette.responses import RedirectResponse, Response

from hub import repo
from hub.api.board_schemas import Capacity, Location, Name
from hub.audit import Actor
from hub.changes import layout as changes
from hub.errors import HubError
from hub.web.pages import PageRoute, form_errors, hub_of, render, status_of
from hub.web.security import FormDep, StaffViewer

router = APIRouter(route_class=PageRoute, include_in_schema=False)

RoomId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class RoomForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: Name
    capacity: Capacity | None = None
    location: Location = ""
    position: Annotated[int, Field(ge=0, le=10_000)] | None = None


class NewRoomForm(RoomForm):
    id: RoomId


def id_from_name(name: str) -> str:
    """A room id made from its name: ``"Salle Été 2"`` → ``"salle-ete-2"`` ("" if nothing is
    left, e.g. a name in a script without Latin letters)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:64].rstrip("-")


class DayForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    date: date
    first_hour: Annotated[int, Field(ge=0, le=23)]
    last_hour: Annotated[int, Field(ge=1, le=24)]

    @model_validator(mode="after")
    def _in_order(self) -> DayForm:
        if self.last_hour <= self.first_hour:
            raise ValueError("The last hour must be after the first hour.")
        return self


class SlotForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    date: date
    start: time


@router.get("/staff/rooms")
def rooms_page(request: Request, viewer: StaffViewer) -> Response:
    return _rooms(request)


@router.post("/staff/rooms")
def add_room(request: Request, viewer: StaffViewer, form: FormDep) -> Response:
    typed = _filled(form)
    if not typed.get("id", "").strip():
        typed["id"] = id_from_name(typed.get("name", ""))
    room, errors = form_errors(NewRoomForm, typed)
    if errors.get("id") and not form.get("id", "").strip():
        errors["id"] = "Please give the room an id (letters, digits, - and _)."
    if room is None:
        return _rooms(request, "new", form, errors)
    try:
        changes.add_room(hub_of(request), _actor(viewer), room.id, room.name, room.capacity,
                         room.location)  # fmt: skip
    except HubError as exc:
        return _rooms(request, "new", form, {"id": str(exc)}, status_of(exc))
    return RedirectResponse("/staff/rooms?done=added", status.HTTP_303_SEE_OTHER)


@router.post("/staff/rooms/{room_id:slug}")
def edit_room(request: Request, room_id: str, viewer: StaffViewer, form: FormDep) -> Response:
    """``action`` save (name, capacity, location, position) or remove."""
    hub = hub_of(request)
    try:
        if form.get("action") == "remove":
            changes.remove_room(hub, _actor(viewer), room_id)
            return RedirectResponse("/staff/rooms?done=removed", status.HTTP_303_SEE_OTHER)
        room, errors = form_errors(RoomForm, _filled(form))
        if room is None:
            return _rooms(request, room_id, form, errors)
        changes.edit_room(hub, _actor(viewer), room_id, name=room.name, capacity=room.capacity,
                          location=room.location, position=room.position)  # fmt: skip
    except HubError as exc:
        return _rooms(request, room_id, form, {"form": str(exc)}, status_of(exc))
    return RedirectResponse("/staff/rooms?done=saved", status.HTTP_303_SEE_OTHER)


@router.get("/staff/days")
def days_page(request: Request, viewer: StaffViewer) -> Response:
    return _days(request)


@router.post("/staff/days")
def add_day(request: Request, viewer: StaffViewer, form: FormDep) -> Response:
    day, errors = form_errors(DayForm, form)
    if day is None:
        return _days(request, "day", form, errors)
    try:
        changes.add_day(hub_of(request), _actor(viewer), day.date, day.first_hour, day.last_hour)
    except HubError as exc:
        return _days(request, "day", form, {"form": str(exc)}, status_of(exc))
    return RedirectResponse("/staff/days?done=added", status.HTTP_303_SEE_OTHER)


@router.post("/staff/slots")
def add_slot(request: Request, viewer: StaffViewer, form: FormDep) -> Response:
    """One slot starting at a local date and time."""
    hub = hub_of(request)
    slot, errors = form_errors(SlotForm, form)
    if slot is None:
        return _days(request, "slot", form, errors)
    try:
        with hub.database.reading() as db:
            zone = repo.zone_of(repo.get_event(db).timezone)
        changes.add_slot(hub, _actor(viewer), datetime.combine(slot.date, slot.start, zone))
    except HubError as exc:
        return _days(request, "slot", form, {"form": str(exc)}, status_of(exc))
    return RedirectResponse("/staff/days?done=added", status.HTTP_303_SEE_OTHER)


@router.post("/staff/slots/{slot_id:int}/remove")
def remove_slot(request: Request, slot_id: int, viewer: StaffViewer, form: FormDep) -> Response:
    try:
        changes.remove_slot(hub_of(request), _actor(viewer), slot_id)
    except HubError as exc:
        return _days(request, "remove", form, {"form": str(exc)}, status_of(exc))
    return RedirectResponse("/staff/days?done=removed", status.HTTP_303_SEE_OTHER)


def _rooms(
    request: Request, which: str = "", values: Any = None, errors: dict[str, str] | None = None,
    code: int | None = None,
) -> Response:  # fmt: skip
    with hub_of(request).database.reading() as db:
        rooms = repo.list_rooms(db)
    return render(request, "staff/rooms.html", {
        "title": "Rooms", "rooms": rooms, "which": which, "values": values or {},
        "errors": errors or {}, "done": request.query_params.get("done"),
    }, status_code=code or (422 if errors else 200))  # fmt: skip


def _days(
    request: Request, which: str = "", values: Any = None, errors: dict[str, str] | None = None,
    code: int | None = None,
) -> Response:  # fmt: skip
    with hub_of(request).database.reading() as db:
        event = repo.find_event(db)
        zone = repo.zone_of(event.timezone) if event is not None else None
        days: dict[date, list[tuple[int, datetime, datetime]]] = {}
        for slot in repo.list_slots(db):
            days.setdefault(slot.day.date, []).append(
                (slot.id, slot.start.astimezone(zone), slot.end.astimezone(zone))
            )
    return render(request, "staff/days.html", {
        "title": "Days and slots", "days": days, "which": which, "values": values or {},
        "errors": errors or {}, "done": request.query_params.get("done"),
        "timezone": str(zone) if zone else None,
    }, status_code=code or (422 if errors else 200))  # fmt: skip


def _filled(form: dict[str, str]) -> dict[str, str]:
    """The form without empty optional numbers (an empty capacity means "unknown")."""
    return {k: v for k, v in form.items() if not (k in ("capacity", "position") and not v.strip())}


def _actor(viewer: Any) -> Actor:
    return Actor.staff(viewer.username)
