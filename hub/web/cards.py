"""Add-a-card for hosts, no account: ``/add``, and the private edit page of a card.

``GET /add?room=..&slot=..`` shows the form for that free slot (or a choice of free slots);
``POST /add`` adds the card (rate limited per client address, like the API) and answers with
the private edit link ``/sessions/{id}/edit?token=…``. There the host edits the card, marks it
full or not, or withdraws it (the door then says "cancelled" and the slot is free again). A
form with a mistake comes back with the typed text kept and the problem named.

The edit link's token never stays in an address: opening the link puts it in a cookie
(HttpOnly, SameSite=Strict, only sent to ``/sessions/{id}/edit``) and moves the browser on to
the clean ``/sessions/{id}/edit``, which reads the cookie. The move is a tiny page that
refreshes itself rather than an HTTP redirect: a link followed from another site (a mail, a
chat) would otherwise arrive without the Strict cookie. The link keeps working, so it can be
shared with a co-host; each browser that opens it gets its own cookie.

Adding the card sets the cookie too, and the "added" page keeps the link in this browser's
"My cards" list (``/my-cards``, in localStorage, by ``static/cards.js``), so the device that
made a card reaches it after a reload; the page also offers a ``mailto:`` link that sends the
link to yourself. Withdrawing asks once (a confirmation page, no script needed) and can be
undone for a while (:mod:`hub.changes.withdrawal`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, HTTPException, Query, Request, status
from starlette.responses import RedirectResponse, Response

from hub import repo
from hub.audit import HOST
from hub.changes import sessions as changes
from hub.changes import withdrawal
from hub.errors import HubError
from hub.repo import fleet as fleet_repo
from hub.storage.models import Session
from hub.web.forms import CardForm, free_places, parse_place
from hub.web.pages import (
    PageRoute,
    actor_of,
    form_errors,
    hub_of,
    public_write_allowed,
    render,
    status_of,
)
from hub.web.security import FormDep, get_viewer, secure_cookies

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/add")
def add_form(
    request: Request,
    room: Annotated[str | None, Query()] = None,
    slot: Annotated[int | None, Query()] = None,
) -> Response:
    """The add-a-card form, for the free slot named (or a choice of every free slot)."""
    chosen = f"{room}|{slot}" if room and slot is not None else ""
    return _form(request, {"place": chosen}, {})


@router.post("/add")
def add_card(request: Request, form: FormDep) -> Response:
    """Add the card; answer with its private edit link, or the form again with the problem."""
    hub, viewer = hub_of(request), get_viewer(request, hub_of(request))
    card, errors = form_errors(CardForm, form)
    place = parse_place(form.get("place", ""))
    if place is None:
        errors["place"] = "Please choose a room and time."
    if card is None or place is None:
        return _form(request, form, errors, status.HTTP_422_UNPROCESSABLE_CONTENT)
    if not public_write_allowed(request):
        message = "You have added many cards in a short time. Please wait a while and try again."
        return _form(request, form, {"form": message}, status.HTTP_429_TOO_MANY_REQUESTS)
    try:
        new = changes.add_card(hub, actor_of(viewer), place[0], place[1], card.text())
    except HubError as exc:
        return _form(request, form, {"place": str(exc)}, status_of(exc))
    return added_page(request, new)


def added_page(request: Request, new: changes.NewCard) -> Response:
    """The answer to a card just added: its private edit link (remembered in "My cards", to
    copy or to mail to yourself) and the card's edit cookie for this browser."""
    hub = hub_of(request)
    edit_url = f"{hub.links.session(new.session.id)}/edit?token={new.edit_token}"
    with hub.database.reading() as db:
        start = new.session.slot.start.astimezone(repo.zone_of(repo.get_event(db).timezone))
        on_door = fleet_repo.door_shows(
            db, new.session.room_id, new.session.slot_id, hub.clock.now()
        )
    response = render(request, "added.html", {
        "title": "Your card is on the board", "session": new.session, "start": start,
        "edit_url": edit_url if new.edit_token else None, "on_door": on_door,
        "mail_href": mail_link(new.session.title, start, edit_url) if new.edit_token else None,
    })  # fmt: skip
    if new.edit_token:
        _set_edit_cookie(request, response, new.session.id, new.edit_token)
    return response


def mail_link(title: str, start: datetime, edit_url: str) -> str:
    """A ``mailto:`` (no address: the visitor types their own) with the edit link in its body
    (lines end in CRLF, as RFC 6068 asks)."""
    subject = f"Edit link for your session “{title}”"
    body = "\r\n".join([
        f"Your session “{title}” ({start.strftime('%A %-d %B, %H:%M')}).", "",
        "Open this private link to edit, mark full or withdraw it:", edit_url, "",
        "Anyone with this link can change the card: keep it to yourself and your co-hosts.",
    ])  # fmt: skip
    return "mailto:?" + urlencode({"subject": subject, "body": body}, quote_via=quote)


EDIT_COOKIE = "openspaces_edit"
#: How long a browser keeps a card's edit cookie (the link itself does not expire).
EDIT_COOKIE_DAYS = 30


