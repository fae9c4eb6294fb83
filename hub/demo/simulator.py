"""The demo's door simulator: a small local web page showing every simulated door's frame,
with a button per door that presses the real gpiozero button on its mock pin.

It listens on loopback only and is part of the demo, not of the product. A press is a POST
that must come from the simulator's own page: its ``Origin`` header must be the simulator's
origin (browsers send it with every POST), so a page on another site cannot press a door
(403 otherwise).
"""

from __future__ import annotations

import html
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SimulatedDoor:
    node_id: str
    room_id: str
    panel: str
    frame: Path
    press: Callable[[], None]


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Door simulator</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5rem; background: #f4f4f2; }}
.doors {{ display: flex; flex-wrap: wrap; gap: 1.5rem; }}
figure {{ margin: 0; background: #fff; padding: .75rem; border-radius: .5rem;
  box-shadow: 0 1px 3px #0003; }}
img {{ max-width: 480px; width: 100%; image-rendering: pixelated; border: 1px solid #ccc; }}
button {{ font-size: 1rem; padding: .4rem 1rem; }}
</style></head><body>
<h1>Door simulator</h1>
<p>Each picture is the frame a simulated door node drew. "Press button" presses that door's
button (a real gpiozero Button on a mock pin): the room turns full, press again to clear.
Board: <a href="{board}">{board}</a></p>
<div class="doors">{doors}</div>
<script>
setInterval(() => document.querySelectorAll("img").forEach(img => {{
  img.src = img.src.split("?")[0] + "?t=" + Date.now(); }}), 2000);
</script>
</body></html>"""

_DOOR = """<figure><img src="/frames/{file}" alt="Door of {room}">
<figcaption>{node} · {room} · {panel}
<form method="post" action="/press/{node}"><button>Press button</button></form>
</figcaption></figure>"""


class DoorSimulator:
    """Serves the simulator page on ``host:port`` from a background thread."""

    def __init__(
        self, doors: Sequence[SimulatedDoor], board_url: str, host: str, port: int
    ) -> None:
        self._doors = {door.node_id: door for door in doors}
        self._board_url = board_url
        self._server = ThreadingHTTPServer((host, port), self._handler())
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="door-simulator", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/"

    def same_origin(self, origin: str | None) -> bool:
        """Whether ``origin`` (a request's ``Origin`` header) is this simulator's own."""
        host, port = self._server.server_address[:2]
        own = {f"http://{host!s}:{port}"}
        if host in ("127.0.0.1", "::1"):
            own.add(f"http://localhost:{port}")
        return origin is not None and origin.rstrip("/") in own

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def page(self) -> str:
        doors = "".join(
            _DOOR.format(
                file=html.escape(door.frame.name),
                room=html.escape(door.room_id),
                node=html.escape(door.node_id),
                panel=html.escape(door.panel),
            )
            for door in self._doors.values()
        )
        return _PAGE.format(board=html.escape(self._board_url), doors=doors)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        simulator = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                if path == "/":
                    self._send(HTTPStatus.OK, "text/html; charset=utf-8", simulator.page().encode())
                    return
                frames = {d.frame.name: d.frame for d in simulator._doors.values()}
                name = path.removeprefix("/frames/")
                if path.startswith("/frames/") and name in frames and frames[name].exists():
                    self._send(HTTPStatus.OK, "image/png", frames[name].read_bytes())
                    return
                self._send(HTTPStatus.NOT_FOUND, "text/plain", b"not found")

            def do_POST(self) -> None:
                if not simulator.same_origin(self.headers.get("Origin")):
                    self._send(HTTPStatus.FORBIDDEN, "text/plain", b"cross-site press refused")
                    return
                node_id = urlsplit(self.path).path.removeprefix("/press/")
                door = simulator._doors.get(node_id)
                if door is None:
                    self._send(HTTPStatus.NOT_FOUND, "text/plain", b"no such door")
                    return
                door.press()
                self.send_response(HTTPStatus.SEE_OTHER)
                self.send_header("Location", "/")
                self.end_headers()

            def _send(self, status: HTTPStatus, kind: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Cache-Control", "no-store")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                log.debug("simulator: " + format, *args)

        return Handler
