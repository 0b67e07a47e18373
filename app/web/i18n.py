"""Locale choice: explicit choice in this browser, then the user's, then the organisation's
default, then the browser's Accept-Language."""

from __future__ import annotations

from flask import Flask, request, session
from flask_babel import Babel, get_locale
from flask_login import current_user

from app.settings import SUPPORTED_LOCALES

babel = Babel()


def select_locale() -> str:
    chosen = session.get("locale")
    if chosen in SUPPORTED_LOCALES:
        return str(chosen)
    if current_user.is_authenticated:
        user = current_user.user
        if user.locale in SUPPORTED_LOCALES:
            return str(user.locale)
        membership = current_user.membership
        if membership is not None:
            from app.web.request import my_organisations

            org = next((o for o in my_organisations() if o.id == membership.tenant_id), None)
            if org is not None and org.default_locale in SUPPORTED_LOCALES:
                return org.default_locale
    return request.accept_languages.best_match(SUPPORTED_LOCALES) or "en"


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
