"""Each role's home page in Chromium: what waits for them, and the one action the
caseworker starts from it (record a service by code)."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.assistance.inputs import ServiceInput
from app.assistance.service import record_service
from app.clients.models import Client
from tests.browser import sign_in_page

pytestmark = pytest.mark.browser


def _client_with_service(world, work, new_client, new_case) -> str:
    client_id = new_client(world.north)
    new_case(world.north, client_id, world.worker)
    with work(world.north, world.worker) as (session, ctx):
        record_service(
            session,
            ctx,
            client_id,
            ServiceInput(
                category="counselling",
                started_on=date(2025, 3, 4),
                quantity=Decimal(1),
                language="ro",
                interpreter_used=False,
            ),
        )
        return session.get(Client, (world.north.id, client_id)).code


def test_caseworker_home_lists_cases_and_opens_services_by_code(
    browser_page, live_server, world, work, new_client, new_case, output_dir
):
    code = _client_with_service(world, work, new_client, new_case)
    page = browser_page
    sign_in_page(page, live_server, world.worker)
    mine = page.get_by_role("region", name="My cases")
    expect(mine.get_by_role("link", name=code)).to_be_visible()
    expect(mine.get_by_text("2025-03-04")).to_be_visible()
    page.screenshot(path=output_dir / "caseworker-home.png", full_page=True)
    if os.environ.get("HAVEN_DOCS_SCREENSHOTS"):  # the README's picture of the home page
        page.screenshot(path=Path(os.environ["HAVEN_DOCS_SCREENSHOTS"]) / "home.png")
    page.get_by_label("Client code").fill(code.lower())
    page.get_by_role("button", name="Open services").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    assert page.url.endswith("/services") and code not in page.url


def test_supervisor_home_shows_the_team(
    browser_page, live_server, world, work, new_client, new_case, output_dir
):
    code = _client_with_service(world, work, new_client, new_case)
    page = browser_page
    sign_in_page(page, live_server, world.supervisor)
    team = page.get_by_role("region", name="The team's open cases")
    expect(team.get_by_role("link", name=code)).to_be_visible()
    expect(team.get_by_text("Cw")).to_be_visible()
    expect(page.get_by_role("heading", name="Open cases nobody is assigned to")).to_be_visible()
    page.screenshot(path=output_dir / "supervisor-home.png", full_page=True)


def test_admin_home_shows_members_and_keys(browser_page, live_server, world, output_dir):
    page = browser_page
    sign_in_page(page, live_server, world.admin)
    expect(page.get_by_role("region", name="Members")).to_contain_text("member")
    keys = page.get_by_role("region", name="Keys")
    expect(keys.get_by_role("cell", name="in use")).to_be_visible()
    expect(page.get_by_role("heading", name="My cases")).to_have_count(0)
    page.screenshot(path=output_dir / "admin-home.png", full_page=True)
