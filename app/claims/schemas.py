"""API schemas of the claims domain: input (``…Args``, unknown fields refused) and output.

Amounts travel as decimal strings (``"1250.00"``) so no binary float rounds them; numbers
are accepted on input too. The rules (non-negative amounts, dates not in the future, the
allowed status changes) are the service's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import RAISE, Schema, fields

from app.claims.models import Claim, ClaimRoute, ClaimStatus, ClaimStatusChange, DefendantType
from app.clients.schemas import UtcDateTime
from app.web.api import decimal_string


@dataclass(frozen=True)
class ClaimWithHistory:
    """A claim and its status history, dumped as one object by :class:`ClaimOut`."""

    claim: Claim
    history: list[ClaimStatusChange]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.claim, name)


class _Args(Schema):
    class Meta:
        unknown = RAISE


def _amount() -> fields.Decimal:
    return fields.Decimal(allow_none=True, load_default=None, places=None)


class FileClaimArgs(_Args):
    route = fields.Enum(ClaimRoute, by_value=True, required=True)
    defendant_type = fields.Enum(DefendantType, by_value=True, required=True)
    currency = fields.String(required=True, metadata={"description": "ISO 4217, e.g. EUR"})
    amount_claimed = _amount()
    #: Without a filing date the claim is still being prepared.
    filed_on = fields.Date(allow_none=True, load_default=None)


class ClaimStatusArgs(_Args):
    status = fields.Enum(ClaimStatus, by_value=True, required=True)
    changed_on = fields.Date(required=True)
    amount_awarded = _amount()
    amount_paid = _amount()
    decided_on = fields.Date(allow_none=True, load_default=None)
    paid_on = fields.Date(allow_none=True, load_default=None)


class ClaimStatusChangeOut(Schema):
    status = fields.Enum(ClaimStatus, by_value=True, required=True)
    changed_on = fields.Date(required=True)
    recorded_at = UtcDateTime(required=True)


class ClaimOut(Schema):
    id = fields.UUID(required=True)
    client_id = fields.UUID(required=True)
    case_id = fields.UUID(allow_none=True)
    route = fields.Enum(ClaimRoute, by_value=True, required=True)
    defendant_type = fields.Enum(DefendantType, by_value=True, required=True)
    currency = fields.String(required=True)
    amount_claimed = decimal_string()
    amount_awarded = decimal_string()
    amount_paid = decimal_string()
    filed_on = fields.Date(allow_none=True)
    decided_on = fields.Date(allow_none=True)
    paid_on = fields.Date(allow_none=True)
    status = fields.Enum(ClaimStatus, by_value=True, required=True)
    created_at = UtcDateTime(required=True)
    #: Status changes, oldest first.
    history = fields.List(fields.Nested(ClaimStatusChangeOut), required=True)