@router.get("/sessions/{session_id:int}/edit")
def edit_form(
    request: Request, session_id: int, token: Annotated[str | None, Query()] = None
) -> Response:
    """The host's private page for the card; opening the edit link (``?token=``) first trades
    the token for the card's edit cookie (see the module docstring)."""
    if token is not None:
        _check_token(request, session_id, token)
        return _exchange(request, session_id, token)
    token = _edit_cookie(request)
    session = _check_token(request, session_id, token)
    values = {k: getattr(session, k) for k in ("title", "description", "host_name", "host_handle")}
    return _edit(request, session_id, values, {})


@router.post("/sessions/{session_id:int}/edit")
def edit_card(request: Request, session_id: int, form: FormDep) -> Response:
    """Save the card's text, mark it full / not full, withdraw it (``withdraw`` asks first,
    ``withdraw-confirmed`` does it) or undo that (``undo``): the ``action`` field."""
    _check_token(request, session_id, _edit_cookie(request))
    hub, action = hub_of(request), form.get("action", "save")
    if action == "withdraw":
        return _confirm_withdraw(request, session_id)
    try:
        if action == "withdraw-confirmed":
            changes.update_session(hub, HOST, session_id, changes.SessionChange(status="cancelled"))
        elif action == "undo":
            withdrawal.undo_withdraw(hub, session_id)
        elif action in ("full", "not-full"):
            changes.set_full(hub, HOST, session_id, action == "full")
        else:
            card, errors = form_errors(CardForm, form)
            if card is None:
                return _edit(request, session_id, form, errors, 422)
            text = card.text()
            changes.update_session(hub, HOST, session_id, changes.SessionChange(
                title=text.title, description=text.description, host_name=text.host_name,
                host_handle=text.host_handle,
            ))  # fmt: skip
    except HubError as exc:
        return _edit(request, session_id, form, {"form": str(exc)}, status_of(exc))
    return RedirectResponse(f"/sessions/{session_id}/edit?done={action}", status.HTTP_303_SEE_OTHER)


def _confirm_withdraw(request: Request, session_id: int) -> Response:
    """The one question before withdrawing: a page with "Yes, withdraw" and "Keep it"."""
    hub = hub_of(request)
    with hub.database.reading() as db:
        session = repo.get_session(db, session_id)
        room = session.room
        start = session.slot.start.astimezone(repo.zone_of(repo.get_event(db).timezone))
        on_now = session.slot.start <= hub.clock.now() < session.slot.end
    minutes = int(withdrawal.UNDO_WINDOW.total_seconds() // 60)
    return render(request, "withdraw.html", {
        "title": "Withdraw your card?", "session": session, "room": room,
        "start": start, "on_now": on_now, "undo_minutes": minutes,
    })  # fmt: skip


def _exchange(request: Request, session_id: int, token: str) -> Response:
    """Set the card's edit cookie and move on to the clean address (a same-site navigation)."""
    clean = f"/sessions/{session_id}/edit"
    response = render(request, "edit_open.html", {"title": "Opening your card", "target": clean})
    response.headers["Referrer-Policy"] = "no-referrer"
    _set_edit_cookie(request, response, session_id, token)
    return response


def _set_edit_cookie(request: Request, response: Response, session_id: int, token: str) -> None:
    response.set_cookie(
        EDIT_COOKIE, token, max_age=EDIT_COOKIE_DAYS * 24 * 3600,
        path=f"/sessions/{session_id}/edit", httponly=True, samesite="strict",
        secure=secure_cookies(hub_of(request)),
    )  # fmt: skip


def _edit_cookie(request: Request) -> str:
    return request.cookies.get(EDIT_COOKIE, "")


def _form(
    request: Request, values: dict[str, str], errors: dict[str, str], code: int = 200
) -> Response:
    hub = hub_of(request)
    with hub.database.reading() as db:
        places = free_places(db, hub.clock.now())
    chosen = values.get("place", "")
    taken = bool(chosen) and chosen not in {p.value for p in places} and "place" not in errors
    if taken:
        errors = {**errors, "place": "That slot is not free any more. Please choose another."}
    return render(request, "add.html", {
        "title": "Add your session", "values": values, "errors": errors, "places": places,
    }, status_code=code)  # fmt: skip


def _edit(
    request: Request, session_id: int, values: Any, errors: dict[str, str], code: int = 200
) -> Response:
    hub = hub_of(request)
    with hub.database.reading() as db:
        session = repo.get_session(db, session_id)
        zone = repo.zone_of(repo.get_event(db).timezone)
        room, start = session.room, session.slot.start.astimezone(zone)
        until = withdrawal.undo_until(db, session)
        now = hub.clock.now()
        on_now = session.status == "scheduled" and session.slot.start <= now < session.slot.end
        on_door = fleet_repo.door_shows(db, session.room_id, session.slot_id, now)
    done = request.query_params.get("done")
    held = changes.held_message(session) if session.moderated else None
    undo = until.astimezone(zone) if until is not None and until > hub.clock.now() else None
    return render(request, "edit.html", {
        "title": "Edit your card", "session": session, "room": room, "start": start,
        "values": values, "errors": errors, "done": done, "held": held, "undo_until": undo,
        "on_now": on_now, "on_door": on_door,
    }, status_code=code)  # fmt: skip


def _check_token(request: Request, session_id: int, token: str) -> Session:
    hub = hub_of(request)
    with hub.database.reading() as db:
        session = repo.get_session(db, session_id)
        if not token or not repo.edit_token_matches(session, token):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                "This edit link is not valid for this card. Open the whole link you were "
                "given when you added it (this browser needs cookies for this site).",
            )
        return session
