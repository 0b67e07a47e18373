"""Sign-in: password, second factor, enrolment, expiry, revocation, rate limit, CSRF."""

import logging
from datetime import timedelta

import pyotp
from sqlalchemy import func, select, update

from app.auth.models import User, UserSession
from app.db import utcnow
from tests.conftest import PASSWORD, csrf_from, sign_in


def _sessions(db):
    return db.scalar(select(func.count()).select_from(UserSession))


def _post_sign_in(client, email, password):
    token = csrf_from(client, "/sign-in")
    return client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token})


def test_wrong_password_is_refused_logged_without_secret_and_writes_nothing(
    client, factory, db, caplog
):
    org = factory.organisation("north")
    person = factory.person("cw@example.org", {org: {"caseworker"}})
    caplog.set_level(logging.WARNING, logger="haven.security")
    response = _post_sign_in(client, person.email, "not-the-password-123")
    assert response.status_code == 401
    assert "Wrong e-mail address or password." in response.get_data(as_text=True)
    assert _sessions(db) == 0
    assert "sign-in refused" in caplog.text
    assert "not-the-password-123" not in caplog.text


def test_unknown_account_gets_the_same_answer(client, factory):
    response = _post_sign_in(client, "nobody@example.org", PASSWORD)
    assert response.status_code == 401
    assert "Wrong e-mail address or password." in response.get_data(as_text=True)


def test_an_address_with_a_nul_is_refused_not_a_500(client):
    """PostgreSQL refuses a NUL in a query's text: it never reaches one (the input guard
    refuses the field before any view runs; the sign-in service refuses it too)."""
    response = _post_sign_in(client, "nobody\u0000@example.org", PASSWORD)
    assert response.status_code == 422
    assert "This text contains characters that are not allowed." in response.get_data(
        as_text=True
    )


def test_missing_csrf_token_is_refused_and_nothing_written(client, factory, db):
    org = factory.organisation("north")
    person = factory.person("cw@example.org", {org: {"caseworker"}})
    response = client.post("/sign-in", data={"email": person.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert _sessions(db) == 0


def test_supervisor_needs_the_second_factor(client, factory, db):
    org = factory.organisation("north")
    person = factory.person("sup@example.org", {org: {"supervisor"}}, totp=True)
    response = _post_sign_in(client, person.email, PASSWORD)
    assert response.headers["Location"].endswith("/sign-in/code")
    assert client.get("/").status_code == 302  # not signed in yet
    token = csrf_from(client, "/sign-in/code")
    wrong = client.post("/sign-in/code", data={"code": "000000", "csrf_token": token})
    assert wrong.status_code == 401
    assert "That code is not right." in wrong.get_data(as_text=True)
    assert _sessions(db) == 0
    code = pyotp.TOTP(person.totp_secret).now()
    ok = client.post("/sign-in/code", data={"code": code, "csrf_token": token})
    assert ok.status_code == 302
    assert client.get("/").status_code == 200
    assert _sessions(db) == 1


def test_a_totp_code_cannot_be_replayed(client, app, factory):
    org = factory.organisation("north")
    person = factory.person("sup@example.org", {org: {"supervisor"}}, totp=True)
    sign_in(client, person)
    code = pyotp.TOTP(person.totp_secret).now()  # the code just used
    other = app.test_client()
    _post_sign_in(other, person.email, PASSWORD)
    token = csrf_from(other, "/sign-in/code")
    again = other.post("/sign-in/code", data={"code": code, "csrf_token": token})
    assert again.status_code == 401


def test_admin_without_authenticator_must_enrol_before_entering(client, factory, db):
    org = factory.organisation("north")
    person = factory.person("adm@example.org", {org: {"org_admin"}}, totp=False)
    response = _post_sign_in(client, person.email, PASSWORD)
    assert response.headers["Location"].endswith("/sign-in/enrol")
    page = client.get("/sign-in/enrol").get_data(as_text=True)
    assert "<svg" in page
    with client.session_transaction() as cookie:
        secret = cookie["enrol_secret"]
    token = csrf_from(client, "/sign-in/enrol")
    done = client.post(
        "/sign-in/enrol", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token}
    )
    assert done.status_code == 302
    assert client.get("/admin/members").status_code == 200
    user = db.scalar(select(User).where(User.email == person.email))
    assert user.totp_enrolled_at is not None
    assert secret.encode() not in user.totp_secret_sealed  # sealed, not stored in clear


def test_one_time_password_must_be_changed_first(client, factory, db):
    org = factory.organisation("north")
    person = factory.person("cw@example.org", {org: {"caseworker"}})
    db.execute(update(User).values(must_change_password=True))
    db.commit()
    sign_in(client, person)
    assert client.get("/").headers["Location"].endswith("/account/password")
    token = csrf_from(client, "/account/password")
    short = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "short",
            "confirm": "short",
            "csrf_token": token,
        },
    )
    assert short.status_code == 422
    new = "a much longer passphrase"
    ok = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": new,
            "confirm": new,
            "csrf_token": token,
        },
    )
    assert ok.status_code == 302
    assert client.get("/").status_code == 200


def test_idle_session_expires_with_a_401_page(client, factory, db):
    org = factory.organisation("north")
    sign_in(client, factory.person("cw@example.org", {org: {"caseworker"}}))
    db.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(minutes=31)))
    db.commit()
    response = client.get("/")
    assert response.status_code == 401
    assert "Your session has ended" in response.get_data(as_text=True)


def test_sign_out_everywhere_ends_other_browsers(app, factory):
    org = factory.organisation("north")
    person = factory.person("cw@example.org", {org: {"caseworker"}})
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, person)
    sign_in(phone, person)
    token = csrf_from(phone, "/account")
    phone.post("/sign-out-everywhere", data={"csrf_token": token})
    revoked = laptop.get("/")
    assert revoked.status_code == 401
    assert "Your session has ended" in revoked.get_data(as_text=True)


def test_sign_out_ends_the_server_side_session(client, factory, db):
    org = factory.organisation("north")
    sign_in(client, factory.person("cw@example.org", {org: {"caseworker"}}))
    token = csrf_from(client, "/account")
    client.post("/sign-out", data={"csrf_token": token})
    assert db.scalar(select(UserSession.revoked_at)) is not None
    assert client.get("/").status_code == 302


def test_sign_in_is_rate_limited(client, factory):
    org = factory.organisation("north")
    person = factory.person("cw@example.org", {org: {"caseworker"}})
    statuses = [
        _post_sign_in(client, person.email, "wrong password!").status_code for _ in range(11)
    ]
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429
    # Even the right password is refused while the limit holds.
    assert _post_sign_in(client, person.email, PASSWORD).status_code == 429


def test_error_pages_speak_the_users_language(client, factory):
    response = client.post("/sign-in", data={}, headers={"Accept-Language": "fr"})
    assert response.status_code == 400
    assert 'lang="fr"' in response.get_data(as_text=True)
