"""``GET /metrics``: the hub and its door fleet in the Prometheus text format.

Every app gets its own :class:`~prometheus_client.CollectorRegistry` (:func:`install`), never
the process-global one, so tests and the demo can build many apps in one process. Series:

=============================================  ====================================================
``openspaces_nodes``                           nodes the hub knows (provisioned or assigned)
``openspaces_nodes_online``                    of those, how many last said "online"
``openspaces_node_online{node}``               1 if that node last said "online", else 0
``openspaces_node_clock_offset_seconds{node}`` the node's clock minus the hub's, as it reported
``openspaces_frames_mismatched``               online nodes whose frame differs from the hub's
``openspaces_snapshots_published_total``       room snapshot versions published (database total)
``openspaces_button_events_total``             button events applied, each id once (database)
``openspaces_http_request_duration_seconds``   HTTP latency by method, route template and status
=============================================  ====================================================

The fleet series are read from the database at scrape time, so they are right after a restart
and agree with ``GET /api/v1/nodes``. A frame is *mismatched* when the hash a node reported
differs from the hash of :func:`shared.render.render_door` for the room's latest stored
snapshot, the node's panel and the hub's clock (a node that has not applied the latest
snapshot, or is mid-refresh after a slot boundary, counts too: alert on it lasting minutes).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from functools import lru_cache

from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from pydantic import ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub import repository as repo
from hub.runtime import Hub
from shared import wire
from shared.render import NodeContext, frame_hash, get_panel, render_door

log = logging.getLogger(__name__)

router = APIRouter(tags=["health"])
#: Latency buckets (seconds): the API answers in milliseconds, door previews in tenths.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def install(app: FastAPI) -> CollectorRegistry:
    """Give ``app`` a registry (``app.state.metrics``), the latency middleware and ``/metrics``."""
    registry = CollectorRegistry()
    latency = Histogram(
        "openspaces_http_request_duration_seconds", "Time to answer an HTTP request.",
        ["method", "route", "status"], registry=registry, buckets=LATENCY_BUCKETS,
    )  # fmt: skip
    registry.register(FleetCollector(lambda: getattr(app.state, "hub", None)))
    app.state.metrics = registry
    app.add_middleware(LatencyMiddleware, histogram=latency)
    app.include_router(router)
    return registry


@router.get("/metrics", response_class=Response, include_in_schema=True)
def metrics(request: Request) -> Response:
    """The Prometheus text exposition of this hub's registry."""
    registry: CollectorRegistry = request.app.state.metrics
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


class LatencyMiddleware:
    """Times every HTTP request into ``histogram``, labelled by its route *template*
    (``/api/v1/sessions/{session_id}``, or ``unmatched``) so labels stay few."""

    def __init__(self, app: ASGIApp, histogram: Histogram) -> None:
        self.app = app
        self.histogram = histogram

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            self.histogram.labels(scope["method"], route, str(status)).observe(
                time.perf_counter() - started
            )


class FleetCollector(Collector):
    """Reads the fleet and the totals from the hub's database at every scrape."""

    def __init__(self, hub: Callable[[], Hub | None]) -> None:
        self._hub = hub

    def collect(self) -> Iterable[Metric]:
        hub = self._hub()
        if hub is None:  # the app is not running (no lifespan): nothing to read
            return []
        return list(self._read(hub))

    def _read(self, hub: Hub) -> Iterator[Metric]:
        now = hub.clock.now()
        with hub.database.transaction() as db:
            nodes = [(n.node_id, n.online, n.last_status) for n in repo.list_nodes(db)]
            frames = {row.room_id: row.payload for row in repo.stored_snapshots(db)}
            versions, presses = repo.snapshot_versions(db), repo.button_events(db)
        statuses = {node_id: _status(text) for node_id, _, text in nodes}
        online = GaugeMetricFamily("openspaces_node_online", "1 if the node said online.", None,
                                   ["node"])  # fmt: skip
        offset = GaugeMetricFamily("openspaces_node_clock_offset_seconds",
                                   "The node's clock minus the hub's.", None, ["node"])  # fmt: skip
        for node_id, is_online, _ in nodes:
            online.add_metric([node_id], 1.0 if is_online else 0.0)
            status = statuses[node_id]
            if status is not None and status.clock_offset_s is not None:
                offset.add_metric([node_id], status.clock_offset_s)
        yield GaugeMetricFamily("openspaces_nodes", "Nodes the hub knows.", len(nodes))
        yield GaugeMetricFamily("openspaces_nodes_online", "Nodes that last said online.",
                                sum(1 for _, up, _ in nodes if up))  # fmt: skip
        yield online
        yield offset
        mismatched = sum(
            1 for node_id, up, _ in nodes
            if up and _mismatched(node_id, statuses[node_id], frames, now)
        )  # fmt: skip
        yield GaugeMetricFamily("openspaces_frames_mismatched",
                                "Online nodes whose frame differs from the hub's render.",
                                mismatched)  # fmt: skip
        yield CounterMetricFamily("openspaces_snapshots_published", "Room snapshot versions "
                                  "published.", versions)  # fmt: skip
        yield CounterMetricFamily("openspaces_button_events", "Button events applied.", presses)


def _status(text: str | None) -> wire.NodeStatus | None:
    if text is None:
        return None
    try:
        return wire.NodeStatus.model_validate_json(text)
    except ValidationError:
        return None


def _mismatched(
    node_id: str, status: wire.NodeStatus | None, frames: dict[str, str], now: datetime
) -> bool:
    """Whether the node's reported frame differs from the hub's render (unknown: no)."""
    if status is None or status.frame_hash is None or status.room_id not in frames:
        return False
    if status.panel is None:
        return False
    expected = expected_frame_hash(frames[status.room_id], status.panel, node_id,
                                   now.replace(second=0, microsecond=0))  # fmt: skip
    return expected is not None and expected != status.frame_hash


@lru_cache(maxsize=128)
def expected_frame_hash(
    snapshot_json: str, panel_id: str, node_id: str, at: datetime
) -> str | None:
    """The hash of the frame a node on ``panel_id`` should show for the snapshot at ``at``.

    Cached per minute of ``at``: a door changes only at slot boundaries. None for a panel or a
    stored snapshot the hub cannot read.
    """
    try:
        panel = get_panel(panel_id)
        snapshot = wire.RoomSnapshot.model_validate_json(snapshot_json)
    except (LookupError, ValueError):
        log.warning("cannot compare node %s's frame: panel %s or its snapshot unreadable",
                    node_id, panel_id)  # fmt: skip
        return None
    return frame_hash(render_door(snapshot, at, panel, NodeContext(node_id=node_id)))
