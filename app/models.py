"""Import every model module so ``Base.metadata`` is complete (Alembic, tests)."""

from app.assistance import models as assistance_models
from app.audit import models as audit_models
from app.auth import models as auth_models
from app.cases import models as case_models
from app.claims import models as claim_models
from app.clients import models as client_models
from app.consent import models as consent_models
from app.disclosure import models as disclosure_models
from app.keys import models as key_models
from app.networks import models as network_models
from app.referrals import models as referral_models
from app.reports import models as report_models
from app.tenants import models as tenant_models

__all__ = [
    "assistance_models",
    "audit_models",
    "auth_models",
    "case_models",
    "claim_models",
    "client_models",
    "consent_models",
    "disclosure_models",
    "key_models",
    "network_models",
    "referral_models",
    "report_models",
    "tenant_models",
]
