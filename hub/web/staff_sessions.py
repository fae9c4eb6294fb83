"""Staff: every card on the board, and one card's page to edit, move, cancel, restore, mark
full or not, or delete it. ``/staff`` lists the cards by day; ``/staff/sessions/{id}`` acts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, status
from starlette.responses import RedirectResponse, Response

from hub import repo
from hub.audit import Actor
from hub.changes import sessions as changes
from hub.errors import HubError
from hub.web.forms import CardForm, Place, free_places, parse_place
from hub.web.pages import PageRoute, form_errors, hub_of, render, status_of
from hub.web.security import FormDep, StaffViewer

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/staff")
def staff_home(request: Request, viewer: StaffViewer) -> Response:
    """Every card (scheduled and cancelled), in slot order, with what is on now marked."""
    hub = hub_of(request)
    now = hub.clock.now()
    with hub.database.reading() as db:
        zone = repo.zone_of(repo.get_event(db).timezone) if repo.find_event(db) else None
        rows = [
            (s, s.room, s.slot.start.astimezone(zone) if zone else s.slot.start,
             s.slot.start <= now < s.slot.end)
            for s in repo.list_sessions(db)
        ]  # fmt: skip
    return render(request, "staff/home.html", {"title": "Sessions", "rows": rows})


@router.get("/staff/sessions/{session_id:int}")
def session_form(request: Request, session_id: int, viewer: StaffViewer) -> Response:
    with hub_of(request).database.reading() as db:
        session = repo.get_session(db, session_id)
        values = {k: getattr(session, k) for k in ("title", "description", "host_name",
                                                   "host_handle")}  # fmt: skip
    values["place"] = f"{session.room_id}|{session.slot_id}"
    return _page(request, session_id, values, {})


@router.post("/staff/sessions/{session_id:int}")
def act_on_session(
    request: Request, session_id: int, viewer: StaffViewer, form: FormDep
) -> Response:
    """``action``: save (text and place), cancel, restore, full, not-full, lock, unlock, delete.

    Cancelling, moving or locking puts a moderation hold on the card (its edit link may then
    only withdraw it); unlock lifts it."""
    hub, action = hub_of(request), form.get("action", "save")
    assert viewer.username is not None
    actor = Actor.staff(viewer.username)
    try:
        if action == "delete":
            changes.delete_session(hub, actor, session_id)
            return RedirectResponse("/staff?done=deleted", status.HTTP_303_SEE_OTHER)
        if action in ("full", "not-full"):
            changes.set_full(hub, actor, session_id, action == "full")
        elif action in ("lock", "unlock"):
            change = changes.SessionChange(locked=action == "lock")
            changes.update_session(hub, actor, session_id, change)
        elif action in ("cancel", "restore"):
            state = "cancelled" if action == "cancel" else "scheduled"
            changes.update_session(hub, actor, session_id, changes.SessionChange(status=state))
        else:
            problem = _save(hub, actor, session_id, form)
            if problem is not None:
                return _page(request, session_id, form, problem, 422)
    except HubError as exc:
        return _page(request, session_id, form, {"form": str(exc)}, status_of(exc))
    return RedirectResponse(
        f"/staff/sessions/{session_id}?done={action}", status.HTTP_303_SEE_OTHER
    )


def _save(hub: Any, actor: Actor, session_id: int, form: dict[str, str]) -> dict[str, str] | None:
    """Apply the text and the place in one change; the problems by field if the form is wrong."""
    card, errors = form_errors(CardForm, form)
    place = parse_place(form.get("place", ""))
    if place is None:
        errors["place"] = "Please choose a room and time."
    if card is None or place is None:
        return errors
    text = card.text()
    changes.update_session(hub, actor, session_id, changes.SessionChange(
        title=text.title, description=text.description, host_name=text.host_name,
        host_handle=text.host_handle, room_id=place[0], slot_id=place[1],
    ))  # fmt: skip
    return None


def _page(
    request: Request, session_id: int, values: Any, errors: dict[str, str], code: int = 200
) -> Response:
    hub = hub_of(request)
    with hub.database.reading() as db:
        session = repo.get_session(db, session_id)
        zone = repo.zone_of(repo.get_event(db).timezone)
        here = Place(session.room_id, session.room.name, session.slot_id,
                     session.slot.start.astimezone(zone))  # fmt: skip
        places = [here, *free_places(db, hub.clock.now())]
    return render(request, "staff/session.html", {
        "title": f"Manage “{session.title}”", "session": session, "here": here,
        "places": places, "values": values, "errors": errors,
        "done": request.query_params.get("done"),
    }, status_code=code)  # fmt: skip
