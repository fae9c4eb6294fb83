"""Every page form, posted with a valid CSRF token and generated fields, never gives a 500.

Hypothesis fills the fields every page form reads (text with control characters and NUL,
huge and odd numbers, dates at the ends of the calendar) and posts them to every POST page
route, anonymously and as logged-in staff, with real ids and huge ones in the path.
"""

from __future__ import annotations

import re

from fastapi.routing import APIRoute, iter_route_contexts
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.hub.conftest import Seeded, TestClient
from tests.hub.web.conftest import csrf_of, log_in

FIELDS = [
    "action", "next", "password", "place", "room_id", "token", "username", "capacity", "date",
    "description", "first_hour", "last_hour", "host_handle", "host_name", "id", "label",
    "location", "name", "position", "proposer", "slot_id", "start", "text", "title",
    "until_date", "until_time", "room", "slot", "expires",
]  # fmt: skip
ODD_NUMBERS = st.sampled_from(
    [str(2**64), str(2**31), "-1", "0", "1", "१२", "²", "1e309", "nan", "9" * 400, " 3 "]
)
ODD_DATES = st.sampled_from(
    ["0001-01-01", "9999-12-31", "2027-02-30", "2027-05-15", "24:00", "23:59", "00:00"]
)
VALUES = st.one_of(
    st.text(max_size=40), ODD_NUMBERS, ODD_DATES,
    st.text(alphabet=st.characters(codec="utf-8"), max_size=10).map(lambda t: t + "\x00"),
    st.sampled_from(["save", "withdraw", "withdraw-confirmed", "undo", "full", "not-full",
                     "room-a|1", "room-a|" + "9" * 30]),
)  # fmt: skip
FORMS = st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=8)
PATH_IDS = st.sampled_from(["1", "2", "4", "9999999999", "room-a", "door-1"])


def post_routes(client: TestClient) -> list[str]:
    app = client.app
    paths = []
    for context in iter_route_contexts(app.routes):  # type: ignore[attr-defined]
        route = context.original_route
        if isinstance(route, APIRoute) and "POST" in (route.methods or ()):
            path = context.path_format or route.path_format
            if not path.startswith("/api/") and path != "/staff/logout":
                paths.append(path)
    return sorted(set(paths))


def fuzz_forms(client: TestClient, csrf: str) -> None:
    routes = post_routes(client)
    assert len(routes) > 10

    @given(route=st.sampled_from(routes), path_id=PATH_IDS, form=FORMS)
    @hypothesis_settings(
        max_examples=150, database=None, derandomize=True,
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    def post(route: str, path_id: str, form: dict[str, str]) -> None:
        path = re.sub(r"\{[a-z_]+\}", path_id, route)
        answer = client.post(path, data={**form, "csrf_token": csrf}, follow_redirects=False)
        assert answer.status_code < 500, (path, form, answer.text[:300])

    post()


def test_anonymous_forms_never_give_a_500(web: TestClient, seeded: Seeded) -> None:
    fuzz_forms(web, csrf_of(web.get("/add").text))


def test_staff_forms_never_give_a_500(web: TestClient, seeded: Seeded) -> None:
    log_in(web)
    fuzz_forms(web, csrf_of(web.get("/staff").text))
