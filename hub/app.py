"""The hub's web application, built by :func:`create_app` (never at import time).

The lifespan starts a :class:`~hub.runtime.Hub` (database migrated, snapshots stored, MQTT link
and worker running if a broker is configured) and stops it on shutdown. Errors become JSON
``{"detail": "<a sentence for people>"}``: 404 for unknown things, 409 for clashes with the
schedule, 422 for invalid input, 401/403 for missing or wrong credentials; never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from hub import metrics, web
from hub.access.ratelimit import TokenBucketLimiter
from hub.api import event, health, ideas, manage, nodes, rooms, sessions, slots
from hub.api.deps import AddCardLimiter
from hub.errors import ConflictError, HubError, InvalidError, NotFoundError
from hub.feeds.routes import install as install_feeds
from hub.http import api_docs
from hub.http.body_limit import BodyLimit
from hub.mqtt.link import ClientFactory, paho_client
from hub.runtime import Hub
from hub.settings import HubSettings
from shared import __version__
from shared.clock import Clock, SystemClock

log = logging.getLogger(__name__)

_STATUS_OF: list[tuple[type[HubError], int]] = [
    (NotFoundError, status.HTTP_404_NOT_FOUND),
    (ConflictError, status.HTTP_409_CONFLICT),
    (InvalidError, status.HTTP_422_UNPROCESSABLE_CONTENT),
]


def create_app(
    settings: HubSettings,
    *,
    clock: Clock | None = None,
    client_factory: ClientFactory = paho_client,
    add_card_limiter: AddCardLimiter | None = None,
) -> FastAPI:
    """The hub app for ``settings``. ``clock`` defaults to :class:`SystemClock`.

    ``client_factory`` makes the paho client (tests and the demo may wrap it). While the app
    runs, ``app.state.hub`` is the :class:`~hub.runtime.Hub` (database, publisher, link).
    """
    used_clock: Clock = clock if clock is not None else SystemClock()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        hub = Hub.start(settings, used_clock, client_factory)
        app.state.hub = hub
        hub.publisher.listeners.append(app.state.live.notify)
        try:
            yield
        finally:
            app.state.live.close()
            hub.stop()

    app = FastAPI(
        title="Open Spaces door signs hub", version=__version__, lifespan=lifespan,
        docs_url=None, redoc_url=None,
        description="The schedule of an Open Spaces board, and the door signs that show it.",
    )  # fmt: skip
    app.state.settings = settings
    app.state.add_card_limiter = add_card_limiter or TokenBucketLimiter(
        used_clock, burst=settings.add_card_burst, per_hour=settings.add_card_per_hour
    )
    install_feeds(app)  # first: /rooms/{id}.ics must win over catch-all page routes
    for router in (
        event.router,
        rooms.router,
        slots.router,
        sessions.router,
        nodes.router,
        health.router,
    ):
        app.include_router(router)
    app.include_router(manage.router)
    app.include_router(ideas.router)
    web.install(app, used_clock)
    api_docs.install(app)
    metrics.install(app)
    app.add_middleware(  # last, so outermost: nothing reads a body before it is counted
        BodyLimit, limit=settings.max_body_bytes, import_limit=settings.max_import_bytes
    )
    app.add_exception_handler(HubError, _hub_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    return app


async def _hub_error(request: Request, exc: Exception) -> JSONResponse:
    code = next((c for kind, c in _STATUS_OF if isinstance(exc, kind)), status.HTTP_400_BAD_REQUEST)
    return JSONResponse({"detail": str(exc)}, status_code=code)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    messages = [_describe(error) for error in errors[:5]]
    return JSONResponse(
        {"detail": "; ".join(messages), "errors": [_describe(e) for e in errors]},
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
    )


def _describe(error: dict[str, object]) -> str:
    """One validation error as a phrase: ``"title: String should have at most 120 characters"``."""
    loc = error.get("loc", ())
    parts = [str(p) for p in loc] if isinstance(loc, (list, tuple)) else []
    if error.get("type") == "json_invalid":
        return "the request body is not valid JSON"
    if error.get("type") == "extra_forbidden":
        return f"{parts[-1] if parts else 'field'}: not a field you can set here"
    if parts and parts[0] in ("body", "query", "path", "header"):
        where = parts[0] if len(parts) == 1 else ".".join(parts[1:])
        if parts[0] != "body":
            where = f"{parts[0]} parameter {where}"
    else:
        where = ".".join(parts) or "request"
    return f"{where}: {error.get('msg', 'invalid')}"
