"""``/docs`` in a real Chromium with no network beyond the hub: Swagger UI renders the API."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Route, expect, sync_playwright

from tests.hub.web.browser import launch_chromium
from tests.hub.web.conftest import ServedHub

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def test_the_api_docs_render_without_internet(served: ServedHub, browser: Browser) -> None:
    hub_host = urlsplit(served.url).netloc
    elsewhere: list[str] = []

    def only_the_hub(route: Route) -> None:
        if urlsplit(route.request.url).netloc == hub_host:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context = browser.new_context()
    context.set_default_timeout(15_000)
    context.route("**/*", only_the_hub)
    page = context.new_page()
    try:
        page.goto(served.url + "/docs")
        expect(page.locator(".opblock").first).to_be_visible(timeout=30_000)
        expect(page.locator('[data-path="/api/v1/sessions"]').first).to_be_visible(timeout=30_000)
    finally:
        context.close()
    assert elsewhere == [], f"the docs page asked beyond the hub: {elsewhere}"
