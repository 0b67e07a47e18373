"""Who is acting, for whom: passed explicitly to every service function."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from babel.core import get_global


class Role(enum.StrEnum):
    """What a member of staff does in one organisation. What each role may do is written
    once, in :mod:`app.auth.permissions`."""

    caseworker = "caseworker"
    supervisor = "supervisor"
    org_admin = "org_admin"
    auditor = "auditor"
    #: Reports only; never client-level data.
    funder = "funder"


@dataclass(frozen=True)
class Actor:
    #: None for the system (a CLI command run by an operator without a user account).
    user_id: uuid.UUID | None
    #: The organisation acted in; None before one is picked, and for platform-level work.
    tenant_id: uuid.UUID | None
    roles: frozenset[Role] = field(default_factory=frozenset)
    is_platform_admin: bool = False
    #: The operator at the command line (no user account): trusted like a platform admin
    #: for management, never a way in for a request. XXX: only the command line sets it
    #: (app.cli, app.demo).
    is_system: bool = False
    #: Set for an integration calling the API with a token (then user_id is None).
    api_token_id: uuid.UUID | None = None

    #: The organisation's country (ISO 3166-1 alpha-2): its calendar decides "today".
    country: str | None = None

    def today(self) -> date:
        """The organisation's today: the one meaning of "not in the future" (see
        :mod:`app.validation`). In a country with several time zones it is the date in the
        easternmost, so a date typed anywhere in the country is never "in the future";
        with no organisation (an operator at the command line) the latest date on Earth."""
        return local_today(self.country)

    @classmethod
    def system(cls, tenant_id: uuid.UUID | None = None) -> Actor:
        return cls(user_id=None, tenant_id=tenant_id, roles=frozenset(), is_system=True)


def local_today(country: str | None) -> date:
    now = datetime.now(UTC)
    zones = _zones(country)
    if not zones:
        return (now + timedelta(hours=14)).date()  # UTC+14 is the earliest calendar
    return max(now.astimezone(zone).date() for zone in zones)


@cache
def _zones(country: str | None) -> tuple[ZoneInfo, ...]:
    names: list[str] = get_global("territory_zones").get(country or "", [])
    return tuple(ZoneInfo(name) for name in names)
