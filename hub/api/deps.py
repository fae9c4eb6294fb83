"""Dependencies the routers share, as ``Annotated`` aliases.

``HubDep`` is the running :class:`~hub.runtime.Hub`. ``OptionalStaff`` is the staff token from
``Authorization: Bearer <token>`` (None without the header; 401 for a wrong or malformed one);
``StaffDep`` requires it. ``EditTokenDep`` is a session's private edit token, from ``?token=``
or the ``X-Edit-Token`` header. ``AddCardGate`` is the seam where the public add-a-card call
is rate limited (:class:`hub.access.ratelimit.TokenBucketLimiter` by default; tests may pass another
:class:`AddCardLimiter` to ``create_app``).
"""

from __future__ import annotations

from typing import Annotated, Protocol

from fastapi import Depends, Header, HTTPException, Query, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from hub.access.tokens import staff_for_token
from hub.runtime import Hub
from hub.storage.models import StaffToken

_bearer = HTTPBearer(
    auto_error=False, description="a staff token from `openspaces hub create-token`"
)


def get_hub(request: Request) -> Hub:
    hub: Hub = request.app.state.hub
    return hub


HubDep = Annotated[Hub, Depends(get_hub)]


def _unauthorized(message: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, message, headers={"WWW-Authenticate": "Bearer"}
    )


def optional_staff(
    request: Request,
    hub: HubDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> StaffToken | None:
    """The caller's staff token, or None when no Authorization header was sent."""
    if credentials is None:
        if "authorization" in request.headers:
            raise _unauthorized("the Authorization header must be 'Bearer <staff token>'")
        return None
    with hub.database.reading() as db:
        staff = staff_for_token(db, credentials.credentials)
    if staff is None:
        raise _unauthorized("that staff token is not valid")
    return staff


OptionalStaff = Annotated[StaffToken | None, Depends(optional_staff)]


def require_staff(staff: OptionalStaff) -> StaffToken:
    if staff is None:
        raise _unauthorized("this needs a staff token: send 'Authorization: Bearer <token>'")
    return staff


StaffDep = Annotated[StaffToken, Depends(require_staff)]


def edit_token(
    token: Annotated[str | None, Query(description="the session's private edit token")] = None,
    x_edit_token: Annotated[str | None, Header()] = None,
) -> str | None:
    return token or x_edit_token


EditTokenDep = Annotated[str | None, Depends(edit_token)]


class AddCardLimiter(Protocol):
    """Decides whether a public add-a-card call from ``client`` (an address) may go ahead."""

    def allow(self, client: str) -> bool: ...


class NoLimit:
    """Lets every call through (for tests and benchmarks; the app uses
    :class:`hub.access.ratelimit.TokenBucketLimiter` unless told otherwise)."""

    def allow(self, client: str) -> bool:
        return True


def add_card_gate(request: Request, staff: OptionalStaff) -> None:
    """Refuse (429) a public add-a-card call the limiter does not allow; staff pass."""
    if staff is not None:
        return
    limiter: AddCardLimiter = request.app.state.add_card_limiter
    client = request.client.host if request.client else "unknown"
    if not limiter.allow(client):
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "too many new cards; try later")


AddCardGate = Annotated[None, Depends(add_card_gate)]
