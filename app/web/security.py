"""Security headers on every response: strict CSP, no framing, no caching of anything
but static files."""

from __future__ import annotations

from flask import Flask, Response, request

from app.settings import Settings

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


def init_app(app: Flask, settings: Settings) -> None:
    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers["Content-Security-Policy"] = CSP
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "no-referrer"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if request.endpoint != "static":
            # Pages and API answers may carry client data (a revealed name): keep them out
            # of browser and proxy caches. Only the stylesheet may be cached.
            headers["Cache-Control"] = "no-store"
        if settings.production:
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return response
