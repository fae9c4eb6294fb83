"""``/healthz``: is the hub up, can it reach its database, does its broker link work.

200 with ``"status": "ok"`` while the database answers and the broker link has no problem;
503 with ``"status": "unhealthy"`` and every ``problems`` entry (kind and a sentence) while it
has one (:mod:`hub.mqtt.health`: disconnected longer than a heartbeat, flapping, a publish
rejected or not acknowledged in time). ``snapshots_trimmed`` lists rooms whose snapshot had to
be trimmed to its byte budget (:mod:`hub.mqtt.snapshot_budget`): doors still get the parts that
matter, so that alone keeps the answer 200. docs/operations.md says what to do about each.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from hub import repo
from hub.api.deps import HubDep
from hub.mqtt.health import ProblemKind

router = APIRouter(tags=["health"])

BrokerState = Literal["connected", "disconnected", "not configured"]


class Problem(BaseModel):
    kind: ProblemKind
    detail: str


class Health(BaseModel):
    status: Literal["ok", "unhealthy"]
    broker: BrokerState
    event: bool
    problems: list[Problem] = []
    snapshots_trimmed: list[str] = []


@router.get(
    "/healthz", summary="Is the hub up", response_model=Health,
    responses={503: {"model": Health, "description": "the broker link has a problem"}},
)  # fmt: skip
def healthz(hub: HubDep) -> JSONResponse:
    """200 while the hub answers, its database works and its broker link is sound; else 503."""
    with hub.database.reading() as db:
        has_event = repo.find_event(db) is not None
    broker: BrokerState = "not configured"
    problems: list[Problem] = []
    if hub.link is not None:
        broker = "connected" if hub.link.connected else "disconnected"
        problems = [Problem(kind=p.kind, detail=p.detail) for p in hub.link.health.problems()]
    trimmed = [trim.describe() for trim in hub.publisher.trimmed()]
    health = Health(
        status="unhealthy" if problems else "ok", broker=broker, event=has_event,
        problems=problems, snapshots_trimmed=trimmed,
    )  # fmt: skip
    return JSONResponse(health.model_dump(), status_code=503 if problems else 200)
