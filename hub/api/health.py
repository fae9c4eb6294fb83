"""``/healthz``: is the hub up, can it reach its database, is it connected to the broker."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from hub import repository as repo
from hub.api.deps import HubDep

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok"]
    broker: Literal["connected", "disconnected", "not configured"]
    event: bool


@router.get("/healthz", summary="Is the hub up")
def healthz(hub: HubDep) -> Health:
    """200 while the hub answers and its database works; ``broker`` tells the MQTT state."""
    with hub.database.reading() as db:
        has_event = repo.find_event(db) is not None
    if hub.link is None:
        broker: Literal["connected", "disconnected", "not configured"] = "not configured"
    else:
        broker = "connected" if hub.link.connected else "disconnected"
    return Health(status="ok", broker=broker, event=has_event)
