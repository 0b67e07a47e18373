"""Grants and service types: managed by an org admin or a supervisor, per organisation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.assistance import grants
from app.assistance.inputs import GrantInput, SubtypeInput
from app.assistance.models import Grant
from app.db import bind_actor
from app.errors import Forbidden, ValidationFailed
from app.validation import typed_input

GRANT = {
    "code": "AMIF-2026-17",
    "name": "Shelter places",
    "funder": "European Union",
    "starts_on": "2026-01-01",
    "ends_on": "2026-12-31",
    "budget": "120000",
    "currency": "eur",
}


def test_admin_and_supervisor_create_grants_caseworkers_do_not(in_north, orgs):
    grant = grants.create_grant(in_north, orgs.north_admin, typed_input(GrantInput, GRANT))
    assert grant.currency == "EUR" and grant.budget == 120000
    grants.create_grant(
        in_north, orgs.north_supervisor, typed_input(GrantInput, {**GRANT, "code": "B"})
    )
    with pytest.raises(Forbidden):
        grants.create_grant(
            in_north, orgs.north_worker, typed_input(GrantInput, {**GRANT, "code": "C"})
        )
    assert [g.code for g in grants.list_grants(in_north, orgs.north_worker)] == [
        "AMIF-2026-17",
        "B",
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"code": ""}, "code"),
        ({"name": "x" * 201}, "name"),
        ({"ends_on": "2025-12-31"}, "ends_on"),
        ({"budget": "-1"}, "budget"),
        ({"currency": "EURO"}, "currency"),
        ({"currency": ""}, "currency"),
        ({"starts_on": "soon"}, "starts_on"),
    ],
)
def test_grant_rules(change, field, in_north, orgs):
    with pytest.raises(ValidationFailed) as caught:
        grants.create_grant(
            in_north, orgs.north_admin, typed_input(GrantInput, {**GRANT, **change})
        )
    assert field in caught.value.fields
    assert in_north.scalars(select(Grant)).all() == []


def test_grant_codes_are_unique_per_organisation(in_north, db, orgs):
    grants.create_grant(in_north, orgs.north_admin, typed_input(GrantInput, GRANT))
    with pytest.raises(ValidationFailed):
        grants.create_grant(in_north, orgs.north_admin, typed_input(GrantInput, GRANT))
    bind_actor(db, orgs.south.id, None)
    south_admin = orgs.ctx(orgs.south, "org_admin")
    grants.create_grant(
        db, south_admin, typed_input(GrantInput, GRANT)
    )  # the same code in another organisation
    assert len(grants.list_grants(db, south_admin)) == 1


def test_service_types(in_north, db, orgs):
    subtype = grants.create_subtype(
        in_north,
        orgs.north_supervisor,
        typed_input(SubtypeInput, {"category": "accommodation", "name": "Emergency"}),
    )
    assert subtype.category == "accommodation"
    with pytest.raises(ValidationFailed):
        grants.create_subtype(
            in_north,
            orgs.north_supervisor,
            typed_input(SubtypeInput, {"category": "accommodation", "name": "Emergency"}),
        )
    with pytest.raises(ValidationFailed) as caught:
        grants.create_subtype(
            in_north, orgs.north_admin, typed_input(SubtypeInput, {"category": "spa", "name": ""})
        )
    assert set(caught.value.fields) == {"category", "name"}
    with pytest.raises(Forbidden):
        grants.create_subtype(
            in_north,
            orgs.north_worker,
            typed_input(SubtypeInput, {"category": "legal", "name": "x"}),
        )
    assert grants.list_subtypes(in_north, orgs.north_worker) == [subtype]
    bind_actor(db, orgs.south.id, None)
    assert grants.list_subtypes(db, orgs.south_worker) == []
