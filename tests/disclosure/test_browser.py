"""In a real browser: a caseworker asks to disclose a client's statement and address to the
police under a court order; the address is refused (the organisation's own rule), the
statement waits for a supervisor; a second person approves and downloads the package."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from playwright.sync_api import expect

from app.disclosure.inputs import PolicyChoiceInput
from app.disclosure.policy import choose_policy
from tests.browser import sign_in_page
from tests.disclosure.conftest import SECRET_ADDRESS, SECRET_STATEMENT

pytestmark = pytest.mark.browser

#: Stricter than the default (which lets an address go under a court order): never.
NO_ADDRESS = """
@id("org.shelter_address_never")
@reason("org_shelter_address_never")
@explain("Our shelter addresses are never disclosed, not even under a court order.")
forbid (principal, action in Action::"share", resource == FieldGroup::"location");
"""


def test_request_refused_for_address_approved_and_downloaded(
    browser_page, live_server, casework, work, new_client, tmp_path, output_dir
):
    client_id = new_client(casework.north)
    with work(casework.north, casework.admin, ("org_admin",)) as (session, ctx):
        choose_policy(session, ctx, PolicyChoiceInput("default", NO_ADDRESS))
    page = browser_page
    sign_in_page(page, live_server, casework.worker)
    page.goto(f"{live_server}/clients/{client_id}/disclosures")
    page.get_by_label("Recipient").select_option("police")
    page.get_by_label("Receiving body").fill("Police judiciaire, Lyon")
    page.get_by_label("Purpose").select_option("criminal_investigation")
    page.get_by_label("Legal basis").select_option("court_order")
    page.get_by_label("Reference of the court order or statute").fill("TJ Lyon 2026/0771")
    page.get_by_label("Where the person lives (address)").check()
    page.get_by_label("The person's account of events").check()
    page.get_by_role("button", name="Ask for a decision").click()
    expect(page).to_have_url(re.compile(r"/disclosures/[0-9a-f-]{36}$"))
    request_url = page.url
    address = page.locator('tr[data-group="location"]')
    expect(address).to_contain_text("Denied")
    expect(address).to_contain_text("org.shelter_address_never")
    expect(address).to_contain_text("never disclosed")
    statement = page.locator('tr[data-group="narrative"]')
    expect(statement).to_contain_text("Needs a supervisor's approval")
    expect(statement).to_contain_text("court_order_disclosure")
    page.screenshot(path=output_dir / "01-decision.png", full_page=True)

    page.get_by_role("button", name="Sign out").click()
    sign_in_page(page, live_server, casework.supervisor)
    page.goto(request_url)
    page.get_by_label("Is the client told?").select_option("yes")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Ready to release")).to_be_visible()
    page.screenshot(path=output_dir / "02-approved.png", full_page=True)
    page.goto(f"{live_server}/disclosure/rules")
    page.screenshot(path=output_dir / "03-rules.png", full_page=True)
    page.goto(request_url)
    with page.expect_download() as waiting:
        page.get_by_role("button", name="Release and download the package").click()
    saved = tmp_path / "package.zip"
    waiting.value.save_as(saved)
    archive = zipfile.ZipFile(io.BytesIO(saved.read_bytes()))
    document = next(n for n in archive.namelist() if n.endswith(".json"))
    content = json.loads(archive.read(document))
    assert content["fields"] == {"narrative": {"narrative": SECRET_STATEMENT}}
    assert content["legal_reference"] == "TJ Lyon 2026/0771"
    assert SECRET_ADDRESS.encode() not in saved.read_bytes()
