"""The auditor's workspace in Chromium: the access log, the statistics with their chart,
a checkpoint made on demand and a bundle downloaded and verified offline.

``HAVEN_DOCS_SCREENSHOTS=docs/screenshots`` also saves the README's screenshot of the
workspace (viewport only, 1280×800).
"""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import expect

from app.audit import verifier
from app.clients.service import reveal_field
from tests.auditor.conftest import SECRET_NAME
from tests.browser import sign_in_page


def _docs_screenshot(page, filename: str) -> None:
    folder = os.environ.get("HAVEN_DOCS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(folder) / filename, full_page=False)


def test_auditor_reads_the_log_and_verifies_a_downloaded_bundle(
    app, live_server, browser_page, world, people, overseers, new_client, give, work, output_dir
):
    for _ in range(3):
        client_id = new_client(world.north)
        give(world.north, client_id)
        with work(world.north, people.north_cw) as (session, ctx):
            reveal_field(session, ctx, client_id, "name")
    page = browser_page
    sign_in_page(page, live_server, overseers.auditor)
    page.get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", name="Events")).to_be_visible()
    expect(page.locator("table")).to_contain_text("client.revealed")
    page.get_by_label("Action").select_option("client.revealed")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("tbody tr")).to_have_count(3)
    page.screenshot(path=output_dir / "01-access-log.png", full_page=True)

    page.get_by_role("link", name="Statistics").click()
    expect(page.locator("svg.chart")).to_have_count(2)  # reveals; disclosures without consent
    expect(page.get_by_role("img", name="Sealed values revealed per month")).to_be_visible()
    expect(page.get_by_role("img", name="Disclosures without valid consent")).to_be_visible()
    page.screenshot(path=output_dir / "02-statistics.png", full_page=True)
    _docs_screenshot(page, "audit-workspace.png")
    page.get_by_role("link", name="Consent ledger").click()
    expect(page.locator("tbody tr")).to_have_count(3)
    assert SECRET_NAME not in page.content()

    page.get_by_role("link", name="Checkpoints and bundles").click()
    page.get_by_role("button", name="Make a checkpoint now").click()
    expect(page.get_by_role("status")).to_contain_text("Checkpoint of")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download bundle").click()
    bundle = output_dir / "bundle.zip"
    download.value.save_as(bundle)
    key = page.locator("pre.note").nth(1).inner_text().strip()
    report = verifier.verify_bundle(str(bundle), [verifier.parse_vkey(key)])
    assert report.ok, verifier.format_report(report)
    page.screenshot(path=output_dir / "03-checkpoints.png", full_page=True)
