"""The ideas wall: ``/ideas`` lists topics people would like to see and takes new ones;
``/ideas/{id}/host`` lets anyone take an idea up, which puts it on the board as a card."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, status
from starlette.responses import RedirectResponse, Response

from hub.audit import Actor
from hub.changes import ideas as changes
from hub.errors import HubError
from hub.repo import ideas as ideas_repo
from hub.web.cards import added_page
from hub.web.forms import CardForm, IdeaForm, free_places, parse_place
from hub.web.pages import (
    PageRoute,
    actor_of,
    form_errors,
    hub_of,
    public_write_allowed,
    render,
    status_of,
)
from hub.web.security import FormDep, StaffViewer, get_viewer

router = APIRouter(route_class=PageRoute, include_in_schema=False)

SLOW_DOWN = "You have posted a lot in a short time. Please wait a while and try again."


@router.get("/ideas")
def ideas_wall(request: Request) -> Response:
    return _wall(request, {}, {})


@router.post("/ideas")
def post_idea(request: Request, form: FormDep) -> Response:
    """Put an idea on the wall, or show the form again with the problem and the typed text."""
    viewer = get_viewer(request, hub_of(request))
    idea, errors = form_errors(IdeaForm, form)
    if idea is None:
        return _wall(request, form, errors, status.HTTP_422_UNPROCESSABLE_CONTENT)
    if not public_write_allowed(request):
        return _wall(request, form, {"form": SLOW_DOWN}, status.HTTP_429_TOO_MANY_REQUESTS)
    changes.post_idea(hub_of(request), actor_of(viewer), idea.title, idea.description,
                      idea.proposer)  # fmt: skip
    return RedirectResponse("/ideas?posted=1", status.HTTP_303_SEE_OTHER)


@router.get("/ideas/{idea_id:int}/host")
def host_form(request: Request, idea_id: int) -> Response:
    """Take the idea up: choose a free slot, say who hosts (title and text can be adjusted)."""
    with hub_of(request).database.reading() as db:
        idea = ideas_repo.get_idea(db, idea_id)
        values = {"title": idea.title, "description": idea.description, "place": ""}
    return _host(request, idea_id, values, {})


@router.post("/ideas/{idea_id:int}/host")
def host_idea(request: Request, idea_id: int, form: FormDep) -> Response:
    hub, viewer = hub_of(request), get_viewer(request, hub_of(request))
    card, errors = form_errors(CardForm, form)
    place = parse_place(form.get("place", ""))
    if place is None:
        errors["place"] = "Please choose a room and time."
    if card is None or place is None:
        return _host(request, idea_id, form, errors, status.HTTP_422_UNPROCESSABLE_CONTENT)
    if not public_write_allowed(request):
        return _host(request, idea_id, form, {"form": SLOW_DOWN}, 429)
    try:
        new = changes.host_idea(hub, actor_of(viewer), idea_id, place[0], place[1], card.text())
    except HubError as exc:
        return _host(request, idea_id, form, {"place": str(exc)}, status_of(exc))
    return added_page(request, new)


@router.post("/ideas/{idea_id:int}/remove")
def remove_idea(request: Request, idea_id: int, viewer: StaffViewer, form: FormDep) -> Response:
    """Take an idea off the wall (staff)."""
    assert viewer.username is not None
    changes.remove_idea(hub_of(request), Actor.staff(viewer.username), idea_id)
    return RedirectResponse("/ideas", status.HTTP_303_SEE_OTHER)


def _wall(request: Request, values: Any, errors: dict[str, str], code: int = 200) -> Response:
    with hub_of(request).database.reading() as db:
        ideas = ideas_repo.list_ideas(db)
        rows = [(idea, idea.session) for idea in ideas]
    return render(request, "ideas.html", {
        "title": "Ideas wall", "open_ideas": [i for i, s in rows if s is None],
        "taken": [(i, s) for i, s in rows if s is not None], "values": values, "errors": errors,
        "posted": request.query_params.get("posted") == "1",
    }, status_code=code)  # fmt: skip


def _host(
    request: Request, idea_id: int, values: Any, errors: dict[str, str], code: int = 200
) -> Response:
    hub = hub_of(request)
    with hub.database.reading() as db:
        idea = ideas_repo.get_idea(db, idea_id)
        places = free_places(db, hub.clock.now())
    return render(request, "host_idea.html", {
        "title": f"Host “{idea.title}”", "idea": idea, "values": values, "errors": errors,
        "places": places,
    }, status_code=code)  # fmt: skip
