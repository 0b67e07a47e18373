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

    def has_any(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @classmethod
    def system(cls, tenant_id: uuid.UUID | None = None) -> Actor:
        return cls(user_id=None, tenant_id=tenant_id, roles=frozenset())
