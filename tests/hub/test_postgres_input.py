"""Hostile HTTP input on PostgreSQL: NUL and oversized numbers are a 422 there too (no
``DataError``), with the tests of ``test_no_server_error`` run against a private PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hub.settings import HubSettings
from tests.hub import test_no_server_error as inputs
from tests.postgres import PostgresCluster, postgres_server

test_nul_in_text = inputs.test_nul_in_a_text_field_is_removed_at_the_edge
test_nul_elsewhere = inputs.test_nul_anywhere_else_is_a_422
test_nul_in_a_page_form = inputs.test_nul_in_a_page_form_stores_no_nul
test_huge_ids_in_page_routes = inputs.test_huge_ids_in_page_routes_are_a_404_page
test_huge_ids_in_page_forms = inputs.test_huge_ids_in_page_forms_are_refused
test_huge_ids_in_json_bodies = inputs.test_huge_ids_in_json_bodies_are_a_422
test_cr_lf_title = inputs.test_a_title_with_cr_lf_keeps_the_calendar_valid


@pytest.fixture(scope="module")
def cluster() -> Iterator[PostgresCluster]:
    with postgres_server() as server:
        yield server


@pytest.fixture
def settings(cluster: PostgresCluster) -> Iterator[HubSettings]:
    url = cluster.new_database()
    yield HubSettings(database_url=url, public_url="http://hub.test")
    cluster.drop_database(url)
