"""``GET /metrics``: the hub and its door fleet in the Prometheus text format.

Scrapers send ``Authorization: Bearer <token>``: the hub's ``metrics_token`` setting, or a staff
token; without one the answer is 401, unless ``metrics_public = true`` in the hub's config.

Every app gets its own :class:`~prometheus_client.CollectorRegistry` (:func:`install`), never
the process-global one, so tests and the demo can build many apps in one process. Series:

=============================================  ====================================================
``openspaces_nodes``                           nodes the hub knows (provisioned or assigned)
``openspaces_nodes_online``                    of those, how many last said "online"
``openspaces_node_online{node}``               1 if that node last said "online", else 0
``openspaces_node_clock_offset_seconds{node}`` the node's clock minus the hub's, as it reported
``openspaces_frames_mismatched``               online nodes whose frame differs from the hub's
``openspaces_fleet_alerts{kind}``              the fleet page's alerts: offline, wrong_frame, clock
``openspaces_snapshots_published_total``       room snapshot versions published (database total)
``openspaces_button_events_total``             button events applied, each id once (database)
``openspaces_http_request_duration_seconds``   HTTP latency by method, route template and status
``openspaces_broker_healthy``                  1 while the broker link has no problem (as
                                               ``/healthz``: :mod:`hub.mqtt.health`), else 0
``openspaces_broker_problems{kind}``           1 per current problem: disconnected, flapping,
                                               rejected, unacknowledged
``openspaces_mqtt_publishes_rejected_total``   publishes the broker answered with a failure code
``openspaces_mqtt_unacknowledged``             QoS 1 publishes waiting for their PUBACK
``openspaces_mqtt_disconnects_total``          times the broker connection was lost
``openspaces_snapshots_trimmed``               rooms whose snapshot was trimmed or held back to
                                               fit its byte budget (:mod:`hub.mqtt.snapshot_budget`)
``openspaces_node_messages_dropped_total``     node messages dropped, by ``kind`` (event,
``{kind,reason}``                              status) and ``reason`` (:mod:`hub.mqtt.presses`)
=============================================  ====================================================

The broker and drop series exist only while the hub has a broker configured; they count since
the hub process started.

The fleet series are read from the database at scrape time, so they are right after a restart
and agree with ``GET /api/v1/nodes`` and the staff fleet page: one rule, :mod:`hub.fleet`,
decides whether a node's frame is the one the hub expects (same renderer, same "also on now"
context, a refresh started early before a slot boundary accepted). A node that has not applied
the latest snapshot, or is mid-refresh, counts as mismatched for that moment: alert on
``openspaces_fleet_alerts``, which counts only conditions that lasted the hub's
``fleet_alert_after_s``.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Annotated, get_args

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, Response, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub import repo
from hub.access.tokens import staff_for_token
from hub.api.responses import errors
from hub.fleet import AlertKind, read_fleet
from hub.mqtt.health import ProblemKind
from hub.runtime import Hub

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


_bearer = HTTPBearer(auto_error=False, description="the hub's metrics_token, or a staff token")


@router.get(
    "/metrics", response_class=Response, include_in_schema=True, summary="Prometheus metrics",
    responses=errors(401),
)  # fmt: skip
def metrics(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Response:
    """The Prometheus text exposition of this hub's registry.

    Needs ``Authorization: Bearer <metrics_token>`` (or a staff token) unless the hub's
    ``metrics_public`` setting is true: the series name every door and its clock offset.
    """
    _require_access(request.app.state.hub, credentials)
    registry: CollectorRegistry = request.app.state.metrics
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


def _require_access(hub: Hub, credentials: HTTPAuthorizationCredentials | None) -> None:
    settings = hub.settings
    if settings.metrics_public:
        return
    if credentials is not None:
        sent = credentials.credentials
        expected = settings.metrics_token
        if expected is not None and secrets.compare_digest(sent.encode(), expected.encode()):
            return
        with hub.database.reading() as db:
            if staff_for_token(db, sent) is not None:
                return
    raise HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        "metrics need 'Authorization: Bearer <metrics_token or staff token>'",
        headers={"WWW-Authenticate": "Bearer"},
    )


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
        return [*self._read(hub), *_link_series(hub)]

    def _read(self, hub: Hub) -> Iterator[Metric]:
        fleet = read_fleet(hub.database, hub.clock.now(), hub.settings.fleet_alert_after_s)
        with hub.database.reading() as db:
            versions, presses = repo.snapshot_versions(db), repo.button_events(db)
        online = GaugeMetricFamily("openspaces_node_online", "1 if the node said online.", None,
                                   ["node"])  # fmt: skip
        offset = GaugeMetricFamily("openspaces_node_clock_offset_seconds",
                                   "The node's clock minus the hub's.", None, ["node"])  # fmt: skip
        alerts = GaugeMetricFamily("openspaces_fleet_alerts", "Alerts on the staff fleet page.",
                                   None, ["kind"])  # fmt: skip
        for health in fleet:
            node = health.node
            online.add_metric([node.node_id], 1.0 if node.online else 0.0)
            if node.status is not None and node.status.clock_offset_s is not None:
                offset.add_metric([node.node_id], node.status.clock_offset_s)
        for kind in get_args(AlertKind):
            alerts.add_metric([kind], sum(1 for h in fleet for a in h.alerts if a.kind == kind))
        yield GaugeMetricFamily("openspaces_nodes", "Nodes the hub knows.", len(fleet))
        yield GaugeMetricFamily("openspaces_nodes_online", "Nodes that last said online.",
                                sum(1 for h in fleet if h.node.online))  # fmt: skip
        yield online
        yield offset
        yield GaugeMetricFamily("openspaces_frames_mismatched",
                                "Online nodes whose frame differs from the hub's render.",
                                sum(1 for h in fleet if h.frame == "mismatch"))  # fmt: skip
        yield alerts
        yield CounterMetricFamily("openspaces_snapshots_published", "Room snapshot versions "
                                  "published.", versions)  # fmt: skip
        yield CounterMetricFamily("openspaces_button_events", "Button events applied.", presses)


def _link_series(hub: Hub) -> Iterator[Metric]:
    """The broker link's health, trimmed snapshots and dropped node messages."""
    yield GaugeMetricFamily("openspaces_snapshots_trimmed", "Rooms whose snapshot was trimmed "
                            "to its byte budget.", len(hub.publisher.trimmed()))  # fmt: skip
    if hub.link is None or hub.worker is None:
        return
    health = hub.link.health
    problems = health.problems()
    yield GaugeMetricFamily("openspaces_broker_healthy", "1 if the broker link has no problem.",
                            0.0 if problems else 1.0)  # fmt: skip
    kinds = GaugeMetricFamily("openspaces_broker_problems", "Current broker link problems.",
                              None, ["kind"])  # fmt: skip
    for kind in get_args(ProblemKind):
        kinds.add_metric([kind], sum(1.0 for p in problems if p.kind == kind))
    yield kinds
    yield CounterMetricFamily("openspaces_mqtt_publishes_rejected", "Publishes the broker "
                              "rejected.", health.rejected_total)  # fmt: skip
    yield CounterMetricFamily("openspaces_mqtt_disconnects", "Times the broker connection was "
                              "lost.", health.disconnects_total)  # fmt: skip
    yield GaugeMetricFamily("openspaces_mqtt_unacknowledged", "QoS 1 publishes waiting for "
                            "their acknowledgement.", health.unacknowledged())  # fmt: skip
    dropped = CounterMetricFamily("openspaces_node_messages_dropped", "Node messages the hub "
                                  "dropped.", None, ["kind", "reason"])  # fmt: skip
    for (kind, reason), count in sorted(hub.worker.dropped.counts().items()):
        dropped.add_metric([kind, reason], count)
    yield dropped
