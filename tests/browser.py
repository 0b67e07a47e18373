"""Browser fixtures: the session ``app`` served over HTTP, and Debian's Chromium via Playwright.

Registered from ``tests/conftest.py`` through ``pytest_plugins``. Playwright never downloads a
browser here: it drives ``/usr/bin/chromium``. Without that binary the browser tests are
skipped locally and fail in CI (``CI`` set), so CI cannot go green without running them.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Playwright's per-action timeout (ms): a local server answers fast, a hang should fail fast.
ACTION_TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    """Serve the session ``app`` on 127.0.0.1 (free port) in a background thread.

    Each request runs in its own thread (``threaded=True``); the app opens its SQLAlchemy
    session per request, and SQLAlchemy 2 opens file-based SQLite with
    ``check_same_thread=False`` and a connection pool, so no connection crosses threads while
    in use.
    """
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _chromium_or_skip() -> None:
    if CHROMIUM.exists():
        return
    reason = (
        f"Chromium not found at {CHROMIUM}: "
        "install Debian's 'chromium' package to run the browser tests"
    )
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def _chromium() -> Iterator[Browser]:
    """One Chromium per test session."""
    _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(_chromium: Browser) -> Iterator[Page]:
    """A fresh page in a fresh context (no cookies shared between tests)."""
    context = _chromium.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def sign_in_page(page: Page, base_url: str, person: Any) -> None:
    """Sign ``person`` in through the browser's forms, the second factor included when
    their roles need one (a code from their enrolled authenticator)."""
    import pyotp
    from playwright.sync_api import expect

    page.goto(f"{base_url}/sign-in")
    page.get_by_label("E-mail address").fill(person.email)
    page.get_by_label("Password").fill(person.password)
    page.get_by_role("button", name="Sign in").click()
    if page.url.endswith("/sign-in/code"):
        code = page.get_by_label("Six-digit code from your authenticator app")
        code.fill(pyotp.TOTP(person.totp_secret).now())
        page.get_by_role("button", name="Continue").click()
    expect(page).not_to_have_url(re.compile(r"/sign-in"))
