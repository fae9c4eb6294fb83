"""The hub's web pages: the public board, add-a-card, the ideas wall and the staff area.

:func:`install` adds the page routers, the static files (``/static``), the live-update hub
(``app.state.live``) and the login throttle (:mod:`hub.login_throttle`) to an app built by
:func:`hub.app.create_app`.
Pages are server-rendered (Jinja2, autoescaped); a small script (``static/live.js``) keeps an
open board, room or session page current from ``/live`` without a reload.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from hub.live import LiveUpdates
from hub.login_throttle import LoginThrottle
from hub.web import (
    board,
    cards,
    ideas,
    search,
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

STATIC = Path(__file__).resolve().parent.parent / "static"


def install(app: FastAPI, clock: Clock) -> None:
    """Add the pages, ``/static`` and ``/live`` to ``app``; see the module docstring."""
    app.state.live = LiveUpdates()
    app.state.login_throttle = LoginThrottle(clock)
    for module in (
        board, cards, ideas, search, staff_login, staff_door, staff_event, staff_sessions,
        staff_layout, staff_notices, staff_records, staff_fleet,
    ):  # fmt: skip
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(StarletteHTTPException, _page_or_json)


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
