"""Wiring of extensions, blueprints and hooks; kept apart so ``create_app`` stays readable."""

from __future__ import annotations

from typing import Any

from flask import Flask

from app.settings import Settings


def init_app(app: Flask, settings: Settings) -> None:
    from app.assistance import settings_views  # noqa: F401 - its routes join assistance's
    from app.assistance import views as assistance_views
    from app.auth import admin_views
    from app.auth import views as auth_views
    from app.cases import views as case_views
    from app.claims import views as claim_views
    from app.cli import register_commands
    from app.clients import views as client_views
    from app.keys.service import master_provider_for
    from app.referrals import views as referral_views
    from app.tenants import views as tenant_views
    from app.web import api, errors, extensions, i18n, request, security
    from app.web import views as home_views

    request.init_database(app, settings)
    app.extensions["haven.master"] = master_provider_for(settings, create=not settings.production)
    extensions.init_app(app, settings)
    i18n.init_app(app)
    security.init_app(app, settings)
    errors.init_app(app)
    request.init_app(app)
    app.register_blueprint(auth_views.bp)
    app.register_blueprint(admin_views.bp)
    app.register_blueprint(tenant_views.bp)
    app.register_blueprint(home_views.bp)
    for domain in (client_views, case_views, assistance_views, claim_views, referral_views):
        app.register_blueprint(domain.bp)
    api.init_app(app, api_blueprints())
    register_commands(app)


def api_blueprints() -> list[Any]:
    """Each domain's ``api.py`` blueprint, for the modules that have one."""
    import importlib

    found = []
    for domain in ("clients", "cases", "assistance", "claims", "referrals", "auth"):
        try:
            module = importlib.import_module(f"app.{domain}.api")
        except ModuleNotFoundError as error:
            if error.name != f"app.{domain}.api":
                raise
            continue
        found.append(module.blp)
    return found
