"""Wiring of extensions, blueprints and hooks; kept apart so ``create_app`` stays readable."""

from __future__ import annotations

from flask import Flask

from app.settings import Settings


def init_app(app: Flask, settings: Settings) -> None:
    from app.auth import admin_views
    from app.auth import views as auth_views
    from app.cli import register_commands
    from app.keys.service import master_provider_for
    from app.tenants import views as tenant_views
    from app.web import errors, extensions, i18n, request, security
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
    from app.assistance import views as assistance_views
    from app.cases import views as case_views
    from app.claims import views as claim_views
    from app.clients import views as client_views
    from app.referrals import views as referral_views

    for domain in (client_views, case_views, assistance_views, claim_views, referral_views):
        app.register_blueprint(domain.bp)
    register_commands(app)
