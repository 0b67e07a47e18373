"""The fields of each assistance command are named once, by its typed input: the forms, the
API's schemas and the checked service record declare the same ones (a field added to one
and not the others fails here), and text no column can hold is refused everywhere."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from app.assistance import corrections, forms, grants, schemas, service
from app.assistance.inputs import (
    CONTACT_FIELDS,
    CORRECTION_FIELDS,
    GRANT_FIELDS,
    SERVICE_FIELDS,
    SUBTYPE_FIELDS,
    SUBTYPE_RENAME_FIELDS,
    GrantInput,
    SubtypeInput,
)
from app.assistance.models import AssistanceRecord, Grant, ServiceSubtype
from app.errors import ValidationFailed
from app.validation import field_names
from tests.assistance.test_service import fields

BUTTONS = {"record", "record_another", "save", "remove"}


def test_the_checked_record_and_the_corrections_columns_follow_the_input():
    assert field_names(service.CheckedService) == SERVICE_FIELDS
    assert SERVICE_FIELDS - {"notes"} == corrections.COLUMNS
    assert SERVICE_FIELDS | {"clear_notes"} == CORRECTION_FIELDS


@pytest.mark.parametrize(
    ("schema", "names"),
    [
        (schemas.ServiceArgs, SERVICE_FIELDS),
        (schemas.ServiceCorrectionArgs, SERVICE_FIELDS),
        (schemas.GroupServiceArgs, SERVICE_FIELDS | {"clients"}),
        (schemas.AnonymousContactArgs, CONTACT_FIELDS),
        (schemas.GrantCorrectionArgs, GRANT_FIELDS),
        (schemas.SubtypeRenameArgs, SUBTYPE_RENAME_FIELDS | {"retired"}),
    ],
)
def test_api_schemas_declare_the_inputs_fields(schema, names):
    assert set(schema().fields) == names


@pytest.mark.parametrize(
    ("form", "names"),
    [
        (forms.RecordServiceForm, SERVICE_FIELDS),
        (forms.CorrectServiceForm, CORRECTION_FIELDS),
        (forms.GroupServiceForm, SERVICE_FIELDS | {"clients"}),
        (forms.AnonymousContactForm, CONTACT_FIELDS),
        (forms.GrantForm, GRANT_FIELDS),
        (forms.SubtypeForm, SUBTYPE_FIELDS),
    ],
)
def test_forms_declare_the_inputs_fields(app: Flask, form, names):
    with app.test_request_context():
        declared = {f.name for f in form(meta={"csrf": False})} - BUTTONS
    assert declared == names


BAD_TEXT = ["a\u0000b", "a\ud800b", "a\u0007b"]


@pytest.mark.parametrize("text", BAD_TEXT)
def test_notes_no_column_can_hold_are_refused(in_north, orgs, make_client, text):
    client_id = make_client(orgs.north, "K7-MORA-42")
    with pytest.raises(ValidationFailed) as caught:
        service.record_service(in_north, orgs.north_worker, client_id, fields(notes=text))
    assert caught.value.fields == {"notes": ["This text contains characters that are not allowed."]}
    assert in_north.scalars(select(AssistanceRecord)).all() == []


@pytest.mark.parametrize("text", BAD_TEXT)
def test_grant_and_type_names_no_column_can_hold_are_refused(in_north, orgs, text):
    grant = GrantInput(code="A-1", name=text, funder="EU", starts_on=None, currency="EUR")
    with pytest.raises(ValidationFailed) as caught:
        grants.create_grant(in_north, orgs.north_admin, grant)
    assert "characters that are not allowed" in caught.value.fields["name"][0]
    with pytest.raises(ValidationFailed) as caught:
        grants.create_subtype(in_north, orgs.north_admin, SubtypeInput("legal", text))
    assert caught.value.fields == {"name": ["This text contains characters that are not allowed."]}
    assert in_north.scalars(select(Grant)).all() == []
    assert in_north.scalars(select(ServiceSubtype)).all() == []
