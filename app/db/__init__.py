"""Database foundation: typed base, tenant mixin and guard, engine and unit of work."""

from app.db.base import Base, TenantScoped, utcnow
from app.db.session import HavenSession, make_engine, make_sessionmaker, unit_of_work
from app.db.tenancy import TenantMismatch, bind_actor, current_tenant

__all__ = [
    "Base",
    "HavenSession",
    "TenantMismatch",
    "TenantScoped",
    "bind_actor",
    "current_tenant",
    "make_engine",
    "make_sessionmaker",
    "unit_of_work",
    "utcnow",
]
