"""The fields of each referral command are named once, by its typed input: the forms and the
API's schemas declare the same ones (a field added to one and not the others fails here)."""

from __future__ import annotations

import pytest
from flask import Flask

from app.referrals import forms, schemas
from app.referrals.inputs import (
    ANSWER_FIELDS,
    EXTERNAL_REFERRAL_FIELDS,
    PLATFORM_REFERRAL_FIELDS,
)


@pytest.mark.parametrize(
    ("schema", "names"),
    [
        (schemas.PlatformReferralArgs, PLATFORM_REFERRAL_FIELDS),
        (schemas.ExternalReferralArgs, EXTERNAL_REFERRAL_FIELDS),
        (schemas.IncomingResponseArgs, ANSWER_FIELDS),
        (schemas.ReferralResponseArgs, ANSWER_FIELDS - {"take_on"}),
    ],
)
def test_api_schemas_declare_the_inputs_fields(schema, names):
    assert set(schema().fields) == names


@pytest.mark.parametrize(
    ("form", "names"),
    [
        (forms.PlatformReferralForm, PLATFORM_REFERRAL_FIELDS),
        (forms.ExternalReferralForm, EXTERNAL_REFERRAL_FIELDS),
        (forms.ResponseForm, ANSWER_FIELDS),
    ],
)
def test_forms_declare_the_inputs_fields(app: Flask, form, names):
    with app.test_request_context():
        declared = {f.name for f in form(meta={"csrf": False})}
    assert declared == names
