"""A caseworker's day in a real browser (Debian's Chromium): intake, services, a claim, a
referral to another organisation on Haven, and finding the client again by name and by code.

The client's name must never reach the page title or the URL (browser history, tab titles,
proxies): both are checked after every navigation, and every URL the page visited is
checked again at the end.

``HAVEN_DOCS_SCREENSHOTS=docs/screenshots`` also saves the README's two screenshots
(viewport only, 1280×800).
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote

import pyotp
import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

NAME = "Мария Иванова"
DATE_OF_BIRTH = "1994-03-17"
CODE = re.compile(r"^[A-Z][0-9]-[A-Z]{4}-[0-9]{2}$")


class Steps:
    """Numbered screenshots, and the privacy check after each navigation."""

    def __init__(self, page: Page, output_dir: Path) -> None:
        self.page = page
        self.output_dir = output_dir
        self.number = 0
        self.visited: list[str] = []
        page.on("framenavigated", lambda frame: self.visited.append(frame.url))

    def check(self, page_title: str | re.Pattern[str] | None = None) -> None:
        page = self.page
        page.wait_for_load_state("load")
        if page_title is not None:
            expect(page).to_have_title(page_title)
        _no_name(page.title(), "page title")
        _no_name(page.url, "URL")

    def shot(self, slug: str) -> None:
        self.number += 1
        self.page.screenshot(path=self.output_dir / f"{self.number:02d}-{slug}.png", full_page=True)


def _no_name(text: str, where: str) -> None:
    decoded = unquote(text)
    for part in (NAME, *NAME.split()):
        assert part.casefold() not in decoded.casefold(), f"client name in the {where}: {text}"


def _docs_shot(page: Page, filename: str) -> None:
    folder = os.environ.get("HAVEN_DOCS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(folder) / filename, full_page=False)


def test_caseworker_registers_a_client_records_services_claim_and_referral_then_finds_them(
    live_server, browser_page, factory, output_dir
):
    page = browser_page
    north = factory.organisation("north")
    factory.organisation("south")
    person = factory.person("cw@example.org", {north: {"caseworker"}})
    today = datetime.now(UTC).date()
    steps = Steps(page, output_dir)

    # Sign in.
    page.goto(f"{live_server}/sign-in")
    steps.check("Sign in · Haven")
    page.get_by_label("E-mail address").fill(person.email)
    page.get_by_label("Password").fill(person.password)
    steps.shot("sign-in")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server}/sign-in/code")
    page.get_by_label("Six-digit code from your authenticator app").fill(
        pyotp.TOTP(person.totp_secret).now()
    )
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(north.name)
    steps.check("Home · Haven")
    steps.shot("home")

    # Intake: Clients → Register a new client.
    main_nav = page.get_by_role("navigation", name="Main")
    main_nav.get_by_role("link", name="Clients", exact=True).click()
    expect(page.get_by_role("heading", name="Clients", level=1)).to_be_visible()
    steps.check("Clients · Haven")
    expect(page.get_by_text("No clients yet.")).to_be_visible()
    page.get_by_role("link", name="Register a new client").click()
    expect(page.get_by_role("heading", name="Register a new client")).to_be_visible()
    steps.check("Register a new client · Haven")

    page.get_by_label("Gender").select_option(label="Female")
    page.get_by_label("Age band at intake").select_option(label="25 to 34")
    page.get_by_label("Nationality").select_option(label="Ukraine")
    page.get_by_label("Languages spoken").fill("ru, uk")
    page.get_by_label("Preferred language").fill("ru")
    page.get_by_label("Labour exploitation").check()
    page.get_by_label("Sector").select_option(label="Agriculture")
    page.get_by_label("Domestic or cross-border").select_option(label="Cross-border")
    page.get_by_label("Victim status").select_option(label="Presumed victim")
    page.get_by_label("Referred by").select_option(label="Labour inspectorate")
    page.get_by_label("Name", exact=True).fill(NAME)
    page.get_by_label("Date of birth").fill(DATE_OF_BIRTH)
    steps.shot("intake-filled")
    page.get_by_role("button", name="Register client").click()

    # The client page: the pseudonym code is the heading, the title and the flash.
    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server)}/clients/[0-9a-f-]{{36}}$"))
    heading = page.get_by_role("heading", level=1)
    code = heading.inner_text().removeprefix("Client").strip()
    assert CODE.match(code), code
    steps.check(f"{code} · Haven")
    client_url = page.url
    expect(page.get_by_role("status")).to_contain_text(f"Client {code} registered.")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Female")
    expect(facts).to_contain_text("Labour exploitation")
    expect(facts).to_contain_text("preferred: ru")
    identity = page.get_by_role("table", name="Identity fields")
    expect(identity.get_by_role("row", name=re.compile(r"^Name\b"))).to_contain_text("sealed")
    expect(page.get_by_role("button", name="Reveal Date of birth")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(NAME)
    steps.shot("client-page")
    _docs_shot(page, "client-page.png")

    # Services tab: three services.
    tabs = page.get_by_role("navigation", name="Client record")
    tabs.get_by_role("link", name="Services").click()
    expect(page.get_by_role("heading", name="Record a service")).to_be_visible()
    steps.check(f"{code} · Haven")
    expect(page.get_by_text("No services recorded yet.")).to_be_visible()
    # The client's preferred language is the default.
    expect(page.get_by_label("Language delivered in")).to_have_value("ru")

    page.get_by_label("Service", exact=True).select_option(
        label="Counselling and information on rights"
    )
    page.get_by_label("Quantity").fill("1")
    page.get_by_label("Unit").select_option(label="sessions")
    page.get_by_label("Language delivered in").fill("ru")
    page.get_by_label("An interpreter was used").check()
    steps.shot("service-counselling")
    page.get_by_role("button", name="Record and add another").click()
    expect(page.get_by_role("status")).to_contain_text("Service recorded.")
    steps.check(f"{code} · Haven")

    page.get_by_label("Service", exact=True).select_option(label="Accommodation, food, transport")
    page.get_by_label("Date, or first day of a period").fill((today - timedelta(3)).isoformat())
    page.get_by_label("Last day, for a period").fill(today.isoformat())
    page.get_by_label("Quantity").fill("3")
    page.get_by_label("Unit").select_option(label="nights")
    page.get_by_label("Language delivered in").fill("")
    steps.shot("service-accommodation")
    page.get_by_role("button", name="Record and add another").click()
    expect(page.get_by_role("status")).to_contain_text("Service recorded.")
    steps.check(f"{code} · Haven")

    page.get_by_label("Service", exact=True).select_option(label="Medical care")
    # "Record and add another" kept the accommodation's first day; this visit was today.
    page.get_by_label("Date, or first day of a period").fill(today.isoformat())
    page.get_by_label("Quantity").fill("1")
    page.get_by_label("Language delivered in").fill("uk")
    page.get_by_label("Outcome").select_option(label="Delivered")
    steps.shot("service-medical")
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page).to_have_url(f"{client_url}/services#history")
    expect(page.get_by_role("status")).to_contain_text("Service recorded.")
    steps.check(f"{code} · Haven")

    history = page.get_by_role("table", name="Newest first")
    rows = history.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(history.get_by_text("(interpreter)")).to_have_count(1)
    counselling = rows.filter(has_text="Counselling and information on rights")
    expect(counselling).to_contain_text("ru (interpreter)")
    expect(counselling).to_contain_text("sessions: 1")
    accommodation = rows.filter(has_text="Accommodation, food, transport")
    expect(accommodation).to_contain_text("nights: 3")
    expect(accommodation).to_contain_text(f"{(today - timedelta(3)).isoformat()} – {today}")
    medical = rows.filter(has_text="Medical care")
    expect(medical.locator("td").first).to_have_text(today.isoformat())
    expect(medical.locator("td").nth(3)).to_have_text("uk")
    steps.shot("services")
    _docs_shot(page, "services.png")

    # Claims tab: file a compensation claim.
    tabs.get_by_role("link", name="Claims").click()
    expect(page.get_by_role("heading", name="Compensation and unpaid-wage claims")).to_be_visible()
    steps.check(f"{code} · Haven")
    expect(page.get_by_text("No claim recorded yet.")).to_be_visible()
    claim_form = page.get_by_role("form", name="File a claim")
    claim_form.get_by_label("Route").select_option(label="Labour court")
    claim_form.get_by_label("Claim against").select_option(label="Employer")
    expect(claim_form.get_by_label("Currency (ISO 4217 code)")).to_have_value("EUR")
    claim_form.get_by_label("Amount claimed").fill("4200.50")
    claim_form.get_by_label("Filed on (leave empty while preparing)").fill(today.isoformat())
    steps.shot("claim-form")
    claim_form.get_by_role("button", name="Record the claim").click()
    expect(page.get_by_role("status")).to_contain_text("Claim recorded.")
    steps.check(f"{code} · Haven")
    claims = page.get_by_role("table", name="Claims of this client, newest first")
    expect(claims.locator("tbody tr")).to_have_count(1)
    claim = claims.locator("tbody tr").first
    expect(claim).to_contain_text("Labour court")
    expect(claim).to_contain_text("Employer")
    expect(claim).to_contain_text("4,200.50")
    expect(claim.locator("td").nth(3)).to_have_text("Filed")
    steps.shot("claims")

    # Referrals tab: refer to "South", an organisation on Haven.
    tabs.get_by_role("link", name="Referrals").click()
    expect(page.get_by_role("heading", name="Referrals", level=2)).to_be_visible()
    steps.check(f"{code} · Haven")
    expect(page.get_by_text("No referral recorded yet.")).to_be_visible()
    page.get_by_role("link", name="To an organisation on Haven").click()
    expect(page.get_by_role("heading", name="Refer to an organisation on Haven")).to_be_visible()
    steps.check(f"{code} · Haven")
    page.get_by_label("Organisation on Haven", exact=True).select_option(label="South (Shelter)")
    page.get_by_label("Accommodation, food, transport").check()
    page.get_by_label("Legal assistance and representation").check()
    expect(page.get_by_label("Sent on")).to_have_value(today.isoformat())
    steps.shot("referral-form")
    page.get_by_role("button", name="Send the referral").click()
    expect(page).to_have_url(f"{client_url}/referrals")
    expect(page.get_by_role("status")).to_contain_text("Referral sent.")
    steps.check(f"{code} · Haven")
    referrals = page.get_by_role("table", name="Referrals of this client, newest first")
    expect(referrals.locator("tbody tr")).to_have_count(1)
    referral = referrals.locator("tbody tr").first
    expect(referral).to_contain_text("South (Shelter)")
    expect(referral).to_contain_text("Accommodation, food, transport; Legal assistance")
    expect(referral.locator("td").nth(4)).to_have_text("Sent, waiting for an answer")
    steps.shot("referrals")

    # Find the client again: by name (identity search), then by pseudonym code.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()
    steps.check("Clients · Haven")
    expect(page.get_by_role("row", name=re.compile(code))).to_have_count(1)
    search = page.get_by_role("search")
    search.get_by_label("Search by").select_option(label="Name")
    search.get_by_label("Search for").fill(NAME)
    steps.shot("search-by-name")
    search.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 client found.")).to_be_visible()
    steps.check("Clients · Haven")
    found = page.locator("ul.results").get_by_role("link")
    expect(found).to_have_count(1)
    expect(found).to_have_text(code)
    steps.shot("found-by-name")

    search = page.get_by_role("search")
    search.get_by_label("Search by").select_option(label="Pseudonym code")
    search.get_by_label("Search for").fill(code.lower())
    search.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 client found.")).to_be_visible()
    steps.check("Clients · Haven")
    found = page.locator("ul.results").get_by_role("link")
    expect(found).to_have_text(code)
    steps.shot("found-by-code")
    found.click()
    expect(page).to_have_url(client_url)
    steps.check(f"{code} · Haven")

    assert len(steps.visited) >= 12, steps.visited
    for url in steps.visited:
        _no_name(url, "URL")
