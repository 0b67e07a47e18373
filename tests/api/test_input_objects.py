"""Each command's typed input object is the one list of its fields: the API's arguments and
the form that build it carry exactly those names (the forms may add controls of their own,
such as "remove this field" boxes), so neither can drift from the service."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_wtf import FlaskForm
from marshmallow import Schema

from app.cases import forms as case_forms
from app.cases import inputs
from app.cases import schemas as case_schemas
from app.claims import forms as claim_forms
from app.claims import schemas as claim_schemas
from app.claims.service import ClaimFiling, StatusUpdate
from app.clients import forms as client_forms
from app.clients import schemas as client_schemas
from app.clients.validation import ClientFacts, ClientIdentity
from app.validation import field_names

PAIRS: list[tuple[type, type[Schema], type[FlaskForm] | None]] = [
    (inputs.CaseOpening, case_schemas.OpenCaseArgs, case_forms.OpenCaseForm),
    (inputs.CaseClosing, case_schemas.CloseCaseArgs, case_forms.CloseCaseForm),
    (inputs.ReflectionPeriod, case_schemas.ReflectionPeriodArgs, case_forms.ReflectionPeriodForm),
    (inputs.PermitTrackChoice, case_schemas.PermitTrackArgs, case_forms.PermitTrackForm),
    (inputs.NrmChange, case_schemas.NrmStateArgs, case_forms.NrmStateForm),
    (inputs.Assignee, case_schemas.AssignArgs, case_forms.AssignForm),
    (inputs.RiskInput, case_schemas.AddRiskArgs, case_forms.RiskForm),
    (inputs.RiskReview, case_schemas.ReviewRiskArgs, case_forms.ReviewRiskForm),
    (inputs.ChildModule, case_schemas.ChildDetailsArgs, case_forms.ChildDetailsForm),
    (ClaimFiling, claim_schemas.FileClaimArgs, claim_forms.FileClaimForm),
    (StatusUpdate, claim_schemas.ClaimStatusArgs, claim_forms.ClaimStatusForm),
    (ClientFacts, client_schemas.ClientFactsArgs, client_forms.FactsForm),
    (ClientIdentity, client_schemas.ClientIdentityArgs, client_forms.IdentityForm),
]


@pytest.mark.parametrize(("kind", "schema", "form"), PAIRS, ids=lambda p: p.__name__)
def test_api_arguments_and_forms_carry_the_input_objects_fields(app: Flask, kind, schema, form):
    names = field_names(kind)
    loaded = {field.data_key or name for name, field in schema().fields.items()}
    assert set(schema().fields) == names == loaded
    with app.test_request_context():
        assert names <= set(form(meta={"csrf": False})._fields)


def test_intake_arguments_are_facts_and_identity_side_by_side():
    intake = set(client_schemas.ClientIntakeArgs().fields)
    assert intake == field_names(ClientFacts) | field_names(ClientIdentity)
