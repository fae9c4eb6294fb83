"""Staff: API tokens (``/staff/tokens``: create one, shown once; revoke). The audit log is
:mod:`hub.web.staff_audit`, the door fleet :mod:`hub.web.staff_fleet`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, StringConstraints
from starlette.responses import Response

from hub import audit
from hub.access.tokens import create_staff_token
from hub.audit import Actor
from hub.repo import staff as staff_repo
from hub.web.pages import PageRoute, form_errors, hub_of, render
from hub.web.security import FormDep, StaffViewer

router = APIRouter(route_class=PageRoute, include_in_schema=False)


class TokenForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


@router.get("/staff/tokens")
def tokens_page(request: Request, viewer: StaffViewer) -> Response:
    return _tokens(request, {}, {}, None)


@router.post("/staff/tokens")
def create_token(request: Request, viewer: StaffViewer, form: FormDep) -> Response:
    """Make a token; its only showing is this answer."""
    hub = hub_of(request)
    named, errors = form_errors(TokenForm, form)
    if named is None:
        return _tokens(request, form, errors, None, 422)
    assert viewer.username is not None
    with hub.database.transaction() as db:
        token = create_staff_token(db, named.name)
        audit.record(db, Actor.staff(viewer.username), "token.create", f"API token {named.name}",
                     None, {"name": named.name}, hub.clock.now())  # fmt: skip
    return _tokens(request, {}, {}, token)


@router.post("/staff/tokens/{token_id:int}/revoke")
def revoke_token(request: Request, token_id: int, viewer: StaffViewer, form: FormDep) -> Response:
    hub = hub_of(request)
    assert viewer.username is not None
    with hub.database.transaction() as db:
        gone = staff_repo.revoke_staff_token(db, token_id)
        audit.record(db, Actor.staff(viewer.username), "token.revoke", f"API token {gone.name}",
                     {"name": gone.name}, None, hub.clock.now())  # fmt: skip
    return _tokens(request, {}, {}, None, done="revoked")


def _tokens(
    request: Request, values: Any, errors: dict[str, str], new_token: str | None,
    code: int = 200, done: str | None = None,
) -> Response:  # fmt: skip
    with hub_of(request).database.reading() as db:
        tokens = staff_repo.list_staff_tokens(db)
    return render(request, "staff/tokens.html", {
        "title": "API tokens", "tokens": tokens, "values": values, "errors": errors,
        "new_token": new_token, "done": done,
    }, status_code=code)  # fmt: skip
