"""New passwords are judged by their strength (zxcvbn), not their composition."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from app.auth.models import User
from app.auth.password_policy import TOO_GUESSABLE, TOO_SHORT, problems
from tests.conftest import PASSWORD, csrf_from, sign_in


@pytest.mark.parametrize(
    "weak",
    ["aaaaaaaaaaaa", "password1234", "qwertyuiop123", "123456789012", "iloveyou2026!"],
)
def test_common_and_patterned_passwords_are_refused(weak):
    assert problems(weak) == [TOO_GUESSABLE]


def test_the_persons_own_name_does_not_make_a_password():
    assert problems("marie.dubois.marie", ("marie.dubois@refuge.example", "Marie Dubois")) == [
        TOO_GUESSABLE
    ]


def test_short_passwords_are_refused_and_passphrases_accepted():
    assert problems("Xq3!p9") == [TOO_SHORT]
    assert problems("tiger lamp orchard seventy") == []
    assert problems("93!82@71#64$5", ("marie@refuge.example",)) == []  # random, no letters


def test_a_weak_new_password_is_refused_in_the_users_language(client, factory, db):
    org = factory.organisation("nord", locale="fr")
    person = factory.person("cw@example.org", {org: {"caseworker"}})
    db.execute(update(User).values(must_change_password=True))
    db.commit()
    sign_in(client, person)
    token = csrf_from(client, "/account/password")
    weak = "aaaaaaaaaaaa"
    answer = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": weak, "confirm": weak,
              "csrf_token": token},  # fmt: skip
    )
    assert answer.status_code == 422
    assert "trop facile à deviner" in answer.get_data(as_text=True)
