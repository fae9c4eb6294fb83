"""``/api/v1/nodes`` (staff): the door fleet and what each node last reported."""

from __future__ import annotations

import json

from fastapi import APIRouter

from hub import repository as repo
from hub.api.deps import HubDep, StaffDep
from hub.api.responses import errors
from hub.api.schemas import NodePublic

router = APIRouter(prefix="/api/v1/nodes", tags=["nodes"], responses=errors(401))


@router.get("", summary="List door nodes (staff)")
def list_nodes(hub: HubDep, staff: StaffDep) -> list[NodePublic]:
    """Every known node: room, panel, online, last seen and its last status report."""
    with hub.database.transaction() as db:
        return [
            NodePublic.of(node, json.loads(node.last_status) if node.last_status else None)
            for node in repo.list_nodes(db)
        ]
