"""Rendering pages: the Jinja2 templates, the page context, and errors as pages.

Templates live in ``hub/templates`` and autoescape everything, so whatever people typed shows as
text. :func:`render` adds what every page needs (the event, the viewer, the CSRF token, the
announcements). Routers built with :class:`PageRoute` answer every error as a page a person
understands: a :class:`~hub.errors.HubError` or ``HTTPException`` with its status and message, a
wrong or missing query parameter as 422, a form without its CSRF token as 403, and a staff page
asked for without a login as a redirect to the login page. Importing this module registers the
``{name:slug}`` path convertor the page routers use.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Coroutine, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import HTTPException, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ValidationError
from starlette.convertors import Convertor, register_url_convertor
from starlette.responses import RedirectResponse, Response

from hub import repo
from hub.audit import PUBLIC, Actor
from hub.errors import ConflictError, HubError, InvalidError, NotFoundError
from hub.runtime import Hub
from hub.web.security import CsrfRefused, LoginRequired, Viewer, get_viewer, set_csrf_cookie
from hub.web.staff_messages import staff_message

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES))
templates.env.globals["staff_message"] = staff_message

_STATUS_OF: list[tuple[type[HubError], int]] = [
    (NotFoundError, status.HTTP_404_NOT_FOUND),
    (ConflictError, status.HTTP_409_CONFLICT),
    (InvalidError, status.HTTP_422_UNPROCESSABLE_CONTENT),
]
_TITLES = {
    400: "That did not work", 403: "Not allowed", 404: "Not found", 409: "That clashes",
    422: "Something is not right", 429: "Slow down a little",
}  # fmt: skip


def hub_of(request: Request) -> Hub:
    hub: Hub = request.app.state.hub
    return hub


def render(
    request: Request, name: str, context: Mapping[str, Any] | None = None, status_code: int = 200
) -> Response:
    """The template ``name`` with the page context, plus the CSRF cookie if the browser needs it."""
    hub = hub_of(request)
    viewer: Viewer = get_viewer(request, hub)
    now = hub.clock.now()
    with hub.database.reading() as db:
        event = repo.find_event(db)
        active = repo.active_announcements(db, now) if event else []
    ends = [a.expires_at for a in active if a.expires_at is not None]
    page: dict[str, Any] = {
        "event": event, "viewer": viewer, "csrf_token": viewer.csrf_token,
        "site_announcements": [a.text for a in active], "now": now,
        "announcements_until": min(ends).isoformat() if ends else None,
    }  # fmt: skip
    page.update(context or {})
    response = templates.TemplateResponse(request, name, page, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    set_csrf_cookie(response, viewer, hub)
    return response


def status_of(exc: HubError) -> int:
    """The HTTP status for a refusal: 404, 409, 422 (400 for anything else)."""
    return next((code for kind, code in _STATUS_OF if isinstance(exc, kind)), 400)


def actor_of(viewer: Viewer) -> Actor:
    """Who a change from this browser is recorded as: the staff member, or "public"."""
    return PUBLIC if viewer.username is None else Actor.staff(viewer.username)


def public_write_allowed(request: Request) -> bool:
    """Whether the rate limiter lets this client add a card or idea now (staff always may)."""
    if get_viewer(request, hub_of(request)).is_staff:
        return True
    client = request.client.host if request.client else "unknown"
    allowed: bool = request.app.state.add_card_limiter.allow(client)
    return allowed


def error_page(request: Request, status_code: int, message: str) -> Response:
    title = _TITLES.get(status_code, "Something went wrong")
    context = {"title": title, "message": message, "status_code": status_code}
    return render(request, "error.html", context, status_code=status_code)


def form_errors(model: type[BaseModel], data: Mapping[str, Any]) -> tuple[Any, dict[str, str]]:
    """Validate ``data`` with ``model``: ``(instance, {})`` or ``(None, {field: message})``."""
    try:
        return model.model_validate(dict(data)), {}
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "form"
            errors.setdefault(field, _plain(error))
        return None, errors


def _plain(error: Mapping[str, Any]) -> str:
    """A validation message for people (pydantic's, trimmed of jargon)."""
    kind, context = error.get("type", ""), error.get("ctx") or {}
    if kind == "string_too_short" and context.get("min_length") == 1:
        return "Please fill this in."
    if kind == "string_too_long":
        return f"Please keep this to {context.get('max_length')} characters or fewer."
    if kind in ("int_parsing", "int_type"):
        return "Please enter a whole number."
    if kind == "missing":
        return "Please fill this in."
    message = str(error.get("msg", "This is not valid."))
    return message.removeprefix("Value error, ")


class SlugConvertor(Convertor[str]):
    """``{room_id:slug}``: an id as in MQTT topics, so ``/rooms/a.ics`` is not ``/rooms/{id}``."""

    regex = r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        if not re.fullmatch(self.regex, value):
            raise ValueError(f"{value!r} is not a room id")
        return value


class RowIdConvertor(Convertor[int]):
    """``{id:int}`` in page routes: at most 10 digits (a longer one does not match the route:
    a 404 page), so no id reaches the database as a number it cannot hold (past ``integer``,
    :mod:`hub.storage.sql_guard` answers 422). Replaces Starlette's unbounded ``int`` for the
    hub."""

    regex = "[0-9]{1,10}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        if not 0 <= value < 10**10:
            raise ValueError(f"{value} is not a row id")
        return str(value)


register_url_convertor("slug", SlugConvertor())
register_url_convertor("int", RowIdConvertor())

Endpoint = Callable[[Request], Coroutine[Any, Any, Response]]


class PageRoute(APIRoute):
    """A route whose errors become pages (see the module docstring)."""

    def get_route_handler(self) -> Endpoint:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except LoginRequired:
                target = quote(request.url.path, safe="/")
                return RedirectResponse(f"/staff/login?next={target}", status.HTTP_303_SEE_OTHER)
            except CsrfRefused:
                return error_page(request, 403, CSRF_MESSAGE)
            except HubError as exc:
                return error_page(request, status_of(exc), str(exc))
            except HTTPException as exc:
                return error_page(request, exc.status_code, str(exc.detail))
            except RequestValidationError as exc:
                return error_page(request, 422, _query_problem(exc))

        return handle


CSRF_MESSAGE = (
    "This form was sent without its security token, or with an old one, so nothing was "
    "changed. Go back, reload the page and try again (cookies must be allowed for this site)."
)


def _query_problem(exc: RequestValidationError) -> str:
    errors = list(exc.errors())
    if not errors:
        return "The address of this page is not valid."
    where = ".".join(str(p) for p in errors[0].get("loc", ())[1:]) or "address"
    return f"The link is not valid ({where}: {errors[0].get('msg', 'invalid')})."
