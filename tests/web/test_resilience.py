"""What keeps serving when a part fails: the error page after a database error, sign-in
with the rate-limit store down, /health; and what the server says about itself."""

from __future__ import annotations

import dataclasses
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from flask import Blueprint
from sqlalchemy import text

from app import create_app
from app.auth.access import requires
from app.auth.permissions import Permission
from app.context import Role
from app.web.extensions import limiter
from app.web.request import db
from tests.conftest import csrf_from, sign_in

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_database_error_on_a_signed_in_page_shows_havens_error_page(settings, factory):
    broken = Blueprint("broken", __name__)

    @broken.route("/broken")
    @requires(Permission.casework)
    def failing() -> str:
        db().execute(text("SELECT * FROM no_such_table"))
        return "unreachable"

    app = create_app(settings)
    app.register_blueprint(broken)
    org = factory.organisation("north")
    worker = factory.person("cw@north.org", {org: {Role.caseworker}})
    client = app.test_client()
    sign_in(client, worker)
    response = client.get("/broken")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong on our side" in page
    assert "no_such_table" not in page and "SELECT" not in page
    assert client.get("/").status_code == 200  # the next request is served normally


def test_health_says_what_works(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "rate_limits": "local"}


def test_sign_in_works_while_the_rate_limit_store_is_down(app, settings, factory):
    unreachable = f"redis://127.0.0.1:{_free_port()}/0"
    down = create_app(dataclasses.replace(settings, redis_url=unreachable))
    try:
        _sign_in_and_guess(down, factory)
    finally:
        limiter.init_app(app)  # the limiter is one object: give it back its test store


def _sign_in_and_guess(app, factory):
    org = factory.organisation("north")
    worker = factory.person("cw@north.org", {org: {Role.caseworker}})
    client = app.test_client()
    sign_in(client, worker)  # asserts the redirect: no 500
    assert client.get("/").status_code == 200
    health = client.get("/health").json
    assert health["status"] == "degraded"
    assert health["rate_limits"] == "local fallback (shared store unreachable)"
    # The local fallback still limits guessing.
    guesser, statuses = app.test_client(), []
    for _ in range(12):
        token = csrf_from(guesser, "/sign-in")
        answer = guesser.post(
            "/sign-in", data={"email": "x@y.org", "password": "wrong", "csrf_token": token}
        )
        statuses.append(answer.status_code)
    assert 429 in statuses


def test_a_nul_byte_in_a_form_is_a_422_and_a_huge_page_number_an_empty_list(client, factory):
    org = factory.organisation("north")
    worker = factory.person("cw@north.org", {org: {Role.caseworker}})
    sign_in(client, worker)
    huge = client.get("/clients?page=10000000000000000000000")
    assert huge.status_code == 200
    token = csrf_from(client, "/clients/new")
    posted = client.post("/clients/new", data={"name": "a\x00b", "csrf_token": token})
    assert posted.status_code == 422


def test_gunicorn_with_havens_settings_does_not_name_itself(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "HAVEN_INSTANCE_PATH": str(tmp_path),
        "HAVEN_DATABASE_URL": f"sqlite:///{tmp_path / 'haven.sqlite3'}",
    }
    env.pop("HAVEN_ENV", None)
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:app.gunicorn_conf",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "1",
            "wsgi:app",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        headers = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/sign-in") as answer:  # noqa: S310
                    headers = answer.headers
                break
            except OSError:
                time.sleep(0.1)
        assert headers is not None, "gunicorn did not answer"
        assert "Server" not in headers
        assert headers["Cache-Control"] == "no-store"
    finally:
        server.terminate()
        server.wait(timeout=10)
