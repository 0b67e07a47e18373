"""Organisations: created and listed by the platform admin (or the operator's CLI)."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.context import Actor
from app.db.tenancy import acting_in
from app.errors import Forbidden, NotFound, ValidationFailed
from app.i18n import N_
from app.keys.service import create_tenant_key
from app.settings import SUPPORTED_LOCALES
from app.tenants.models import Organisation, OrganisationKind

_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def _require_platform_admin(ctx: Actor) -> None:
    if not (ctx.is_system or ctx.is_platform_admin):
        raise Forbidden(N_("Only a platform admin can manage organisations."))


def _validated(name: str, slug: str, kind: str, country: str, locale: str) -> dict[str, str]:
    errors: dict[str, list[str]] = {}
    if not name.strip() or len(name.strip()) > 200:
        errors["name"] = [N_("Enter a name of at most 200 characters.")]
    if not _SLUG.match(slug):
        errors["slug"] = [N_("Use 1 to 63 lower-case letters, digits and dashes.")]
    if kind not in OrganisationKind.__members__:
        errors["kind"] = [N_("Choose a kind of organisation from the list.")]
    if not re.fullmatch(r"[A-Z]{2}", country.upper()):
        errors["country"] = [N_("Enter a two-letter ISO 3166 country code, e.g. FR.")]
    if locale not in SUPPORTED_LOCALES:
        errors["default_locale"] = [N_("Choose one of the supported languages.")]
    if errors:
        raise ValidationFailed(errors)
    return {"name": name.strip(), "slug": slug, "kind": kind, "country": country.upper()}


def create_organisation(
    session: Session, ctx: Actor, *, name: str, slug: str, kind: str, country: str, locale: str
) -> Organisation:
    """A new tenant with its first key; its first admin is added separately."""
    _require_platform_admin(ctx)
    clean = _validated(name, slug.strip().lower(), kind, country.strip(), locale)
    if session.scalar(select(Organisation).where(Organisation.slug == clean["slug"])):
        raise ValidationFailed({"slug": [N_("This handle is taken.")]})
    org = Organisation(
        name=clean["name"],
        slug=clean["slug"],
        kind=OrganisationKind(clean["kind"]),
        country=clean["country"],
        default_locale=locale,
    )
    session.add(org)
    session.flush()
    with acting_in(session, org.id):
        create_tenant_key(session, org.id)
        record_event(
            session,
            Actor(ctx.user_id, org.id),
            AuditAction.organisation_created,
            "organisation",
            org.id,
        )
    return org


def other_organisations(session: Session, ctx: Actor) -> list[Organisation]:
    """The other active organisations on the platform, by name: those a consent may name
    (organisation names are not client data)."""
    return list(
        session.scalars(
            select(Organisation)
            .where(Organisation.id != ctx.tenant_id, Organisation.disabled_at.is_(None))
            .order_by(Organisation.name)
        )
    )


def list_organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.name)))


def get_organisation_by_slug(session: Session, slug: str) -> Organisation:
    org = session.scalar(select(Organisation).where(Organisation.slug == slug))
    if org is None:
        raise NotFound(N_("No organisation with this handle."))
    return org
