"""Flask extensions: CSRF, rate limiting, sign-in sessions."""

from __future__ import annotations

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from app.settings import Settings

csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def init_app(app: Flask, settings: Settings) -> None:
    csrf.init_app(app)
    login_manager.init_app(app)
    # Session protection is ours: the server-side session row is the source of truth.
    login_manager.session_protection = None
    app.config["RATELIMIT_STORAGE_URI"] = settings.rate_limit_storage
    app.config["RATELIMIT_HEADERS_ENABLED"] = True
    limiter.init_app(app)


def login_rate_key() -> str:
    """Sign-in attempts are limited per address and per account name together."""
    email = (request.form.get("email") or "").strip().casefold()
    return f"{get_remote_address()}|{email}"
