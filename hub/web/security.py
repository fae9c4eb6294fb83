"""Who is looking at a page, and the CSRF check every form post passes.

A staff browser carries the ``openspaces_staff`` cookie (a login from :mod:`hub.access.staff`); its
forms carry that login's CSRF token. Anyone else gets a random ``openspaces_csrf`` cookie the
first time a page is rendered, and their forms carry the same value (a double-submit token).
Both cookies are HttpOnly and SameSite=Lax, and Secure when the hub's ``public_url`` is https.
A form post whose ``csrf_token`` field does not match is refused with 403 (:class:`CsrfRefused`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from starlette.responses import Response

from hub.access.staff import login_for_cookie
from hub.api.deps import HubDep
from hub.runtime import Hub

STAFF_COOKIE = "openspaces_staff"
CSRF_COOKIE = "openspaces_csrf"
CSRF_FIELD = "csrf_token"


class CsrfRefused(Exception):  # noqa: N818 (a refusal, turned into a 403 page)
    """A form post without the right CSRF token."""


class LoginRequired(Exception):  # noqa: N818 (a redirect to the login page)
    """A staff page asked for by a browser that is not logged in."""


@dataclass
class Viewer:
    """The browser behind a request: a staff member's username (or None) and its CSRF token.

    ``new_csrf_cookie`` is set when an anonymous browser needs its CSRF cookie set.
    """

    username: str | None
    csrf_token: str
    new_csrf_cookie: bool = False

    @property
    def is_staff(self) -> bool:
        return self.username is not None


def get_viewer(request: Request, hub: HubDep) -> Viewer:
    """The :class:`Viewer` of this request (cached on ``request.state`` for the templates)."""
    cached = getattr(request.state, "viewer", None)
    if isinstance(cached, Viewer):
        return cached
    viewer = _staff_viewer(request, hub) or _anonymous_viewer(request)
    request.state.viewer = viewer
    return viewer


def _staff_viewer(request: Request, hub: Hub) -> Viewer | None:
    cookie = request.cookies.get(STAFF_COOKIE)
    if not cookie:
        return None
    with hub.database.reading() as db:
        login = login_for_cookie(db, cookie, hub.clock.now())
        if login is None:
            return None
        return Viewer(login.user.username, login.csrf_token)


def _anonymous_viewer(request: Request) -> Viewer:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if len(cookie) >= 32:
        return Viewer(None, cookie)
    return Viewer(None, secrets.token_urlsafe(32), new_csrf_cookie=True)


ViewerDep = Annotated[Viewer, Depends(get_viewer)]


def require_staff_viewer(viewer: ViewerDep) -> Viewer:
    if not viewer.is_staff:
        raise LoginRequired
    return viewer


StaffViewer = Annotated[Viewer, Depends(require_staff_viewer)]


async def checked_form(request: Request, viewer: ViewerDep) -> dict[str, str]:
    """The posted form's text fields, after the CSRF check (403 :class:`CsrfRefused` if wrong)."""
    form = await request.form()
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    sent = fields.pop(CSRF_FIELD, "")
    if viewer.new_csrf_cookie or not sent or not secrets.compare_digest(sent, viewer.csrf_token):
        raise CsrfRefused
    return fields


FormDep = Annotated[dict[str, str], Depends(checked_form)]


def secure_cookies(hub: Hub) -> bool:
    return hub.settings.public_url.startswith("https://")


def set_csrf_cookie(response: Response, viewer: Viewer, hub: Hub) -> None:
    """Give an anonymous browser its CSRF cookie (a no-op when it has one)."""
    if viewer.new_csrf_cookie:
        response.set_cookie(
            CSRF_COOKIE, viewer.csrf_token, httponly=True, samesite="lax",
            secure=secure_cookies(hub), path="/",
        )  # fmt: skip
