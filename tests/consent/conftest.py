"""Consent tests share the claim tests' organisations, people and clients (north refers to
south; east is neither), and build consent input with the example notices."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from app.consent.inputs import ConsentInput
from app.consent.models import ConsentNotice
from app.consent.notices import ensure_example_notices
from app.consent.service import record_consent
from app.db.base import utcnow
from app.tenants.models import Organisation
from tests.claims.conftest import SECRET_NAME, SECRET_PHONE, Work, new_client, people, work, world

__all__ = ["SECRET_NAME", "SECRET_PHONE", "new_client", "people", "work", "world"]


def in_days(days: int) -> str:
    return (utcnow().date() + timedelta(days=days)).isoformat()


def notice_id(work: Work, org: Organisation, key: str = "sharing") -> uuid.UUID:
    with work(org) as (session, ctx):
        ensure_example_notices(session, ctx)
        found = session.scalar(select(ConsentNotice.id).where(ConsentNotice.key == key))
        assert found is not None
        return found


def consent_input(notice: uuid.UUID, **overrides: Any) -> ConsentInput:
    """A referral consent for identity and contact, read in Arabic with an interpreter."""
    values: dict[str, Any] = {
        "decision": "given",
        "purposes": ["referral"],
        "field_groups": ["identity", "contact"],
        "recipient_types": ["partner_ngo"],
        "recipient_names": ["Refuge Sud"],
        "notice_id": notice,
        "notice_language": "ar",
        "notice_version": 1,
        "language": "ar",
        "method": "verbal",
        "expires_on": in_days(90),
        "interpreter_used": True,
        "interpreter_code": "INT-07",
        **overrides,
    }
    return ConsentInput(**values)


@pytest.fixture
def give(work: Work) -> Callable[..., uuid.UUID]:
    """``give(org, client_id, **overrides)``: record a consent, return the record's id."""

    def _give(org: Organisation, client_id: uuid.UUID, **overrides: Any) -> uuid.UUID:
        notice = overrides.pop("notice", None) or notice_id(work, org)
        with work(org) as (session, ctx):
            return record_consent(session, ctx, client_id, consent_input(notice, **overrides)).id

    return _give
