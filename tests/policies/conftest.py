"""Fixtures for the policy package tests: real Cedar, real shipped sets, no app."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest

from policies import (
    Action,
    BreakGlassRequest,
    DisclosureRequest,
    PolicySet,
    Requester,
    load_set,
)
from policies.vocabulary import FieldGroup, LegalBasis, Purpose, RecipientType

CASEWORKER = Requester("user-1", "org-1", frozenset({"caseworker"}))

MakeRequest = Callable[..., DisclosureRequest]


def disclosure(
    recipient_type: str = "partner_ngo",
    purpose: str = "referral",
    legal_basis: str = "consent",
    field_groups: Iterable[str] = ("identity",),
    consented_groups: Iterable[str] = (),
    *,
    is_minor: bool = False,
    legal_reference_present: bool = False,
    court_order_present: bool = False,
    action: str = "disclose",
    requester: Requester = CASEWORKER,
) -> DisclosureRequest:
    return DisclosureRequest(
        requester=requester,
        recipient_type=RecipientType(recipient_type),
        purpose=Purpose(purpose),
        legal_basis=LegalBasis(legal_basis),
        field_groups=frozenset(FieldGroup(g) for g in field_groups),
        consented_groups=frozenset(FieldGroup(g) for g in consented_groups),
        is_minor=is_minor,
        legal_reference_present=legal_reference_present,
        court_order_present=court_order_present,
        action=Action(action),
    )


def break_glass(
    field_groups: Iterable[str] = ("identity",),
    *,
    reason_code: str = "client_in_crisis",
    reason_given: bool = True,
    duration_minutes: int = 60,
    is_minor: bool = False,
    roles: Iterable[str] = ("caseworker",),
) -> BreakGlassRequest:
    return BreakGlassRequest(
        requester=Requester("user-2", "org-1", frozenset(roles)),
        field_groups=frozenset(FieldGroup(g) for g in field_groups),
        reason_code=reason_code,
        reason_given=reason_given,
        duration_minutes=duration_minutes,
        is_minor=is_minor,
    )


def request_from(data: dict[str, Any]) -> DisclosureRequest | BreakGlassRequest:
    """A request from a golden file's JSON ("kind": "break_glass" or a disclosure)."""
    fields = dict(data)
    if fields.pop("kind", "disclosure") == "break_glass":
        return break_glass(**fields)
    return disclosure(**fields)


@pytest.fixture
def default_set() -> PolicySet:
    return load_set("default")
