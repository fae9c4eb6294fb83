"""The hub's web pages: the public board, add-a-card, the ideas wall and the staff area.

:func:`install` adds the page routers, the static files (``/static``), the live-update hub
(``app.state.live``) and the login throttle (:mod:`hub.access.login_throttle`) to an app built by
:func:`hub.app.create_app`.
Pages are server-rendered (Jinja2, autoescaped); a small script (``static/live.js``) keeps an
open board, room or session page current from ``/live`` without a reload.
"""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, JSONResponse, Response

from hub.access.login_throttle import LoginThrottle
from hub.live import LiveUpdates
from hub.web import (
    board,
    cards,
    ideas,
    lobby,
    search,
    staff_audit,
    staff_door,
    staff_event,
    staff_fleet,
    staff_layout,
    staff_login,
    staff_notices,
    staff_records,
    staff_sessions,
)
from hub.web.pages import error_page
from shared.clock import Clock

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent.parent / "static"


def install(app: FastAPI, clock: Clock) -> None:
    """Add the pages, ``/static`` and ``/live`` to ``app``; see the module docstring."""
    app.state.live = LiveUpdates()
    app.state.login_throttle = LoginThrottle(clock)
    for module in (
        board, lobby, cards, ideas, search, staff_login, staff_door, staff_event,
        staff_sessions, staff_layout, staff_notices, staff_records, staff_audit, staff_fleet,
    ):  # fmt: skip
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(StarletteHTTPException, _page_or_json)
    app.add_exception_handler(Exception, _server_error)


#: Paths whose errors stay JSON whoever asks (the API, feeds and machine endpoints).
MACHINE_PATHS = ("/api/", "/metrics", "/healthz", "/roomstatus/", "/schedule.", "/openapi")


async def _page_or_json(request: Request, exc: Exception) -> Response:
    """An error outside the page routes (an address no route matches): a page for a browser,
    JSON for everyone else."""
    assert isinstance(exc, StarletteHTTPException)
    wants_page = "text/html" in request.headers.get("accept", "")
    if wants_page and not request.url.path.startswith(MACHINE_PATHS):
        message = "There is no such page here." if exc.status_code == 404 else str(exc.detail)
        return error_page(request, exc.status_code, message)
    return await http_exception_handler(request, exc)


#: What a person is told when the hub fails unexpectedly (the details go to the log only).
SERVER_ERROR = (
    "Something went wrong on our side, and nothing you did caused it. The problem is logged "
    "for the organisers; please try again in a moment."
)
#: The page when even the page template cannot be drawn (the database is gone, say).
_BARE_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Something went wrong'
    '</title></head><body><main><h1>Something went wrong</h1><p>{}</p><p><a href="/">The board'
    "</a></p></main></body></html>"
)


async def _server_error(request: Request, exc: Exception) -> Response:
    """An unexpected failure: logged with its traceback; the person gets a page (or JSON for
    machine paths) that says so in words, never the traceback."""
    log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    if request.url.path.startswith(MACHINE_PATHS) or "text/html" not in request.headers.get(
        "accept", ""
    ):
        return JSONResponse({"detail": SERVER_ERROR}, status_code=500)
    try:
        return error_page(request, 500, SERVER_ERROR)
    except Exception:  # the page needs the database; say it plainly without it
        log.exception("the error page could not be drawn either")
        return HTMLResponse(_BARE_PAGE.format(SERVER_ERROR), status_code=500)
