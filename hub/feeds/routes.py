"""The public feeds over HTTP, and :func:`install`, which adds every feed route to the app.

    GET /schedule.json              the board in the c3voc schedule format
    GET /schedule.ics               every session, as iCalendar
    GET /rooms/{room_id}.ics        one room's sessions
    GET /sessions/{session_id}.ics  one session ("add to calendar")
    GET /roomstatus/v1/listrooms    which rooms are full now (FOSDEM room-state shape)

All are public, carry ``ETag``/``Last-Modified`` and answer ``If-None-Match`` with 304
(:mod:`hub.feeds.caching`). :func:`install` must run before routers with catch-all paths such
as ``/rooms/{room_id}``, so that ``/rooms/a.ics`` reaches this module.
"""

from __future__ import annotations

from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, FastAPI, Path, Request, Response

from hub.api.deps import HubDep
from hub.api.responses import errors
from hub.errors import NotFoundError
from hub.feeds import csv_routes, ical, program_routes, schedule_json
from hub.feeds.caching import FeedValidators, feed_response
from hub.feeds.roomstatus import RoomState, build_room_states
from hub.repo.feeds import Board, board_rooms, full_rooms_at, load_board
from hub.runtime import Hub

router = APIRouter(tags=["feeds"])

CALENDAR_TYPE = "text/calendar"
_NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "the copy named in If-None-Match (or If-Modified-Since) is current"}
}
_CALENDAR: dict[int | str, dict[str, Any]] = {
    200: {"content": {CALENDAR_TYPE: {"schema": {"type": "string"}}}, "description": "iCalendar"}
}
SessionId = Annotated[int, Path(ge=1, le=2**31 - 1, description="the session's id")]


def install(app: FastAPI) -> None:
    """Add the feed routes (public feeds, the staff CSV and programme imports) to ``app``."""
    app.state.feed_validators = FeedValidators()
    app.include_router(router)
    app.include_router(csv_routes.router)
    app.include_router(program_routes.router)


def _validators(request: Request) -> FeedValidators:
    store: FeedValidators = request.app.state.feed_validators
    return store


def _board(hub: Hub) -> Board:
    with hub.database.reading() as db:
        return load_board(db)


@router.get(
    "/schedule.json",
    summary="The schedule in the c3voc format",
    response_model=schedule_json.ScheduleDocument,
    responses={**_NOT_MODIFIED, **errors(404)},
)
def schedule(request: Request, hub: HubDep) -> Response:
    """Every scheduled session, by day and room, for conference apps (see docs/feeds.md)."""
    board, now = _board(hub), hub.clock.now()
    today = now.astimezone(ZoneInfo(board.event.timezone)).date()
    body = schedule_json.render(schedule_json.build_schedule(board, hub.links, today))
    return feed_response(request, _validators(request), now, body, "application/json")


@router.get(
    "/schedule.ics",
    summary="The whole event as iCalendar",
    response_class=Response,
    responses={**_CALENDAR, **_NOT_MODIFIED, **errors(404)},
)
def schedule_ics(request: Request, hub: HubDep) -> Response:
    """Every session (cancelled ones marked so), to subscribe to in a calendar app."""
    body = ical.render(ical.event_calendar(_board(hub), hub.links))
    return _calendar(request, hub, body, "schedule.ics")


@router.get(
    "/rooms/{room_id}.ics",
    summary="One room's sessions as iCalendar",
    response_class=Response,
    responses={**_CALENDAR, **_NOT_MODIFIED, **errors(404, 422)},
)
def room_ics(room_id: str, request: Request, hub: HubDep) -> Response:
    """The sessions in one room, to subscribe to in a calendar app."""
    board = _board(hub)
    if all(room.id != room_id for room in board.rooms):
        raise NotFoundError(f"there is no room {room_id!r}")
    body = ical.render(ical.room_calendar(board, hub.links, room_id))
    return _calendar(request, hub, body, f"{room_id}.ics")


@router.get(
    "/sessions/{session_id}.ics",
    summary="One session as iCalendar (add to calendar)",
    response_class=Response,
    responses={**_CALENDAR, **_NOT_MODIFIED, **errors(404, 422)},
)
def session_ics(session_id: SessionId, request: Request, hub: HubDep) -> Response:
    """One session, for the "add to calendar" link on its page."""
    board = _board(hub)
    session = next((s for s in board.sessions if s.id == session_id), None)
    if session is None:
        raise NotFoundError(f"there is no session {session_id}")
    body = ical.render(ical.session_calendar(board, hub.links, session))
    return _calendar(request, hub, body, f"session-{session_id}.ics")


@router.get(
    "/roomstatus/v1/listrooms",
    summary="Which rooms are full now",
    response_model=list[RoomState],
    responses=_NOT_MODIFIED,
)
def list_room_states(request: Request, hub: HubDep) -> Response:
    """Every room with ``state`` "1" if the session on now is full, else "0" (FOSDEM shape)."""
    now = hub.clock.now()
    with hub.database.reading() as db:
        states = build_room_states(board_rooms(db), full_rooms_at(db, now))
    body = b"[" + b",".join(state.model_dump_json().encode() for state in states) + b"]"
    return feed_response(request, _validators(request), now, body, "application/json")


def _calendar(request: Request, hub: Hub, body: bytes, filename: str) -> Response:
    return feed_response(
        request, _validators(request), hub.clock.now(), body, CALENDAR_TYPE, filename=filename
    )
