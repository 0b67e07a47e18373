"""Wiring of extensions, blueprints, API and commands; kept apart so ``create_app`` stays
readable. The only module that imports every domain's views (it sits above them all)."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from redis import Redis

import app.models  # noqa: F401 - every model, before anything asks for the mapped tables
from app.assistance import api as assistance_api
from app.assistance import settings_views  # noqa: F401 - its routes join assistance's
from app.assistance import views as assistance_views
from app.auditor import api as auditor_api
from app.auditor import views as auditor_views
from app.auditor.cli import audit_group
from app.auth import (
    admin_views,
    platform_views,
    principal,  # noqa: F401 - registers the sign-in session loader
)
from app.auth import api as auth_api
from app.auth import views as auth_views
from app.auth.access import may
from app.auth.session_store import RedisSessions, use_session_store
from app.cases import api as cases_api
from app.cases import (
    children,
    risk_views,  # noqa: F401 - its routes join the cases blueprint
)
from app.cases import views as case_views
from app.claims import api as claims_api
from app.claims import views as claim_views
from app.cli import db_group, org_group, token_group, user_group
from app.clients import api as clients_api
from app.clients import views as client_views
from app.consent import api as consent_api
from app.consent import org_views  # noqa: F401 - its routes join the consent blueprint
from app.consent import views as consent_views
from app.demo import demo_command
from app.disclosure import api as disclosure_api
from app.disclosure import views as disclosure_views
from app.disclosure.break_glass import opened_by_break_glass
from app.disclosure.policy import load_shipped_sets
from app.home import views as home_views
from app.key_admin.cli import keys_group
from app.keys.service import master_provider_for
from app.networks.cli import network_group
from app.referrals import api as referrals_api
from app.referrals import views as referral_views
from app.reports import api as reports_api
from app.reports import views as report_views
from app.settings import Settings
from app.web import api, errors, extensions, health, i18n, inputs, pickers, request, security

BLUEPRINTS = (
    auth_views.bp,
    admin_views.bp,
    platform_views.bp,
    home_views.bp,
    health.bp,
    client_views.bp,
    case_views.bp,
    assistance_views.bp,
    claim_views.bp,
    referral_views.bp,
    consent_views.bp,
    disclosure_views.bp,
    auditor_views.bp,
    report_views.bp,
)
API_BLUEPRINTS = (
    clients_api.blp,
    cases_api.blp,
    assistance_api.blp,
    claims_api.blp,
    referrals_api.blp,
    consent_api.blp,
    disclosure_api.blp,
    auth_api.blp,
    auditor_api.blp,
    reports_api.blp,
)
COMMANDS = (
    db_group,
    org_group,
    user_group,
    token_group,
    keys_group,
    audit_group,
    network_group,
    demo_command,
)


def init_app(app: Flask, settings: Settings) -> None:
    # A shipped policy set that does not validate stops the start (PolicyLoadError names
    # the file and line): deciding disclosures under a broken policy is worse than not at all.
    load_shipped_sets()
    # A running break-glass opening shows the child module to the one who opened it.
    children.allow_opening_by_exception(opened_by_break_glass)
    request.init_database(app, settings)
    if settings.session_store == "redis" and settings.redis_url is not None:
        # Production: sessions live in Redis (DESIGN.md), as the rate limits do.
        store = RedisSessions(
            Redis.from_url(settings.redis_url),
            "haven:session:",
            timedelta(minutes=settings.idle_timeout_minutes),
            timedelta(hours=settings.session_max_hours),
        )
        use_session_store(app.extensions["haven.sessionmaker"], store)
    app.extensions["haven.master"] = master_provider_for(settings, create=not settings.production)
    extensions.init_app(app, settings)
    i18n.init_app(app)
    pickers.init_app(app)
    security.init_app(app, settings)
    errors.init_app(app)
    inputs.init_app(app)
    request.init_app(app)
    # Templates ask the permission table, never a role: {% if can('casework') %}.
    app.jinja_env.globals["can"] = may
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    api.init_app(app, list(API_BLUEPRINTS))
    for command in COMMANDS:
        app.cli.add_command(command)
