"""Sign-in, organisation switch and sign-out in a real browser (Debian's Chromium)."""

from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

FOCUSED = """() => {
  const e = document.activeElement;
  return {
    tag: e.tagName.toLowerCase(),
    id: e.id,
    type: e.getAttribute('type'),
    text: (e.textContent || '').trim(),
    href: e.getAttribute('href'),
  };
}"""


def _focused(page: Page) -> dict[str, str | None]:
    return page.evaluate(FOCUSED)


def test_supervisor_signs_in_with_code_switches_organisation_and_signs_out(
    live_server, browser_page, factory, output_dir
):
    page = browser_page
    north = factory.organisation("north-shelter")
    south = factory.organisation("south-shelter")
    person = factory.person(
        "sup@example.org", {north: {"supervisor"}, south: {"supervisor"}}, totp=True
    )
    assert person.totp_secret

    page.goto(f"{live_server}/sign-in")
    expect(page.get_by_role("heading", name="Sign in to Haven")).to_be_visible()
    page.get_by_label("E-mail address").fill(person.email)
    page.get_by_label("Password").fill(person.password)
    page.screenshot(path=output_dir / "01-sign-in.png")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/sign-in/code$"))
    code = page.get_by_label("Six-digit code from your authenticator app")
    code.fill(pyotp.TOTP(person.totp_secret).now())
    page.screenshot(path=output_dir / "02-code.png")
    page.get_by_role("button", name="Continue").click()

    # Two memberships: no organisation is chosen yet, so home sends to the chooser.
    expect(page).to_have_url(re.compile(r"/organisations$"))
    expect(page.get_by_role("heading", name="Choose an organisation")).to_be_visible()
    page.screenshot(path=output_dir / "03-choose-organisation.png")
    page.get_by_role("button", name=north.name, exact=True).click()

    expect(page).to_have_url(f"{live_server}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(north.name)
    switcher = page.get_by_label("Organisation", exact=True)
    expect(switcher).to_have_value(str(north.id))
    page.screenshot(path=output_dir / "04-home-north.png")

    switcher.select_option(label=south.name)
    page.get_by_role("button", name="Switch").click()
    expect(page).to_have_url(f"{live_server}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(south.name)
    expect(page.get_by_label("Organisation", exact=True)).to_have_value(str(south.id))
    expect(page.get_by_role("heading", name="Supervision")).to_be_visible()
    page.screenshot(path=output_dir / "05-home-south.png")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live_server}/sign-in")
    expect(page.get_by_role("heading", name="Sign in to Haven")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    page.screenshot(path=output_dir / "06-signed-out.png")

    page.goto(f"{live_server}/")
    expect(page).to_have_url(f"{live_server}/sign-in")
    expect(page.get_by_role("heading", name="Sign in to Haven")).to_be_visible()
    page.screenshot(path=output_dir / "07-home-redirects-to-sign-in.png")


def test_caseworker_signs_in_with_the_keyboard_only(live_server, browser_page, factory, output_dir):
    page = browser_page
    org = factory.organisation("north-shelter")
    person = factory.person("cw@example.org", {org: {"caseworker"}})
    page.goto(f"{live_server}/sign-in")

    # The first Tab lands on the skip link, which becomes visible when focused.
    page.keyboard.press("Tab")
    first = _focused(page)
    assert (first["tag"], first["href"]) == ("a", "#main"), first
    expect(page.get_by_role("link", name="Skip to main content")).to_be_in_viewport()
    page.screenshot(path=output_dir / "01-skip-link-focused.png")

    # Tab on until the e-mail field; only the header's own links and its language switcher
    # may come between.
    passed: list[dict[str, str | None]] = []
    for _ in range(6):
        page.keyboard.press("Tab")
        now = _focused(page)
        if now["id"] == "email":
            break
        passed.append(now)
    else:
        pytest.fail(f"Tab never reached the e-mail field; focus went through {passed}")
    controls = [(p["tag"], p["id"] or p["text"]) for p in passed if p["tag"] != "a"]
    assert controls == [("select", "ui-language"), ("button", "Change language")], passed
    page.keyboard.type(person.email)

    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "password", _focused(page)
    page.keyboard.type(person.password)

    page.keyboard.press("Tab")
    button = _focused(page)
    assert (button["tag"], button["text"]) == ("button", "Sign in"), button
    page.screenshot(path=output_dir / "02-sign-in-button-focused.png")

    page.keyboard.press("Enter")
    # Caseworkers can reveal names: a second factor, typed and sent with the keyboard too.
    expect(page).to_have_url(f"{live_server}/sign-in/code")
    for _ in range(8):
        page.keyboard.press("Tab")
        if _focused(page)["id"] == "code":
            break
    assert _focused(page)["id"] == "code", _focused(page)
    page.keyboard.type(pyotp.TOTP(person.totp_secret).now())
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(org.name)
    expect(page.get_by_role("heading", name="Casework")).to_be_visible()
    page.screenshot(path=output_dir / "03-home.png")


def test_an_admin_enrols_by_scanning_the_qr_code_from_the_screen(
    live_server, browser_page, factory, output_dir
):
    """The QR code as a phone sees it: decoded from a screenshot of the page (zxing-cpp),
    then used to enrol. A stylesheet that crops the code fails here."""
    import io

    import zxingcpp
    from PIL import Image

    page = browser_page
    north = factory.organisation("north-shelter")
    person = factory.person("admin@example.org", {north: {"org_admin"}}, totp=False)
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("E-mail address").fill(person.email)
    page.get_by_label("Password").fill(person.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/sign-in/enrol$"))
    shot = page.locator("figure.qr svg").screenshot(path=output_dir / "qr.png")
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))
    assert len(found) == 1, "the QR code on the page cannot be decoded"
    uri = found[0].text
    assert uri.startswith("otpauth://totp/") and "issuer=Haven" in uri
    secret = pyotp.parse_uri(uri).secret
    page.get_by_label("Six-digit code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Confirm").click()
    expect(page).not_to_have_url(re.compile(r"/sign-in"))
