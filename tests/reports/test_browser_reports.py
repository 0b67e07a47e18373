"""A funder in a real browser (Debian's Chromium): signs in, lands on their grants, opens a
grant's report (charts beside tables), and downloads each export, each signed.

Screenshots go to the test's output folder; ``HAVEN_DOCS_SCREENSHOTS=docs/screenshots`` also
saves the README's (viewport only, 1280×800) and a rendering of the PDF's first pages.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from playwright.sync_api import Page, expect

from app.context import Role
from app.reports.signatures import verify
from tests.browser import sign_in_page

from .app_data import add_clients, add_grant, link

pytestmark = pytest.mark.browser


def _docs_shot(page: Page, filename: str) -> None:
    folder = os.environ.get("HAVEN_DOCS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(folder) / filename, full_page=False)


def _pdf_pages(pdf: Path, folder: Path) -> None:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    for index in range(min(2, len(document))):
        image = document[index].render(scale=1.4).to_pil()
        image.save(folder / f"funder-report-pdf-page-{index + 1}.png")


def test_funder_opens_a_grants_report_and_downloads_each_export(
    live_server, browser_page, factory, app, output_dir
):
    page = browser_page
    north = factory.organisation("north")
    grant = add_grant(app, north, "AMIF-2026-17")
    add_grant(app, north, "CITY-9")
    add_clients(app, north, grant, 90, seed=21)
    funder = factory.person("funder@amif.example", {north: {Role.funder}})
    link(app, north, grant, funder.user.id)

    sign_in_page(page, live_server, funder)
    # Reports are the funder's home page, showing only the grant linked to them.
    expect(page).to_have_url(re.compile(r"/reports/$"))
    expect(page.get_by_role("heading", name="Reports", level=1)).to_be_visible()
    expect(page.get_by_text("CITY-9")).to_have_count(0)
    page.screenshot(path=output_dir / "01-reports-home.png")

    page.get_by_role("link", name="Open the report of AMIF-2026-17").click()
    expect(page.get_by_role("heading", name="Funder report: AMIF-2026-17")).to_be_visible()
    expect(page.get_by_role("img", name="People helped over time")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("People helped per month"))).to_be_visible()
    expect(page.get_by_role("heading", name="About these numbers")).to_be_visible()
    page.screenshot(path=output_dir / "02-grant-report.png", full_page=True)
    _docs_shot(page, "funder-report.png")

    key_download = page.context.request.get(f"{live_server}/reports/signing-key.pem")
    (output_dir / "haven-exports.pem").write_bytes(key_download.body())
    key = load_pem_public_key(key_download.body())
    assert isinstance(key, Ed25519PublicKey)
    for fmt in ("CSV", "XLSX", "PDF"):
        with page.expect_download() as info:
            page.get_by_role("link", name=f"Download as {fmt}").click()
        download = info.value
        target = output_dir / download.suggested_filename
        download.save_as(target)
        assert target.suffix == f".{fmt.lower()}"
        assert verify(target.read_bytes(), key)
        if fmt == "PDF":
            _pdf_pages(target, output_dir)
            folder = os.environ.get("HAVEN_DOCS_SCREENSHOTS")
            if folder:
                _pdf_pages(target, Path(folder))
    page.screenshot(path=output_dir / "03-after-downloads.png")
