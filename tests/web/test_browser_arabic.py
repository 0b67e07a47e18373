"""Arabic in a real browser (Debian's Chromium): a caseworker whose organisation works in
English switches the interface to Arabic from the page header, on a client's page, with a
plain form (no script needed). The page comes back the same, in Arabic, right to left, with
the header mirrored; the choice stays for the next page.

``HAVEN_DOCS_SCREENSHOTS=docs/screenshots`` also saves the README's Arabic screenshot
(``client-page-ar.png``, viewport only, 1280×800); every run saves it to
test-output/<test name>/.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.clients.service import register_client
from app.context import Actor
from app.db import bind_actor, unit_of_work
from app.keys.service import attach_keyring
from tests.browser import sign_in_page
from tests.clients.conftest import intake

pytestmark = pytest.mark.browser

NAME = "Olena Kovalenko"


def test_caseworker_switches_to_arabic_from_the_header_on_a_client_page(
    app, live_server, browser_page, factory, output_dir
):
    north = factory.organisation("north")
    worker = factory.person("cw@north.org", {north: {"caseworker"}})
    with unit_of_work(app.extensions["haven.sessionmaker"]) as session:
        attach_keyring(session, app.extensions["haven.master"])
        bind_actor(session, north.id, None)
        ctx = Actor(None, north.id, frozenset({"caseworker"}))
        facts = {
            "gender": "female",
            "age_band": "25_34",
            "nationality": "UA",
            "languages": ["uk", "ru"],
            "preferred_language": "uk",
            "forms_of_exploitation": ["labour"],
        }
        client = register_client(session, ctx, intake(facts, {"name": NAME}))
        client_id, code = client.id, client.code
    page = browser_page
    sign_in_page(page, live_server, worker)
    client_url = f"{live_server}/clients/{client_id}"
    page.goto(client_url)
    expect(page.locator("html")).to_have_attribute("dir", "ltr")

    header = page.get_by_role("banner")
    header.get_by_label("Language").select_option(label="العربية")
    header.get_by_role("button", name="Change language").click()

    expect(page).to_have_url(client_url)
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    expect(page.get_by_role("navigation", name="القائمة الرئيسية")).to_be_visible()
    expect(header.get_by_role("button", name="غيّر اللغة")).to_be_visible()
    expect(header.get_by_label("اللغة")).to_have_value("ar")
    assert NAME not in page.content()  # identity stays sealed until revealed

    # Mirrored: the brand starts the header on the right, sign-out and language end it on
    # the left; a table's cells start on the right.
    width = page.viewport_size["width"]
    brand = page.locator(".brand").bounding_box()
    sign_out = page.locator(".sign-out").bounding_box()
    assert brand and sign_out
    assert brand["x"] + brand["width"] > width * 0.9, brand
    assert sign_out["x"] < brand["x"], (sign_out, brand)
    cell = page.locator("th").first
    if cell.count():
        assert cell.evaluate("e => getComputedStyle(e).textAlign") in {"start", "right"}

    shot = output_dir / "client-page-ar.png"
    page.screenshot(path=shot, full_page=False)
    folder = os.environ.get("HAVEN_DOCS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, Path(folder) / "client-page-ar.png")

    # The choice holds on the next page.
    page.get_by_role("navigation", name="القائمة الرئيسية").get_by_role(
        "link", name="المستفيدون", exact=True
    ).click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", name="المستفيدون", level=1)).to_be_visible()
