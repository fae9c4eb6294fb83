"""Hosts keep control of their card: withdraw asks once and can be undone for a while, the
device that added a card can reach it, and the link can be mailed to yourself."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from hub import audit
from hub.app import create_app
from hub.changes.withdrawal import UNDO_WINDOW
from hub.settings import HubSettings
from shared.clock import FakeClock
from tests.hub.conftest import Seeded, TestClient, hub_of, staff
from tests.hub.web.conftest import csrf_of
from tests.hub.web.test_cards import edit_link, open_edit_link, post_card

ON_NOW = 2


def added(web: TestClient, seeded: Seeded, slot: int = ON_NOW) -> tuple[str, int]:
    """A card added through the form: its clean edit address and its id."""
    link = edit_link(post_card(web, f"room-a|{seeded.slot_ids[slot]}").text)
    assert open_edit_link(web, link).status_code == 200
    return link.split("?")[0], int(link.split("/")[2])


def act(web: TestClient, address: str, action: str) -> Any:
    token = csrf_of(web.get("/add").text)
    return web.post(address, data={"csrf_token": token, "action": action})


def test_withdraw_asks_once_and_the_door_changes_only_after_yes(
    web: TestClient, seeded: Seeded
) -> None:
    address, session_id = added(web, seeded)
    asked = act(web, address, "withdraw")
    assert "Withdraw your card?" in asked.text
    assert "This session is on now" in asked.text
    assert 'value="withdraw-confirmed"' in asked.text
    assert f'href="{address}"' in asked.text, "a way back without withdrawing"
    assert "This session was cancelled" not in web.get(f"/sessions/{session_id}").text
    done = act(web, address, "withdraw-confirmed")
    assert "Your card is withdrawn" in done.text
    assert "Undo: put my card back" in done.text
    assert "This session was cancelled" in web.get(f"/sessions/{session_id}").text


def test_undo_puts_the_card_back_and_staff_see_both_in_the_audit_log(
    web: TestClient, seeded: Seeded, clock: FakeClock
) -> None:
    address, session_id = added(web, seeded)
    act(web, address, "withdraw-confirmed")
    clock.advance(UNDO_WINDOW - timedelta(seconds=1))
    undone = act(web, address, "undo")
    assert "Your card is back on the board" in undone.text
    assert "This session was cancelled" not in web.get(f"/sessions/{session_id}").text
    with hub_of(web).database.reading() as db:
        entries = [e for e in audit.list_entries(db) if e.target == f"session {session_id}"]
    assert [(e.action, e.actor) for e in entries[:2]] == [
        ("session.restore", "host (edit link)"), ("session.cancel", "host (edit link)"),
    ]  # fmt: skip


def test_undo_ends_after_the_window(web: TestClient, seeded: Seeded, clock: FakeClock) -> None:
    address, session_id = added(web, seeded, slot=5)
    act(web, address, "withdraw-confirmed")
    clock.advance(UNDO_WINDOW + timedelta(seconds=1))
    page = web.get(address).text
    assert "Undo: put my card back" not in page
    late = act(web, address, "undo")
    assert late.status_code == 409
    assert "can only be undone for 10 minutes" in late.text
    assert "This session was cancelled" in web.get(f"/sessions/{session_id}").text


def test_undo_says_why_when_the_slot_was_taken(
    web: TestClient, seeded: Seeded, settings: HubSettings, clock: FakeClock
) -> None:
    address, _ = added(web, seeded, slot=5)
    act(web, address, "withdraw-confirmed")
    with TestClient(create_app(settings, clock=clock)) as someone_else:
        taken = post_card(someone_else, f"room-a|{seeded.slot_ids[5]}", title="Taken")
        assert taken.status_code == 200
    refused = act(web, address, "undo")
    assert refused.status_code == 409
    assert "cannot go back in its slot" in refused.text
    assert "Room A already has a session" in refused.text


def test_a_card_staff_cancelled_cannot_be_undone_by_its_host(
    web: TestClient, seeded: Seeded
) -> None:
    address, session_id = added(web, seeded, slot=5)
    web.patch(f"/api/v1/sessions/{session_id}", json={"status": "cancelled"},
              headers=staff(seeded))  # fmt: skip
    assert "Undo: put my card back" not in web.get(address).text
    refused = act(web, address, "undo")
    assert refused.status_code == 409
    assert "Staff have cancelled this card" in refused.text


def test_the_device_that_added_a_card_can_open_it_without_the_link(
    web: TestClient, seeded: Seeded
) -> None:
    answer = post_card(web, f"room-a|{seeded.slot_ids[5]}")
    link = edit_link(answer.text)
    assert f"Path={link.split('?')[0]}" in answer.headers["set-cookie"]
    assert web.get(link.split("?")[0]).status_code == 200
    assert f'data-link="http://hub.test{link}"'.replace("&", "&amp;") in answer.text
    assert 'href="/my-cards"' in answer.text
    assert web.get("/my-cards").status_code == 200


def test_the_added_page_offers_to_mail_the_link_to_yourself(
    web: TestClient, seeded: Seeded
) -> None:
    answer = post_card(web, f"room-a|{seeded.slot_ids[5]}", title="Robots & rovers")
    link = edit_link(answer.text)
    found = answer.text.split('id="mail-link" href="', 1)[1].split('"', 1)[0]
    mail = urlsplit(found.replace("&amp;", "&"))
    assert mail.scheme == "mailto"
    assert mail.path == "", "no address: the visitor types their own"
    assert "%0D%0A" in mail.query, "lines end in CRLF"
    fields = parse_qs(mail.query)
    assert fields["subject"] == ["Edit link for your session “Robots & rovers”"]
    assert f"http://hub.test{link}" in fields["body"][0]
