"""Language and currency pickers: codes are stored, names are shown in the reader's
language; without JavaScript a datalist, with it each item of a list is suggested."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.auth.models import Role
from tests.browser import sign_in_page
from tests.conftest import csrf_from, sign_in


def _options(page: str, field: str) -> dict[str, str]:
    datalist = re.search(rf'<datalist id="{field}-options">(.*?)</datalist>', page, re.S).group(1)
    return dict(re.findall(r'<option value="([^"]+)">([^<]+)</option>', datalist))


def test_intake_offers_languages_named_in_the_readers_language(client, factory):
    english = factory.organisation("north")
    french = factory.organisation("refuge", locale="fr")
    person = factory.person(
        "cw@example.org", {english: {Role.caseworker}, french: {Role.caseworker}}
    )
    sign_in(client, person, english)
    page = client.get("/clients/new").get_data(as_text=True)
    assert re.search(r'<input[^>]*id="languages"[^>]*list="languages-options"', page) or re.search(
        r'<input[^>]*list="languages-options"[^>]*id="languages"', page
    )
    assert _options(page, "languages")["ro"] == "Romanian"
    assert _options(page, "preferred_language")["uk"] == "Ukrainian"
    token = csrf_from(client, "/account")
    client.post(
        "/organisations/switch", data={"organisation_id": str(french.id), "csrf_token": token}
    )
    page = client.get("/clients/new").get_data(as_text=True)
    assert _options(page, "languages")["ro"] == "roumain"


def test_service_currency_offers_codes_with_names(client, factory):
    org = factory.organisation("north")
    person = factory.person("admin@example.org", {org: {Role.org_admin}})
    sign_in(client, person)
    page = client.get("/settings/grants").get_data(as_text=True)
    options = _options(page, "currency")
    assert options["EUR"] == "Euro" and options["MDL"] == "Moldovan Leu"
    assert list(options)[0] == "EUR"


@pytest.mark.browser
def test_with_javascript_each_item_of_a_language_list_is_suggested(
    browser_page, live_server, factory
):
    org = factory.organisation("north")
    person = factory.person("cw@example.org", {org: {Role.caseworker}})
    page = browser_page
    sign_in_page(page, live_server, person)
    page.goto(f"{live_server}/clients/new")
    box = page.get_by_label("Languages spoken")
    box.press_sequentially("ro, u")
    first = page.locator("#languages-options option").first
    expect(first).to_have_attribute("value", re.compile(r"^ro, "))
    narrative = page.get_by_label("Narrative")
    narrative.fill("abc")
    expect(page.locator("#narrative-count")).to_have_text("3 of 10,000 characters")


@pytest.mark.browser
def test_without_javascript_the_datalist_is_plain_and_the_code_is_stored(
    _chromium, live_server, factory
):
    org = factory.organisation("north")
    person = factory.person("cw@example.org", {org: {Role.caseworker}})
    context = _chromium.new_context(java_script_enabled=False, locale="en-GB")
    try:
        page = context.new_page()
        sign_in_page(page, live_server, person)
        page.goto(f"{live_server}/clients/new")
        expect(page.locator("#languages-options option[value='ro']")).to_have_count(1)
        expect(page.locator("#narrative-count")).to_have_text("At most 10,000 characters.")
        page.get_by_label("Languages spoken").fill("ro, ru")
        page.get_by_label("Preferred language").fill("ro")
        page.get_by_role("button", name="Register client").click()
        expect(page.get_by_text("registered")).to_be_visible()
    finally:
        context.close()
