"""The event: ``GET /api/v1/event`` (public) and ``PUT /api/v1/event`` (staff).

``PUT`` creates the event on a fresh hub, or changes it; days, rooms and blocks follow with
their own calls. Changing the time zone keeps every slot at its local wall-clock time.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, Field, StringConstraints

from hub import repo
from hub.api.deps import HubDep, StaffDep
from hub.api.responses import errors
from hub.api.schemas import Body
from hub.audit import Actor
from hub.changes import event as changes
from hub.errors import NotFoundError
from hub.storage.models import Event
from shared.text import SingleLine

router = APIRouter(prefix="/api/v1", tags=["event"], responses=errors(400, 422))
NO_EVENT = "no event has been set up yet: staff create it with PUT /api/v1/event"

# Each field passes the one normalisation (controls, escapes, bidi overrides out) first.
EventName = Annotated[str, StringConstraints(min_length=1, max_length=120), SingleLine]
TimeZone = Annotated[str, StringConstraints(min_length=1, max_length=64), SingleLine]
Hashtag = Annotated[str, StringConstraints(pattern=r"^#?[^\s#]{1,60}$"), SingleLine]
WebAddress = Annotated[
    str, StringConstraints(max_length=300, pattern=r"^https?://[^\s<>\"]+$"), SingleLine
]


class EventPut(Body):
    """The whole event: fields left out are cleared (``hashtag``, ``url``) — a PUT."""

    name: EventName = Field(examples=["PyCon US 2027 Open Spaces"])
    timezone: TimeZone = Field(examples=["America/Chicago"], description="an IANA time zone")
    hashtag: Hashtag | None = Field(default=None, examples=["#PyConUS"])
    url: WebAddress | None = Field(default=None, examples=["https://us.pycon.org/2027/"])


class EventPublic(BaseModel):
    name: str
    timezone: str
    hashtag: str | None
    url: str | None

    @classmethod
    def of(cls, event: Event) -> EventPublic:
        return cls(name=event.name, timezone=event.timezone, hashtag=event.hashtag, url=event.url)


@router.get("/event", summary="The event", responses=errors(404))
def get_event(hub: HubDep) -> EventPublic:
    """The event's name, time zone, hashtag and address; 404 before staff have set it up."""
    with hub.database.reading() as db:
        event = repo.find_event(db)
        if event is None:
            raise NotFoundError(
                "no event has been set up yet: staff create it with PUT /api/v1/event"
            )
        return EventPublic.of(event)


@router.put(
    "/event",
    summary="Create or change the event (staff)",
    responses={201: {"description": "the event was created"}, **errors(401, 409)},
)
def put_event(body: EventPut, hub: HubDep, staff: StaffDep, response: Response) -> EventPublic:
    """Create the event (201) or change it (200); republishes ``site`` and every room."""
    with hub.database.reading() as db:
        existed = repo.find_event(db) is not None
    hashtag = None if body.hashtag is None else "#" + body.hashtag.removeprefix("#")
    event = changes.save_event(
        hub, Actor.token(staff.name), name=body.name, timezone=body.timezone,
        hashtag=hashtag, url=body.url,
    )  # fmt: skip
    if not existed:
        response.status_code = status.HTTP_201_CREATED
    return EventPublic.of(event)
