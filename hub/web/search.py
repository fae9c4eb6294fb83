"""Finding sessions: ``GET /search?q=…`` (the header's search box) and ``GET /my-cards``.

The search page lists matching sessions (see :func:`hub.web.finding.search`), each linking to
its session page. "My cards" is a page ``static/cards.js`` fills from this browser's storage.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from hub import repo
from hub.web.finding import MAX_RESULTS, search
from hub.web.pages import PageRoute, hub_of, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

#: Longer queries are cut to this many characters.
MAX_QUERY = 200


@router.get("/search")
def search_page(request: Request, q: Annotated[str, Query()] = "") -> Response:
    """The sessions matching ``q``; an empty query shows just the search form."""
    query = q[:MAX_QUERY]
    hub = hub_of(request)
    with hub.database.reading() as db:
        event = repo.find_event(db)
        results = search(db, query, event.timezone) if event is not None else []
    return render(request, "search.html", {
        "title": f"Search: {query}" if query.strip() else "Search", "search_query": query,
        "results": results, "limited": len(results) >= MAX_RESULTS,
    })  # fmt: skip


@router.get("/my-cards")
def my_cards(request: Request) -> Response:
    """The cards added from this browser (listed by ``static/cards.js``)."""
    return render(request, "my_cards.html", {"title": "My cards"})
