"""Haven: the application factory. ``create_app(settings)``; settings come from the env."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app import wiring
from app.auth import passwords
from app.settings import Settings

TRANSLATIONS = Path(__file__).parent / "translations"


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(
        __name__,
        instance_path=str(settings.instance_path),
        template_folder="web/templates",
        static_folder="web/static",
    )
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME="haven_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.production,
        # Browser-side session ends with the server-side one (which times out when idle).
        PERMANENT_SESSION_LIFETIME=settings.session_max_hours * 3600,
        # The cookie is not re-signed on every response: its lifetime is the session's
        # maximum, and the idle timeout is enforced on the server-side row.
        SESSION_REFRESH_EACH_REQUEST=False,
        BABEL_DEFAULT_LOCALE="en",
        BABEL_TRANSLATION_DIRECTORIES=str(TRANSLATIONS),
        TESTING=settings.testing,
        # Forms carry at most a few notes of 10,000 characters; anything bigger is refused
        # (413) before it is parsed.
        MAX_CONTENT_LENGTH=1024 * 1024,
        WTF_CSRF_SSL_STRICT=settings.production,
    )
    app.extensions["haven.settings"] = settings
    passwords.use_profile(passwords.HashingProfile(settings.hashing_profile))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    wiring.init_app(app, settings)
    if settings.trusted_proxies:
        # Behind N trusted proxies the client's address, scheme and host are the ones the
        # outermost proxy saw: rate limits and logs then see people, not the proxy.
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    return app
