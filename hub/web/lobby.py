"""``GET /lobby``: the board for a big screen across a hall (1080p or 4K, read from metres away).

No controls: what is on now and next in every room (tomorrow's first slots once the day's last
slot has started), a clock, the announcements and a QR code to the board for phones. Rooms that
do not fit turn page by themselves (``static/lobby.js``); the page follows every change like the
board (``static/live.js`` and ``/live``). The content is :func:`hub.web.lobby_view.lobby_view`.
"""

from __future__ import annotations

import segno
from fastapi import APIRouter, Request
from starlette.responses import Response

from hub import repo
from hub.live import LiveUpdates
from hub.web.board_view import load_board
from hub.web.lobby_view import lobby_view
from hub.web.pages import PageRoute, hub_of, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/lobby")
def lobby(request: Request) -> Response:
    """The lobby screen; an event-less hub shows the empty board page."""
    hub = hub_of(request)
    now = hub.clock.now()
    with hub.database.reading() as db:
        data = load_board(db, hub.links, now) if repo.find_event(db) is not None else None
    if data is None:
        return render(request, "empty.html", {"title": "The board"})
    board_url = hub.links.board()
    live: LiveUpdates = request.app.state.live
    return render(request, "lobby.html", {
        "title": "Lobby", "view": lobby_view(data, now), "rooms": data.rooms, "zone": data.zone,
        "local_now": now.astimezone(data.zone), "board_address": readable_address(board_url),
        "board_qr": board_qr_svg(board_url), "live_version": live.version,
    })  # fmt: skip


def board_qr_svg(url: str) -> str:
    """An inline SVG QR code for ``url`` (dark on white, quiet zone included)."""
    code = segno.make(url, error="m")
    svg: str = code.svg_inline(scale=6, dark="#10151c", light="#ffffff", omitsize=True)
    return svg


def readable_address(url: str) -> str:
    """``url`` as people type it: without the scheme and the trailing slash."""
    return url.split("://", 1)[-1].rstrip("/")
