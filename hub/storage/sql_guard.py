"""A guard on every SQL statement the hub sends: no NUL and no oversized number in it.

SQLite would store a NUL inside text as it is (and cut it short in some readers); PostgreSQL
refuses it with a ``DataError``. Either way it is never meant, so :func:`install` makes every
statement whose parameters hold a NUL raise :class:`~hub.errors.InvalidError` before it is
sent: the API answers 422, a page shows the problem, the MQTT worker logs and drops it. The
same goes for an integer outside PostgreSQL's ``integer`` (which SQLite would take up to 2**63
and then overflow: an ``OverflowError``). This is the one place that catches them from any
source (JSON, forms, query strings, paths, CSV, MQTT); input models also bound their ids and
clean their text where they are read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine, event

from hub.errors import InvalidError

NUL = "\x00"
MESSAGE = "text may not contain NUL (\\u0000) characters"
#: Every integer column is PostgreSQL ``integer`` (SQLite overflows past 2**63 anyway).
LARGEST = 2**31 - 1
TOO_LARGE = f"a number in the request is out of range (at most {LARGEST})"


def install(engine: Engine) -> None:
    """Refuse, on ``engine``, any statement whose parameters contain a NUL character."""
    event.listen(engine, "before_cursor_execute", _refuse_nul)


def _refuse_nul(
    connection: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
) -> None:
    rows = parameters if many else [parameters]
    for row in rows or ():
        values = row.values() if isinstance(row, Mapping) else row
        for value in values or ():
            if isinstance(value, str) and NUL in value:
                raise InvalidError(MESSAGE)
            if isinstance(value, int) and not -LARGEST - 1 <= value <= LARGEST:
                raise InvalidError(TOO_LARGE)
