"""The edit link's token is traded for a cookie and never stays in an address or a log line."""

from __future__ import annotations

from pathlib import Path

import httpx

from hub.app import create_app
from hub.http.serving import redact
from hub.settings import HubSettings
from shared.clock import FakeClock
from tests.hub.conftest import Seeded, TestClient, seed
from tests.hub.hub_process import hub_process
from tests.hub.web.conftest import csrf_of
from tests.hub.web.test_cards import edit_link, open_edit_link, post_card


def new_card(web: TestClient, seeded: Seeded, slot: int = 5) -> str:
    return edit_link(post_card(web, f"room-a|{seeded.slot_ids[slot]}").text)


def test_opening_the_link_sets_a_strict_path_scoped_cookie(web: TestClient, seeded: Seeded) -> None:
    link = new_card(web, seeded)
    opening = web.get(link)
    cookie = opening.headers["set-cookie"]
    path = link.split("?")[0]
    assert f"Path={path}" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
    assert opening.headers["referrer-policy"] == "no-referrer"
    page = web.get(path)
    assert page.status_code == 200
    assert "token" not in page.text.split("<main", 1)[1].lower().replace("csrf_token", "")


def test_a_clean_address_without_the_cookie_is_refused(
    web: TestClient, seeded: Seeded, settings: HubSettings, clock: FakeClock
) -> None:
    link = new_card(web, seeded)
    with TestClient(create_app(settings, clock=clock)) as stranger:
        assert stranger.get(link.split("?")[0]).status_code == 403
        page = stranger.get("/add")
        posted = stranger.post(link.split("?")[0], data={
            "csrf_token": csrf_of(page.text), "token": link.split("token=")[1],
            "action": "withdraw",
        })  # fmt: skip
        assert posted.status_code == 403  # a token in the form is not enough any more


def test_the_link_still_works_when_shared(
    web: TestClient, seeded: Seeded, settings: HubSettings, clock: FakeClock
) -> None:
    link = new_card(web, seeded)
    assert open_edit_link(web, link).status_code == 200
    with TestClient(create_app(settings, clock=clock)) as co_host:
        assert open_edit_link(co_host, link).status_code == 200


def test_saving_redirects_to_a_clean_address(web: TestClient, seeded: Seeded) -> None:
    link = new_card(web, seeded, slot=2)  # on now: it may be marked full
    page = open_edit_link(web, link)
    saved = web.post(link.split("?")[0], data={
        "csrf_token": csrf_of(page.text), "action": "full",
    }, follow_redirects=False)  # fmt: skip
    assert saved.status_code == 303
    assert saved.headers["location"] == link.split("?")[0] + "?done=full"


def test_redaction() -> None:
    assert redact("/sessions/1/edit?token=abc&x=1") == "/sessions/1/edit?token=[redacted]&x=1"
    assert redact("/a?x=1&edit_token=s3cret") == "/a?x=1&edit_token=[redacted]"
    assert redact("/sessions/1/edit") == "/sessions/1/edit"


def test_the_access_log_of_a_real_hub_holds_no_token(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'hub.db'}"
    seeded = seed(database_url)
    with hub_process(tmp_path, database_url) as hub, httpx.Client(base_url=hub.url) as browser:
        form = browser.get("/add")
        added = browser.post("/add", data={
            "csrf_token": csrf_of(form.text), "place": f"room-a|{seeded.slot_ids[7]}",
            "title": "Logs",
        })  # fmt: skip
        link = edit_link(added.text.replace("http://127.0.0.1:8000", "http://hub.test"))
        token = link.split("token=")[1]
        assert browser.get(link).status_code == 200
        assert browser.get(link.split("?")[0]).status_code == 200
        api = browser.patch(f"/api/v1/sessions/{link.split('/')[2]}?token={token}",
                            json={"host_name": "Ana"})  # fmt: skip
        assert api.status_code == 200
        log = hub.log_text()
    assert "GET /sessions/" in log  # the access log is on
    assert token not in log
    assert "token=[redacted]" in log
