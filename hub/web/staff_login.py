"""Staff login and logout: ``/staff/login`` (argon2 password check) and ``/staff/logout``.

A successful login sets the ``openspaces_staff`` cookie (HttpOnly, SameSite=Lax, Secure on an
https hub, expiring with the login) and goes to the page asked for. Failed attempts slow down
further ones with exponential backoff per account, per address and per both
(:class:`~hub.access.login_throttle.LoginThrottle`), so a guesser is held off without locking out a
colleague behind the same address or the account's owner elsewhere.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from starlette.responses import RedirectResponse, Response

from hub.access.login_throttle import LoginThrottle
from hub.access.staff import log_in, log_out
from hub.web.pages import PageRoute, hub_of, render
from hub.web.security import STAFF_COOKIE, FormDep, secure_cookies

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/staff/login")
def login_form(request: Request, next: Annotated[str, Query()] = "/staff") -> Response:
    return render(request, "staff/login.html", {
        "title": "Staff login", "next": _safe_next(next), "values": {}, "error": None,
    })  # fmt: skip


@router.post("/staff/login")
def login(request: Request, form: FormDep) -> Response:
    """Check the password; set the login cookie and go on, or show the form again."""
    hub = hub_of(request)
    username, target = form.get("username", "").strip(), _safe_next(form.get("next", ""))
    client = request.client.host if request.client else "unknown"
    throttle: LoginThrottle = request.app.state.login_throttle
    wait = throttle.retry_after(username, client)
    if wait > 0:
        seconds = math.ceil(wait)
        message = f"Too many failed attempts. Try again in {seconds} seconds."
        refused = _refused(request, username, target, message, 429)
        refused.headers["Retry-After"] = str(seconds)
        return refused
    hours = timedelta(hours=hub.settings.staff_login_hours)
    with hub.database.transaction() as db:
        issued = log_in(db, username, form.get("password", ""), hub.clock.now(), hours)
    if issued is None:
        throttle.failed(username, client)
        return _refused(request, username, target, "That username and password do not match.")
    throttle.succeeded(username, client)
    response = RedirectResponse(target, status.HTTP_303_SEE_OTHER)
    response.set_cookie(
        STAFF_COOKIE, issued.cookie, max_age=int(hours.total_seconds()), expires=issued.expires_at,
        httponly=True, samesite="lax", secure=secure_cookies(hub), path="/",
    )  # fmt: skip
    return response


@router.post("/staff/logout")
def logout(request: Request, form: FormDep) -> Response:
    hub = hub_of(request)
    cookie = request.cookies.get(STAFF_COOKIE)
    if cookie:
        with hub.database.transaction() as db:
            log_out(db, cookie)
    response = RedirectResponse("/", status.HTTP_303_SEE_OTHER)
    response.delete_cookie(STAFF_COOKIE, path="/")
    return response


def _refused(request: Request, username: str, target: str, error: str, code: int = 401) -> Response:
    return render(request, "staff/login.html", {
        "title": "Staff login", "next": target, "values": {"username": username}, "error": error,
    }, status_code=code)  # fmt: skip


def _safe_next(target: str) -> str:
    """Only a path on this site (``/staff/...``); anything else goes to the staff home."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/staff"
