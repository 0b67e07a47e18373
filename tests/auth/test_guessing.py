"""Limits on guessing count what is guessed (an account, a pending sign-in), not the people
who share an address; sign-out ends the server session whatever the form carried."""

from __future__ import annotations

import dataclasses

import pyotp
from sqlalchemy import select

from app import create_app
from app.auth.models import UserSession
from app.web.extensions import limiter
from tests.conftest import PASSWORD, csrf_from, sign_in


def _password(client, email, password, **headers):
    token = csrf_from(client, "/sign-in")
    return client.post(
        "/sign-in",
        data={"email": email, "password": password, "csrf_token": token},
        headers=headers,
    )


def _code(client, code):
    token = csrf_from(client, "/sign-in")  # any page's token: the session carries it
    return client.post("/sign-in/code", data={"code": code, "csrf_token": token})


def test_codes_sent_without_a_password_lock_nobody_out(app, factory):
    org = factory.organisation("north")
    person = factory.person("sup@example.org", {org: {"supervisor"}}, totp=True)
    attacker = app.test_client()
    answers = [_code(attacker, "000000").status_code for _ in range(15)]
    assert 429 not in answers and set(answers) == {401}
    sign_in(app.test_client(), person)  # the real person, same address: a correct code works


def test_a_pending_sign_in_has_its_own_budget_of_codes(app, factory):
    org = factory.organisation("north")
    victim = factory.person("sup@example.org", {org: {"supervisor"}}, totp=True)
    other = factory.person("sup2@example.org", {org: {"supervisor"}}, totp=True)
    guesser = app.test_client()
    assert _password(guesser, victim.email, PASSWORD).status_code == 302  # knows the password
    answers = [_code(guesser, "000000").status_code for _ in range(6)]
    assert answers[:5] == [401] * 5 and answers[5] == 429
    sign_in(app.test_client(), other)  # someone else at the same address is not affected


def test_spraying_many_accounts_from_one_address_is_stopped(client, factory):
    answers = [
        _password(client, f"person{i}@example.org", "Summer2026!!").status_code
        for i in range(15)
        for _ in range(2)
    ]
    assert 429 in answers and answers.index(429) == 20


def test_a_successful_sign_in_costs_nothing(app, factory):
    org = factory.organisation("north")
    person = factory.person("cw@example.org", {org: {"caseworker"}})
    for _ in range(25):
        browser = app.test_client()
        assert _password(browser, person.email, PASSWORD).status_code == 302


def test_behind_a_trusted_proxy_each_client_address_has_its_own_budget(app, settings, factory):
    proxied = create_app(dataclasses.replace(settings, trusted_proxies=1))
    try:
        client = proxied.test_client()
        first = [
            _password(client, f"p{i}@example.org", "x" * 12, **{"X-Forwarded-For": "203.0.113.7"})
            for i in range(21)
        ]
        assert first[-1].status_code == 429
        other = _password(client, "q@example.org", "x" * 12, **{"X-Forwarded-For": "198.51.100.2"})
        assert other.status_code == 401
    finally:
        limiter.init_app(app)  # one limiter object: give it back to the suite's app


def test_sign_out_without_a_csrf_token_still_ends_the_server_session(client, factory, db):
    org = factory.organisation("north")
    sign_in(client, factory.person("cw@example.org", {org: {"caseworker"}}))
    response = client.post("/sign-out", data={})
    assert response.status_code == 302
    assert db.scalar(select(UserSession.revoked_at)) is not None
    assert client.get("/").status_code == 302  # signed out


def test_the_rightful_code_after_failed_codes_still_works(app, factory):
    org = factory.organisation("north")
    person = factory.person("sup@example.org", {org: {"supervisor"}}, totp=True)
    browser = app.test_client()
    assert _password(browser, person.email, PASSWORD).status_code == 302
    for _ in range(3):
        assert _code(browser, "000000").status_code == 401
    ok = _code(browser, pyotp.TOTP(person.totp_secret).now())
    assert ok.status_code == 302


def test_a_caseworker_who_can_reveal_names_must_set_up_a_second_factor(client, factory):
    org = factory.organisation("north")
    worker = factory.person("cw@example.org", {org: {"caseworker"}}, totp=False)
    answer = _password(client, worker.email, PASSWORD)
    assert answer.headers["Location"].endswith("/sign-in/enrol")
    assert client.get("/clients").status_code == 302  # not signed in until enrolled


def test_a_funder_who_sees_only_reports_needs_no_second_factor(client, factory):
    org = factory.organisation("north")
    funder = factory.person("funder@example.org", {org: {"funder"}})
    assert funder.totp_secret is None
    assert _password(client, funder.email, PASSWORD).headers["Location"].endswith("/")
