"""The OpenAPI description is complete, and the app keeps to it under schemathesis.

The schemathesis run drives every JSON operation of the real app (real SQLite file, seeded
board) with generated valid and invalid requests, as staff and anonymously, and fails on any
5xx, any status code the description does not list, and any body or content type that breaks
the description. A second run covers every route, the HTML pages too (described for the test
only, from their path and query parameters), anonymously and with a staff login cookie, and
fails on any 5xx. Both are bounded (a few examples per operation and mode).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import APIOperation, GenerationMode
from schemathesis.checks import CHECKS
from schemathesis.python import asgi
from starlette.routing import BaseRoute

from hub.access.staff import log_in, set_staff_password
from hub.app import create_app
from hub.settings import HubSettings
from hub.storage.db import open_database
from hub.web.security import STAFF_COOKIE
from shared.clock import FakeClock
from tests.hub.conftest import Seeded, TestClient

EXAMPLES_PER_MODE = 8
#: Only JSON API and feed routes are held to their schema; HTML pages are checked for 5xx only.
CHECKED_PREFIXES = ("/api/", "/schedule", "/rooms/", "/sessions/", "/roomstatus/", "/healthz")
CONFORMANCE = [
    "not_a_server_error", "status_code_conformance", "content_type_conformance",
    "response_headers_conformance", "response_schema_conformance",
]  # fmt: skip
HTTP_METHODS = {"get", "put", "post", "delete", "patch"}
Operation = APIOperation[Any, Any, Any, Any]


def openapi(client: TestClient) -> dict[str, Any]:
    document: dict[str, Any] = client.get("/openapi.json").json()
    return document


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def test_every_operation_has_a_summary_and_documented_errors(client: TestClient) -> None:
    document = openapi(client)
    missing = [
        f"{sorted(route.methods or ())} {route.path}: no summary of its own"
        for route in client.app.routes  # type: ignore[attr-defined]
        if isinstance(route, APIRoute) and route.include_in_schema and not route.summary
        and route.path.startswith(CHECKED_PREFIXES)
    ]  # fmt: skip
    for path, method, operation in operations(document):
        if not path.startswith(CHECKED_PREFIXES):
            continue
        errors = [code for code in operation["responses"] if code.startswith("4")]
        has_params = operation.get("parameters") or operation.get("requestBody")
        if has_params and "422" not in errors:
            missing.append(f"{method} {path}: 422 not documented")
        for code in errors:
            content = operation["responses"][code].get("content", {})
            if "application/json" not in content:
                missing.append(f"{method} {path}: {code} has no JSON body")
    assert missing == []
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_staff_operations_document_401(client: TestClient) -> None:
    document = openapi(client)
    staff_only = [
        ("/api/v1/nodes", "get"), ("/api/v1/export/sessions.csv", "get"),
        ("/api/v1/import/sessions.csv", "post"), ("/api/v1/nodes/{node_id}/identify", "post"),
        ("/api/v1/nodes/{node_id}/room", "put"),
    ]  # fmt: skip
    for path, method in staff_only:
        assert "401" in document["paths"][path][method]["responses"], path


EVERY_ROUTE = "/openapi-every-route.json"


def every_route_document(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI description of every route, pages included (they are left out of /docs)."""
    routes: list[BaseRoute] = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and context.path:
            described = copy.copy(route)
            described.include_in_schema = True
            described.path_format = context.path_format or described.path_format
            routes.append(described)
    return get_openapi(title=app.title, version=app.version, routes=routes)


@pytest.fixture
def every_route_schema(settings: HubSettings, seeded: Seeded, clock: FakeClock) -> Iterator[Any]:
    app = create_app(settings, clock=clock)
    app.state.live.lifetime_s = 0.5  # /live is an endless stream otherwise
    document = every_route_document(app)
    app.add_api_route(EVERY_ROUTE, lambda: document, include_in_schema=False)
    schema = schemathesis.openapi.from_asgi(EVERY_ROUTE, app)
    try:
        yield schema
    finally:
        asgi.shutdown_lifespans()


def staff_cookie(settings: HubSettings, clock: FakeClock) -> str:
    """A staff login's cookie, made directly in the database."""
    database = open_database(settings.database_url)
    try:
        with database.transaction() as db:
            set_staff_password(db, "fuzzer", "a long enough password")
            issued = log_in(db, "fuzzer", "a long enough password", clock.now())
    finally:
        database.dispose()
    assert issued is not None
    return f"{STAFF_COOKIE}={issued.cookie}"


@pytest.mark.slow
def test_schemathesis_finds_no_server_error_on_any_route(
    every_route_schema: Any, settings: HubSettings, clock: FakeClock
) -> None:
    identities: tuple[dict[str, str], ...] = ({"Cookie": staff_cookie(settings, clock)}, {})
    checks = [CHECKS.get_one(CONFORMANCE[0])]
    failures: list[str] = []
    pages = 0
    for result in every_route_schema.get_all_operations():
        operation: Operation = result.ok()
        if (
            operation.path.startswith(CHECKED_PREFIXES)
            and operation.path != "/sessions/{session_id}"
        ):
            continue  # the JSON API has its own, stricter run above
        pages += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for headers in identities:
                failures += _fuzz(operation, mode, headers, checks)
    assert pages > 20
    assert not failures, "\n\n".join(failures)


@pytest.fixture
def api_schema(settings: HubSettings, seeded: Seeded, clock: FakeClock) -> Iterator[Any]:
    app = create_app(settings, clock=clock)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    try:
        yield schema
    finally:
        asgi.shutdown_lifespans()


@pytest.mark.slow
def test_schemathesis_finds_no_server_error_and_no_schema_break(
    api_schema: Any, seeded: Seeded
) -> None:
    failures: list[str] = []
    for result in api_schema.get_all_operations():
        operation: Operation = result.ok()
        checked = operation.path.startswith(CHECKED_PREFIXES)
        names = CONFORMANCE if checked else CONFORMANCE[:1]
        checks = [CHECKS.get_one(name) for name in names]
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for headers in ({"Authorization": f"Bearer {seeded.staff_token}"}, {}):
                failures += _fuzz(operation, mode, headers, checks)
    assert not failures, "\n\n".join(failures)


def _fuzz(
    operation: Operation, mode: GenerationMode, headers: dict[str, str], checks: list[Any]
) -> list[str]:
    """Run one operation in one mode; return the failures found (at most one per run)."""
    found: list[str] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=EXAMPLES_PER_MODE, deadline=None, database=None, derandomize=True,
        phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=checks)

    who = "staff" if headers else "anonymous"  # a bearer token or a login cookie
    label = f"{operation.method.upper()} {operation.path} ({mode.value}, {who})"
    try:
        run()
    except Unsatisfiable:
        pass  # nothing to make invalid: an operation without parameters has no negative cases
    except BaseExceptionGroup as group:
        found += [f"{label}: {failure}" for failure in group.exceptions]
    except Exception as exc:  # every failure is reported, with its reproduction
        found.append(f"{label}: {exc!r}")
    return found
