"""Import every model module so ``Base.metadata`` is complete (Alembic, tests)."""

from app.audit import models as audit_models
from app.auth import models as auth_models
from app.keys import models as key_models
from app.tenants import models as tenant_models

__all__ = ["audit_models", "auth_models", "key_models", "tenant_models"]
