"""Web page fixtures: the app with a staff login, CSRF helpers, and a real uvicorn server."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import uvicorn

from hub.access.staff import set_staff_password
from hub.api.deps import NoLimit
from hub.app import create_app
from hub.mqtt.mosquitto import free_port
from hub.settings import HubSettings
from hub.storage.db import open_database
from shared.clock import Clock, FakeClock
from tests.hub.conftest import Seeded, TestClient, wait_until

STAFF_USER = "alice"
STAFF_PASSWORD = "correct horse battery"


def add_staff(database_url: str, username: str = STAFF_USER) -> None:
    database = open_database(database_url)
    try:
        with database.transaction() as db:
            set_staff_password(db, username, STAFF_PASSWORD)
    finally:
        database.dispose()


def csrf_of(html: str) -> str:
    """The CSRF token the page put in its forms."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


def form_post(client: TestClient, page: str, action: str, data: dict[str, str]) -> object:
    """Load ``page`` (for its CSRF token), then post ``data`` to ``action`` as its form does."""
    token = csrf_of(client.get(page).text)
    return client.post(action, data={"csrf_token": token, **data}, follow_redirects=False)


def log_in(client: TestClient) -> None:
    token = csrf_of(client.get("/staff/login").text)
    answer = client.post(
        "/staff/login",
        data={"csrf_token": token, "username": STAFF_USER, "password": STAFF_PASSWORD},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


@pytest.fixture
def web(settings: HubSettings, seeded: Seeded, clock: FakeClock) -> Iterator[TestClient]:
    """The app (no rate limit) with staff member alice; not logged in."""
    add_staff(settings.database_url)
    with TestClient(create_app(settings, clock=clock, add_card_limiter=NoLimit())) as client:
        yield client


@pytest.fixture
def staff_web(web: TestClient) -> TestClient:
    """:func:`web`, logged in as alice."""
    log_in(web)
    return web


@dataclass
class ServedHub:
    url: str
    settings: HubSettings
    seeded: Seeded
    clock: Clock


def serve(settings: HubSettings, clock: Clock, port: int | None = None) -> Iterator[str]:
    """Run the app under uvicorn on ``port`` (default: a free one) of the loopback address in a
    thread; yield its base URL."""
    port = port or free_port("127.0.0.1")
    app = create_app(settings, clock=clock, add_card_limiter=NoLimit())
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="test-hub-http")
    thread.start()
    try:
        wait_until(lambda: server.started, timeout=20)
        app.state.live.lifetime_s = 2.0
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        assert not thread.is_alive(), "uvicorn did not stop"


@pytest.fixture
def served(settings: HubSettings, seeded: Seeded, clock: FakeClock) -> Iterator[ServedHub]:
    """The hub served over real HTTP (real SQLite file, fake clock), with staff member alice."""
    add_staff(settings.database_url)
    for url in serve(settings, clock):
        yield ServedHub(url, settings, seeded, clock)


@pytest.fixture
def served_empty(settings: HubSettings, clock: FakeClock) -> Iterator[str]:
    """The hub served over real HTTP on an empty database (no event), with staff member alice;
    yields its base URL."""
    add_staff(settings.database_url)
    yield from serve(settings, clock)
