"""Errors as people see them: HTML pages for a browser, JSON for the API, never a traceback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hub.api.deps import NoLimit
from hub.app import create_app
from hub.settings import HubSettings
from hub.web import SERVER_ERROR
from shared.clock import FakeClock
from tests.hub.conftest import Seeded, TestClient

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


class BrokenError(RuntimeError):
    """A failure nobody planned for."""


@pytest.fixture
def broken(settings: HubSettings, seeded: Seeded, clock: FakeClock) -> Iterator[TestClient]:
    """The app with a page and an API route that fail unexpectedly."""
    app = create_app(settings, clock=clock, add_card_limiter=NoLimit())

    def fail() -> None:
        raise BrokenError("secret internals: /srv/hub.db line 42")

    app.add_api_route("/boom", fail)
    app.add_api_route("/api/v1/boom", fail)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_an_unknown_address_is_a_page_for_a_browser_and_json_for_the_api(web: TestClient) -> None:
    page = web.get("/no-such-page", headers=BROWSER)
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "There is no such page here." in page.text
    api = web.get("/api/v1/no-such-thing", headers=BROWSER)
    assert api.status_code == 404
    assert api.json() == {"detail": "Not Found"}


def test_a_failure_is_a_page_in_words_without_the_traceback(broken: TestClient) -> None:
    page = broken.get("/boom", headers=BROWSER)
    assert page.status_code == 500
    assert page.headers["content-type"].startswith("text/html")
    assert SERVER_ERROR in page.text
    assert "secret internals" not in page.text
    assert "Traceback" not in page.text
    api = broken.get("/api/v1/boom", headers=BROWSER)
    assert api.status_code == 500
    assert api.json() == {"detail": SERVER_ERROR}
