"""The sessions CSV: its columns, writing it, and reading it back row by row.

One row per session, header first (``docs/feeds.md`` documents it for people)::

    room_id,day,start,title,description,host_name,host_handle,full,status
    room-a,2027-05-15,10:00,Maker projects,Bring your Pi,Ana López,@ana,false,scheduled

``day`` and ``start`` are the slot's local date and time in the event's time zone. On import a
row may name its slot by ``slot_id`` instead of ``day`` + ``start``; ``description``,
``host_name``, ``host_handle``, ``full`` (true/false, yes/no, 1/0) and ``status``
(scheduled/cancelled) may be left out. Rows are numbered as a spreadsheet numbers them: the
header is row 1. A cell that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return) is written with a leading ``'``, which import removes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from hub.errors import InvalidError
from hub.repo.feeds import Board, BoardSession

EXPORT_COLUMNS = (
    "room_id", "day", "start", "title", "description", "host_name", "host_handle", "full",
    "status",
)  # fmt: skip
IMPORT_COLUMNS = (*EXPORT_COLUMNS, "slot_id")
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CsvFileError(InvalidError):
    """The upload as a whole cannot be read as the sessions CSV (encoding, header, size)."""


class RowError(BaseModel):
    """One problem in one cell: ``row`` as a spreadsheet numbers it (header = 1)."""

    row: int
    column: str
    message: str


@dataclass(frozen=True)
class CsvRow:
    """A data row: its number and its cells by column name (absent columns are "").

    ``overflow`` is the header's width when the row has more non-blank cells than the header
    has columns (usually a comma in a cell that is not quoted), else 0.
    """

    number: int
    cells: dict[str, str]
    overflow: int = 0

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


def export_sessions(board: Board) -> str:
    """Every session (scheduled and cancelled), in slot order, as CSV text."""
    zone = ZoneInfo(board.event.timezone)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for session in board.sessions:
        writer.writerow([_safe_cell(cell) for cell in _cells(session, zone)])
    return out.getvalue()


def _cells(session: BoardSession, zone: ZoneInfo) -> list[str]:
    local = session.start.astimezone(zone)
    return [
        session.room_id, local.date().isoformat(), local.strftime("%H:%M"), session.title,
        session.description, session.host_name, session.host_handle,
        "true" if session.full else "false", session.status,
    ]  # fmt: skip


def _safe_cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def unescape_cell(value: str) -> str:
    """Undo :func:`_safe_cell`: ``"'=x"`` → ``"=x"``; anything else unchanged."""
    if value.startswith("'") and value[1:].startswith(_FORMULA_STARTS):
        return value[1:]
    return value


def read_rows(data: bytes) -> list[CsvRow]:
    """The data rows of an uploaded CSV; :class:`CsvFileError` if the file cannot be used.

    UTF-8 (with or without a byte-order mark); comma-separated, or semicolon-separated when the
    header has semicolons and no commas. Header names are trimmed and case-insensitive. Rows
    whose cells are all blank are skipped.
    """
    if len(data) > MAX_BYTES:
        raise CsvFileError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvFileError("the file is not UTF-8 text (save it as 'CSV UTF-8')") from None
    if not text.strip():
        raise CsvFileError("the file is empty; it needs a header row and one row per session")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return list(_rows(reader))
    except csv.Error as exc:
        near = reader.line_num
        raise CsvFileError(f"the file is not valid CSV near line {near}: {exc}") from None


def _rows(reader: Iterator[list[str]]) -> Iterator[CsvRow]:
    header = [name.strip().lower() for name in next(reader)]
    _check_header(header)
    for number, cells in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            raise CsvFileError(f"the file has more than {MAX_ROWS} rows; split it")
        if not any(cell.strip() for cell in cells):
            continue
        overflow = any(cell.strip() for cell in cells[len(header) :])
        yield CsvRow(number, _by_column(header, cells), len(header) if overflow else 0)


def _by_column(header: list[str], cells: list[str]) -> dict[str, str]:
    return {name: unescape_cell(cell.strip()) for name, cell in zip(header, cells, strict=False)}


def _check_header(header: list[str]) -> None:
    unknown = [name for name in header if name not in IMPORT_COLUMNS]
    if unknown:
        raise CsvFileError(
            f"row 1 has unknown column(s) {', '.join(repr(n) for n in unknown)}; "
            f"the columns are {', '.join(IMPORT_COLUMNS)}"
        )
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise CsvFileError(f"row 1 names column(s) {', '.join(repeated)} more than once")
    missing = [name for name in ("room_id", "title") if name not in header]
    if "slot_id" not in header:
        missing += [name for name in ("day", "start") if name not in header]
    if missing:
        raise CsvFileError(
            f"row 1 lacks column(s) {', '.join(missing)}; a row needs room_id, title, and "
            "either day and start or slot_id"
        )
