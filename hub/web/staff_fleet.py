"""Staff: the door fleet (``/staff/fleet``): every node's health, alerts, identify and assign.

The page reads :func:`hub.fleet.read_fleet` (the same rule as ``GET /api/v1/nodes`` and
``/metrics``): online or offline since when, whether the frame on the glass is the one the hub
expects, a preview of that frame, and the alerts at the top. Hub-level alerts come first: the
broker link's problems (the same as ``/healthz``'s, :mod:`hub.mqtt.health`) and rooms whose
snapshot was trimmed to its byte budget (:mod:`hub.mqtt.snapshot_budget`). Each node has an
**Identify** button and an **Assign** form; both post with the CSRF token and go through
:mod:`hub.changes.fleet`.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from fastapi import APIRouter, Request, status
from starlette.responses import RedirectResponse, Response

from hub import repo
from hub.audit import Actor
from hub.changes import fleet as changes
from hub.fleet import NodeHealth, read_fleet
from hub.runtime import Hub
from hub.web.pages import PageRoute, error_page, hub_of, render
from hub.web.security import FormDep, StaffViewer, Viewer

router = APIRouter(route_class=PageRoute, include_in_schema=False)

_DONE = {"identify": "The door blinks and shows its id for 30 s.", "assigned": "Assigned."}


@router.get("/staff/fleet")
def fleet_page(request: Request, viewer: StaffViewer) -> Response:
    """The door nodes: alerts first, then each node with its state, frame and actions."""
    hub = hub_of(request)
    now = hub.clock.now()
    fleet = read_fleet(hub.database, now, hub.settings.fleet_alert_after_s)
    with hub.database.reading() as db:
        zone = repo.zone_of(repo.get_event(db).timezone) if repo.find_event(db) else None
        rooms = [(room.id, room.name) for room in repo.list_rooms(db)]
    names = dict(rooms)
    nodes = [_node_row(health, names, zone) for health in fleet]
    alerts = [
        {"node_id": alert.node_id, "kind": alert.kind, "since": _local(alert.since, zone),
         "offset": alert.clock_offset_s, "room_name": names.get(h.node.room_id or "")}
        for h in fleet for alert in h.alerts
    ]  # fmt: skip
    done = _DONE.get(request.query_params.get("done", ""))
    return render(request, "staff/fleet.html", {
        "title": "Door fleet", "nodes": nodes, "alerts": alerts, "rooms": rooms, "done": done,
        "alert_after": _duration(hub.settings.fleet_alert_after_s),
        "hub_alerts": _hub_alerts(hub),
    })  # fmt: skip


def _hub_alerts(hub: Hub) -> list[str]:
    """The hub's own troubles, one sentence each: broker link problems, trimmed snapshots."""
    problems = [p.detail for p in hub.link.health.problems()] if hub.link is not None else []
    return [*problems, *(trim.describe() for trim in hub.publisher.trimmed())]


@router.post("/staff/fleet/{node_id:slug}/identify")
def identify(request: Request, node_id: str, viewer: StaffViewer, form: FormDep) -> Response:
    """Send the identify command; 503 with a page that says why when the broker is away."""
    if changes.identify_node(hub_of(request), _actor(viewer), node_id) is None:
        return error_page(request, 503, "The hub is not connected to the MQTT broker, so the "
                          "door cannot be told. Try again in a moment.")  # fmt: skip
    return RedirectResponse(f"/staff/fleet?done=identify#node-{node_id}",
                            status.HTTP_303_SEE_OTHER)  # fmt: skip


@router.post("/staff/fleet/{node_id:slug}/room")
def assign(request: Request, node_id: str, viewer: StaffViewer, form: FormDep) -> Response:
    """Assign the node to the chosen room ("" for none) and publish its config."""
    room_id = form.get("room_id", "").strip() or None
    changes.assign_node(hub_of(request), _actor(viewer), node_id, room_id)
    return RedirectResponse(f"/staff/fleet?done=assigned#node-{node_id}",
                            status.HTTP_303_SEE_OTHER)  # fmt: skip


def _node_row(health: NodeHealth, names: dict[str, str], zone: tzinfo | None) -> dict[str, Any]:
    node, report = health.node, health.node.status
    return {
        "node_id": node.node_id, "online": node.online, "last_seen": _local(node.last_seen, zone),
        "room_id": node.room_id, "room_name": names.get(node.room_id or "", "—"),
        "panel": health.panel, "frame": health.frame,
        "wrong_since": _local(health.wrong_since, zone),
        "software": report.software_version if report else None,
        "applied": report.applied_version if report else None,
        "offset": report.clock_offset_s if report else None,
        "error": report.last_error if report else None,
        "alerted": bool(health.alerts),
    }  # fmt: skip


def _duration(seconds: float) -> str:
    """``180`` → ``"3 min"``, ``90`` → ``"90 s"``."""
    return f"{seconds / 60:g} min" if seconds % 60 == 0 else f"{seconds:g} s"


def _local(moment: datetime | None, zone: tzinfo | None) -> datetime | None:
    return moment.astimezone(zone) if moment is not None and zone is not None else moment


def _actor(viewer: Viewer) -> Actor:
    assert viewer.username is not None
    return Actor.staff(viewer.username)
