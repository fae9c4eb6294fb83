"""The public board: the grid of rooms × slots, a page per room and per session, live updates.

``GET /`` (``?day=YYYY-MM-DD``, ``?lobby=1`` for a big screen), ``GET /rooms/{room_id}`` (the
room's schedule), ``GET /sessions/{id}`` (the door's QR target, with "add
to calendar" and a share text) and ``GET /live`` (server-sent events: one ``board`` event per
change; see :mod:`hub.live`). The calendar files (``/sessions/{id}.ics``, ``/rooms/{id}.ics``)
are feeds (:mod:`hub.feeds`); the pages link to them.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse
from starlette.responses import Response

from hub import repo
from hub.live import LiveUpdates
from hub.repo.ideas import idea_of_session
from hub.web.board_view import day_grid, load_board, room_days
from hub.web.finding import alternatives, webcal
from hub.web.pages import PageRoute, hub_of, render
from hub.web.share import share_text

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/")
def board(
    request: Request,
    day: Annotated[date | None, Query()] = None,
    lobby: Annotated[bool, Query()] = False,
) -> Response:
    """The board for one day (today, or the next event day, unless ``day`` names one)."""
    hub = hub_of(request)
    now = hub.clock.now()
    with hub.database.reading() as db:
        data = load_board(db, hub.links, now) if repo.find_event(db) is not None else None
    if data is None:
        return render(request, "empty.html", {"title": "The board"})
    grid = day_grid(data, now, day)
    return render(request, "board.html", {
        "title": "The board", "grid": grid, "rooms": data.rooms, "zone": data.zone,
        "lobby": lobby, "live_version": _live(request).version,
        "event_webcal": webcal(hub.links, "/schedule.ics"),
    })  # fmt: skip


@router.get("/rooms/{room_id:slug}")
def room_page(request: Request, room_id: str) -> Response:
    """The room's whole schedule, with its calendar to subscribe to (the door preview is in
    the staff area: ``/staff/rooms/{room_id}/door``)."""
    hub = hub_of(request)
    now = hub.clock.now()
    with hub.database.reading() as db:
        room = repo.get_room(db, room_id)
        data = load_board(db, hub.links, now)
        notices = [a.text for a in repo.active_announcements(db, now, room_id=room_id)
                   if a.room_id == room_id]  # fmt: skip
    return render(request, "room.html", {
        "title": room.name, "room": room, "days": room_days(data, room_id, now),
        "zone": data.zone, "room_announcements": notices, "live_version": _live(request).version,
        "room_webcal": webcal(hub.links, f"/rooms/{room_id}.ics"),
    })  # fmt: skip


@router.get("/sessions/{session_id:int}")
def session_page(request: Request, session_id: int) -> Response:
    """A session: when and where, host, full now or not, add to calendar, share text."""
    hub = hub_of(request)
    now = hub.clock.now()
    with hub.database.reading() as db:
        session = repo.get_session(db, session_id)
        event = repo.get_event(db)
        zone = repo.zone_of(event.timezone)
        room, slot = session.room, session.slot
        idea = idea_of_session(db, session_id)
        idea_by = idea.proposer if idea is not None else None
        elsewhere = alternatives(db, room.id, now) if session.full else []
    start, end = slot.start.astimezone(zone), slot.end.astimezone(zone)
    is_now = slot.start <= now < slot.end
    share = share_text(session, room.name, start, event.hashtag, hub.links)
    return render(request, "session.html", {
        "title": session.title, "session": session, "room": room, "start": start, "end": end,
        "is_now": is_now, "is_past": slot.end <= now, "from_idea": idea is not None,
        "idea_by": idea_by, "share": share, "url": hub.links.session(session_id),
        "live_version": _live(request).version, "also_on_now": elsewhere,
        "room_webcal": webcal(hub.links, f"/rooms/{room.id}.ics"),
    })  # fmt: skip


@router.get("/live")
async def live(
    request: Request,
    since: Annotated[int | None, Query()] = None,
    last_event_id: Annotated[str | None, Header()] = None,
) -> StreamingResponse:
    """Server-sent events: ``event: board`` with the change counter, after every change."""
    seen = int(last_event_id) if last_event_id and last_event_id.isdigit() else since
    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(
        _live(request).stream(seen), media_type="text/event-stream", headers=headers
    )


def _live(request: Request) -> LiveUpdates:
    updates: LiveUpdates = request.app.state.live
    return updates
