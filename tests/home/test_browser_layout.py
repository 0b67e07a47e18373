"""The screens look finished in Chromium: the header on one line at 1280 px, tables that
scroll inside their own box on a 390 px phone, the record-service form in two columns on
a wide screen, and a question before closing a case."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.auth.models import Role
from app.context import Actor
from app.demo import seed_casework
from tests.browser import sign_in_page

pytestmark = pytest.mark.browser


def _seeded(work, world):
    with work(world.north, world.worker) as (session, _ctx):
        ctx = Actor(world.worker.user.id, world.north.id, frozenset({Role.caseworker}))
        return [c.id for c in seed_casework(session, ctx, "EUR")]


def _one_line(page, selector: str) -> bool:
    """Whether the elements matched by ``selector`` overlap vertically: one line."""
    return page.evaluate(
        """sel => { const boxes = [...document.querySelectorAll(sel)]
                      .map(e => e.getBoundingClientRect()).filter(b => b.height > 0);
                    return Math.max(...boxes.map(b => b.top))
                         < Math.min(...boxes.map(b => b.bottom)); }""",
        selector,
    )


def test_header_fits_one_line_at_1280_for_each_role(browser_page, live_server, world, output_dir):
    page = browser_page
    for person in (world.worker, world.supervisor, world.admin):
        sign_in_page(page, live_server, person)
        assert _one_line(page, ".site-header > *, .nav > li"), person.email
        page.screenshot(path=output_dir / f"header-{person.email.split('@')[0]}.png")
        page.context.clear_cookies()


def test_phone_width_scrolls_tables_inside_not_the_page(
    _chromium, live_server, world, work, output_dir
):
    client_id = _seeded(work, world)[0]
    context = _chromium.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    try:
        page = context.new_page()
        sign_in_page(page, live_server, world.worker)
        for path in ("/", f"/clients/{client_id}/services", "/clients"):
            page.goto(f"{live_server}{path}")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (path, width)
        page.screenshot(path=output_dir / "services-390.png", full_page=True)
    finally:
        context.close()


def test_record_service_form_has_two_columns_when_wide(
    browser_page, live_server, world, work, output_dir
):
    client_id = _seeded(work, world)[0]
    page = browser_page
    sign_in_page(page, live_server, world.worker)
    page.goto(f"{live_server}/clients/{client_id}/services")
    category = page.get_by_label("Service", exact=True).bounding_box()
    subtype = page.locator("#subtype_id").bounding_box()
    assert abs(category["y"] - subtype["y"]) < 2 and subtype["x"] > category["x"] + 200
    notes = page.locator("#notes").bounding_box()
    assert notes["width"] > 600  # the notes take the whole width
    page.screenshot(path=output_dir / "record-service.png", full_page=True)


def test_closing_a_case_asks_first(browser_page, live_server, world, work):
    client_id = _seeded(work, world)[0]
    page = browser_page
    sign_in_page(page, live_server, world.worker)
    page.goto(f"{live_server}/clients/{client_id}/case")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Close the case").click()
    assert asked and "Close this case?" in asked[0]
    expect(page.get_by_role("button", name="Close the case")).to_be_visible()  # still open
