"""Consent in a real browser (Debian's Chromium): the caseworker's screen is in French,
the client's preferred language is Arabic. The Arabic notice is shown right to left, the
consent is recorded with an interpreter, the client is referred with identity to another
organisation on Haven, the receiving organisation takes the person on, the consent is
withdrawn, and the receiving organisation sees the notice to stop using the data.
Screenshots go to test-output/<test name>/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.clients.service import register_client
from app.context import Actor
from app.db import bind_actor, unit_of_work
from app.keys.service import attach_keyring
from tests.browser import (
    ACTION_TIMEOUT_MS,
    sign_in_page,  # noqa: E402
)
from tests.clients.conftest import intake  # noqa: E402

pytestmark = pytest.mark.browser

NAME = "Amira Haddad"


def _sign_in(page: Page, live_server: str, person) -> None:
    sign_in_page(page, live_server, person)
    expect(page).to_have_url(f"{live_server}/")


def test_consent_in_french_for_an_arabic_speaker_then_referral_and_withdrawal(
    app, live_server, browser_page, factory, output_dir
):
    north = factory.organisation("north", locale="fr")
    south = factory.organisation("south")
    worker = factory.person("cw@north.org", {north: {"caseworker"}})
    receiver = factory.person("cw@south.org", {south: {"caseworker"}})
    with unit_of_work(app.extensions["haven.sessionmaker"]) as session:
        attach_keyring(session, app.extensions["haven.master"])
        bind_actor(session, north.id, None)
        ctx = Actor(None, north.id, frozenset({"caseworker"}))
        facts = {
            "gender": "female",
            "age_band": "25_34",
            "languages": ["ar"],
            "preferred_language": "ar",
        }  # noqa: E501
        client_id = register_client(session, ctx, intake(facts, {"name": NAME})).id
    page = browser_page
    shots = iter(range(1, 100))

    def shot(slug: str) -> None:
        page.screenshot(path=output_dir / f"{next(shots):02d}-{slug}.png", full_page=True)

    # North, in French: the consent tab, then the form with the Arabic notice.
    _sign_in(page, live_server, worker)
    page.goto(f"{live_server}/clients/{client_id}")
    tabs = page.get_by_role("navigation", name="Fiche de la personne accompagnée")
    tabs.get_by_role("link", name="Consentement").click()
    expect(page.get_by_text("Aucun consentement enregistré pour l'instant.")).to_be_visible()
    page.get_by_role("link", name="Enregistrer un consentement").click()
    notice = page.get_by_role("region", name="Notice lue au client")
    expect(notice).to_have_attribute("dir", "rtl")
    expect(notice).to_have_attribute("lang", "ar")
    expect(notice).to_contain_text("مشاركة معلوماتك مع منظمة أخرى")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("note")).to_contain_text("Texte d'exemple fourni avec Haven")
    assert notice.evaluate("e => getComputedStyle(e).direction") == "rtl"
    shot("notice-in-arabic")

    page.get_by_label("Orientation vers une organisation nommée").check()
    page.get_by_label("Identité (nom, date de naissance, documents)").check()
    page.get_by_label("South").check()
    expect(page.get_by_label("Organisation partenaire")).to_be_checked()
    expect(
        page.get_by_label("Langue dans laquelle il a été expliqué (p. ex. ar, ti, ro)")
    ).to_have_value("ar")  # noqa: E501
    page.get_by_label("Recours à un·e interprète").check()
    page.get_by_label("Code de l'interprète (pas son nom)").fill("INT-07")
    shot("consent-form")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Consentement enregistré.")
    record = page.locator("section.consent-record").first
    expect(record).to_contain_text("En vigueur")
    expect(record).to_contain_text("interprète INT-07")
    expect(record).to_contain_text("South")
    shot("consent-recorded")

    # Refer to South with identity, as far as the consent covers it.
    tabs.get_by_role("link", name="Orientations").click()
    page.get_by_role("link", name="Vers une organisation sur Haven").click()
    page.get_by_label("Organisation sur Haven", exact=True).select_option(
        label="South (Foyer d’hébergement)"
    )
    page.get_by_label("Assistance et représentation juridiques").check()
    page.get_by_label("Identité (nom, date de naissance, documents)").check()
    shot("referral-with-identity")
    page.get_by_role("button", name="Envoyer l’orientation").click()
    expect(page.get_by_role("status")).to_contain_text("Orientation envoyée")

    # South takes the person on: the name arrives sealed under South's own key.
    other = page.context.browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="en-GB"
    )
    other.set_default_timeout(ACTION_TIMEOUT_MS)
    south_page = other.new_page()
    _sign_in(south_page, live_server, receiver)
    south_page.goto(f"{live_server}/referrals/incoming")
    expect(south_page.get_by_text("Identifying details sent under consent")).to_be_visible()
    assert NAME not in south_page.content()
    south_page.get_by_label("When accepting, register the person as our client now").check()
    south_page.get_by_role("button", name="Accept").click()
    expect(south_page.get_by_role("status")).to_contain_text("Registered as client")
    south_page.get_by_role("button", name="Reveal Name").click()
    expect(south_page.locator("main")).to_contain_text(NAME)
    south_page.screenshot(path=output_dir / "90-receiver-revealed.png", full_page=True)

    # North withdraws: one action.
    tabs.get_by_role("link", name="Consentement").click()
    page.get_by_role("button", name="Retirer").click()
    expect(page.get_by_role("status")).to_contain_text("Consentement retiré.")
    expect(page.locator("section.consent-record").first).to_contain_text("Retiré")
    shot("withdrawn")

    # South sees the notice to stop using the data.
    nav = south_page.get_by_role("navigation", name="Main")
    nav.get_by_text("More").click()  # the rarer screens sit in the header's "More" menu
    nav.get_by_role("link", name="Consents withdrawn").click()
    expect(south_page.get_by_role("heading", name=re.compile("^From North"))).to_be_visible()
    expect(south_page.get_by_text("Stop using:")).to_be_visible()
    south_page.screenshot(path=output_dir / "91-receiver-notice.png", full_page=True)
    south_page.get_by_role("button", name="Mark as done").click()
    expect(south_page.get_by_role("status")).to_contain_text("Marked as done.")
    other.close()
