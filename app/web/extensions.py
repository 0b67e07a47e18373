"""Flask extensions: CSRF, rate limiting, sign-in sessions."""

from __future__ import annotations

import hashlib
import hmac

from flask import Flask, current_app
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
    # A rate-limit store that is down must not take sign-in down: each process then counts
    # the same limits in its own memory (logged, and shown by /health) until the store
    # answers again. Fail safe: guessing stays limited, per process.
    app.config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] = True
    app.config["RATELIMIT_KEY_PREFIX"] = "haven"
    limiter.init_app(app)


def rate_limit_store_down() -> bool:
    """True while the shared store (Redis) cannot be reached and local limits apply."""
    return bool(getattr(limiter, "_storage_dead", False))


def pseudonymous_key(*parts: str) -> str:
    """A rate-limit key that names no one: keys live in Redis, which must never hold a
    staff e-mail address in clear. Keyed with the app's secret, so the store alone cannot
    be searched for a known address."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    text = "\x1f".join(parts).encode()
    return hmac.new(secret, text, hashlib.sha256).hexdigest()[:32]
