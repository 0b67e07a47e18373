"""Who is acting, for whom: passed explicitly to every service function."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from app.auth.models import Role


@dataclass(frozen=True)
class Actor:
    #: None for the system (a CLI command run by an operator without a user account).
    user_id: uuid.UUID | None
    #: The organisation acted in; None before one is picked, and for platform-level work.
    tenant_id: uuid.UUID | None
    roles: frozenset[Role] = field(default_factory=frozenset)
    is_platform_admin: bool = False
    #: The operator at the command line (no user account): trusted like a platform admin
    #: for management, never a way in for a request. XXX: only app.cli and demo set it.
    is_system: bool = False
    #: Set for an integration calling the API with a token (then user_id is None).
    api_token_id: uuid.UUID | None = None

    def has_any(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @classmethod
    def system(cls, tenant_id: uuid.UUID | None = None) -> Actor:
        return cls(user_id=None, tenant_id=tenant_id, roles=frozenset(), is_system=True)
