"""The staff call that imports the main programme as blocked slots.

    POST /api/v1/import/program?dry_run=false&room=Name%20in%20programme%3Droom-id
         (body: the conference's schedule.json, as published by pretalx or frab)

It answers 200 with a :class:`~hub.feeds.program_import.ProgramReport` (also for a dry run and
for an import that changes nothing), 422 when the body is not a schedule.json or a ``room``
mapping names no room, 404 before an event is set up, 413 over the size cap, 415 for a form
upload. The rooms whose blocks changed are published once.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import JSONResponse

from hub.api.deps import HubDep, StaffDep
from hub.api.responses import errors
from hub.audit import Actor
from hub.feeds.program_format import MAX_BYTES
from hub.feeds.program_import import ProgramReport, import_program
from hub.feeds.program_plan import parse_mapping

router = APIRouter(prefix="/api/v1", tags=["programme"], responses=errors(401))

FORM_UPLOAD = (
    "send the schedule.json itself as the request body with Content-Type: application/json "
    "(curl --data-binary @schedule.json), not as a form upload"
)
_BODY_DOC = {
    "requestBody": {
        "required": True,
        "description": "the conference's schedule.json (c3voc format: pretalx, frab)",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


async def _raw_body(request: Request) -> bytes:
    """The body as sent: read here so a file that is not JSON gets our message, not FastAPI's."""
    return await request.body()


@router.post(
    "/import/program",
    summary="Import the main programme as blocked slots (dry run first)",
    response_model=ProgramReport,
    responses=errors(404, 413, 415, 422),
    openapi_extra=_BODY_DOC,
)
def import_program_route(
    request: Request,
    hub: HubDep,
    staff: StaffDep,
    data: Annotated[bytes, Depends(_raw_body)],
    dry_run: Annotated[bool, Query(description="report what would change, write nothing")] = False,
    room: Annotated[
        list[str],
        Query(description="'Name in programme=room-id' for a room whose names differ; repeat"),
    ] = [],  # noqa: B006 (FastAPI copies query defaults)
) -> ProgramReport | JSONResponse:
    """Block every slot that a talk held in an Open Spaces room overlaps, labelled with its title.

    Rooms match by name (case and spaces ignored) or by a ``room`` mapping. Slots holding a
    card or a block made by hand are reported under ``taken`` and left alone. Importing the
    same file again changes nothing; a newer one changes only the blocks imports made.
    """
    if request.headers.get("content-type", "").startswith("multipart/"):
        return _refuse(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, FORM_UPLOAD)
    if len(data) > MAX_BYTES:
        return _refuse(status.HTTP_413_CONTENT_TOO_LARGE, f"the file is over {MAX_BYTES} bytes")
    actor = Actor.token(staff.name)
    return import_program(hub, actor, data, parse_mapping(room), dry_run=dry_run)


def _refuse(code: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=code)
