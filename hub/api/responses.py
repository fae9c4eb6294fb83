"""How the API documents its error answers in OpenAPI.

Every error the hub sends is JSON ``{"detail": "<a sentence for people>"}`` (see
:mod:`hub.app`); a 422 for invalid input adds ``errors``, one phrase per problem.
:func:`errors` builds the ``responses=`` mapping a router or route passes to FastAPI, so
``/docs`` lists each 4xx a call can give, with that model. Passing 422 here also replaces
FastAPI's default validation-error schema, which does not match the hub's answer.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path
from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    """An error answer: ``detail`` says what went wrong, for a person to read."""

    detail: str = Field(examples=["there is no session 42"])
    errors: list[str] | None = Field(
        default=None, description="invalid input only: every problem, one phrase each"
    )


_MEANING = {
    400: "the request cannot be understood",
    401: "a staff token (or the session's edit token) is missing or not valid",
    403: "the edit token is not for this session",
    404: "no such room, slot, session or node, or no event set up yet",
    409: "the change clashes with the schedule (slot taken, blocked or over), or staff hold "
    "the card (an edit token cannot undo their cancel, move or lock)",
    413: "the upload is too large",
    415: "the body is not in a format this call reads",
    422: "the input is invalid; `detail` says which field and why",
    429: "too many requests from this client; try again later",
    503: "the hub is not connected to the MQTT broker; try again shortly",
}

ResponsesDoc = dict[int | str, dict[str, Any]]


def errors(*codes: int) -> ResponsesDoc:
    """``{code: {"model": ErrorDetail, "description": ...}}`` for each status code."""
    return {code: {"model": ErrorDetail, "description": _MEANING[code]} for code in codes}


#: The largest id a table holds on every database the hub runs on (PostgreSQL ``integer``).
MAX_ROW_ID = 2**31 - 1
#: A row id in a path: out-of-range numbers are a 422, not a database overflow.
PathId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
