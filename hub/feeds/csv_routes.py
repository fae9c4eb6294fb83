"""The staff CSV calls: export every session, import sessions (with a dry run).

    GET  /api/v1/export/sessions.csv
    POST /api/v1/import/sessions.csv?dry_run=false&skip_bad_rows=false   (body: the CSV)

The import answers 200 with an :class:`~hub.feeds.csv_import.ImportReport` for a dry run or a
successful import, and 422 with ``{"detail": ..., "errors": [{row, column, message}]}`` when
rows have errors and nothing was written. After a real import the affected rooms are published.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from hub.api.deps import HubDep, StaffDep
from hub.api.responses import errors
from hub.audit import Actor
from hub.feeds.csv_format import MAX_BYTES, CsvFileError, RowError, export_sessions
from hub.feeds.csv_import import Importer, ImportReport, import_sessions
from hub.repo.feeds import load_board

router = APIRouter(prefix="/api/v1", tags=["csv"], responses=errors(401))

CSV_TYPE = "text/csv"
FORM_UPLOAD = (
    "send the CSV file itself as the request body with Content-Type: text/csv "
    "(curl --data-binary @sessions.csv), not as a form upload"
)


class ImportRefused(BaseModel):
    """422: the CSV had bad rows (``errors`` name row and column) or invalid parameters."""

    detail: str
    errors: list[RowError] | list[str] | None = None


@router.get(
    "/export/sessions.csv",
    summary="Export every session as CSV",
    response_class=Response,
    responses={
        200: {"content": {CSV_TYPE: {"schema": {"type": "string"}}}, "description": "the CSV"},
        **errors(404),
    },
)
def export_csv(hub: HubDep, staff: StaffDep) -> Response:
    """Scheduled and cancelled sessions, in slot order; columns in docs/feeds.md."""
    with hub.database.reading() as db:
        text = export_sessions(load_board(db))
    return Response(
        text.encode("utf-8"), media_type=CSV_TYPE,
        headers={"Content-Disposition": 'attachment; filename="sessions.csv"'},
    )  # fmt: skip


@router.post(
    "/import/sessions.csv",
    summary="Import sessions from CSV (dry run first)",
    response_model=ImportReport,
    responses={
        **errors(404, 413, 415),
        422: {"model": ImportRefused, "description": "bad rows: nothing was written"},
    },
)
def import_csv(
    request: Request,
    hub: HubDep,
    staff: StaffDep,
    data: Annotated[bytes, Body(media_type=CSV_TYPE, description="the sessions CSV, UTF-8")],
    dry_run: Annotated[bool, Query(description="check every row, write nothing")] = False,
    skip_bad_rows: Annotated[
        bool, Query(description="import the good rows even if others have errors")
    ] = False,
) -> ImportReport | JSONResponse:
    """Add the sessions in the CSV, all or nothing; a dry run lists every row's errors.

    Send the file itself as the body (``curl --data-binary @sessions.csv``), not as a form.
    """
    if request.headers.get("content-type", "").startswith("multipart/"):
        return _refuse(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, FORM_UPLOAD)
    if len(data) > MAX_BYTES:
        return _refuse(status.HTTP_413_CONTENT_TOO_LARGE, f"the file is over {MAX_BYTES} bytes")
    try:
        by = Importer(Actor.token(staff.name), hub.clock.now())
        report = import_sessions(
            hub.database, data, by, dry_run=dry_run, skip_bad_rows=skip_bad_rows
        )
    except CsvFileError as exc:
        return _refuse(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc))
    if report.errors and not (dry_run or skip_bad_rows):
        bad = report.skipped
        return _refuse(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"{bad} of {report.rows} rows have errors, so nothing was written; fix them, or "
            "send skip_bad_rows=true to import the other rows",
            report.errors,
        )
    if report.written:
        hub.publisher.publish_rooms(report.rooms)
    return report


def _refuse(code: int, detail: str, row_errors: list[RowError] | None = None) -> JSONResponse:
    body = ImportRefused(detail=detail, errors=row_errors)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=code)
