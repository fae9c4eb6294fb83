"""Staff: ``/staff/event``, where the event is set up in the browser and changed later.

The form takes the event's name, its IANA time zone (typed, with the known zones offered in a
list), an optional hashtag and web address; saving goes through
:func:`hub.changes.event.save_event` (audited; republishes ``site`` and every room). The page
also lists what setting up an event takes next: days, rooms, then the board.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, ConfigDict, field_validator
from starlette.responses import RedirectResponse, Response

from hub import repo
from hub.api.event import EventName, Hashtag, TimeZone, WebAddress
from hub.audit import Actor
from hub.changes import event as changes
from hub.errors import HubError, InvalidError
from hub.web.pages import PageRoute, form_errors, hub_of, render, status_of
from hub.web.security import FormDep, StaffViewer, Viewer

router = APIRouter(route_class=PageRoute, include_in_schema=False)

#: What to say instead of a pattern message from the validator, for fields people get wrong.
_FIELD_HELP = {
    "hashtag": "A hashtag is one word without spaces, such as #PyConUS.",
    "url": "Give the whole web address, starting with https:// (at most 300 characters).",
}
_DONE = {"created": "The event is set up. Next: add its days, then its rooms.",
         "saved": "Saved."}  # fmt: skip


class EventForm(BaseModel):
    """The event as typed in the form (empty hashtag and address are left out first)."""

    model_config = ConfigDict(extra="ignore")

    name: EventName
    timezone: TimeZone
    hashtag: Hashtag | None = None
    url: WebAddress | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            repo.zone_of(value)
        except InvalidError:
            raise ValueError(
                f"{value!r} is not a time zone we know: choose one from the list, "
                "such as America/Chicago or Europe/Berlin."
            ) from None
        return value

    def tag(self) -> str | None:
        return None if self.hashtag is None else "#" + self.hashtag.removeprefix("#")


@dataclass(frozen=True)
class Progress:
    """How far setting up has come: the event, its days and rooms."""

    has_event: bool
    days: int
    rooms: int


@cache
def time_zones() -> list[str]:
    """The IANA zones people pick from (``Area/City``, and UTC), sorted."""
    skipped = ("Etc/", "SystemV/", "posix/", "right/")
    zones = (z for z in available_timezones() if "/" in z and not z.startswith(skipped))
    return [*sorted(zones), "UTC"]


@router.get("/staff/event")
def event_page(request: Request, viewer: StaffViewer) -> Response:
    """The event's form (empty before it exists) and the steps that follow."""
    with hub_of(request).database.reading() as db:
        event = repo.find_event(db)
        values = {} if event is None else {
            "name": event.name, "timezone": event.timezone, "hashtag": event.hashtag or "",
            "url": event.url or "",
        }  # fmt: skip
    return _page(request, values, {})


@router.post("/staff/event")
def save_event(request: Request, viewer: StaffViewer, form: FormDep) -> Response:
    """Create or change the event; the form comes back with a message on any field refused."""
    typed, errors = form_errors(EventForm, _filled(form))
    if typed is None:
        return _page(request, form, {k: _FIELD_HELP.get(k, v) for k, v in errors.items()})
    hub = hub_of(request)
    with hub.database.reading() as db:
        existed = repo.find_event(db) is not None
    try:
        changes.save_event(hub, _actor(viewer), name=typed.name, timezone=typed.timezone,
                           hashtag=typed.tag(), url=typed.url)  # fmt: skip
    except HubError as exc:
        return _page(request, form, {"form": str(exc)}, status_of(exc))
    done = "saved" if existed else "created"
    return RedirectResponse(f"/staff/event?done={done}", status.HTTP_303_SEE_OTHER)


def _page(
    request: Request, values: Any, errors: dict[str, str], code: int | None = None
) -> Response:
    with hub_of(request).database.reading() as db:
        progress = Progress(
            repo.find_event(db) is not None, len(repo.list_days(db)), len(repo.list_rooms(db))
        )
    return render(request, "staff/event.html", {
        "title": "The event" if progress.has_event else "Set up the event",
        "values": values, "errors": errors, "progress": progress, "zones": time_zones(),
        "done": _DONE.get(request.query_params.get("done", "")),
    }, status_code=code or (422 if errors else 200))  # fmt: skip


def _filled(form: dict[str, str]) -> dict[str, str]:
    """The form without an empty hashtag or address (both are optional)."""
    return {k: v for k, v in form.items() if not (k in ("hashtag", "url") and not v.strip())}


def _actor(viewer: Viewer) -> Actor:
    assert viewer.username is not None
    return Actor.staff(viewer.username)
