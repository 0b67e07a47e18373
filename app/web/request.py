"""Per-request state: the database session (unit of work) and the actor.

One session per request; committed once after the view if the response is a success or a
redirect, rolled back otherwise, so a refused request writes nothing (except a refusal that
is itself a record, marked by :func:`app.db.session.keep_refusal`). The per-request
keyring of unwrapped keys lives in the session's ``info`` and is dropped with it.
"""

from __future__ import annotations

import uuid

from flask import Flask, Response, current_app, g
from flask_login import current_user

from app.context import Actor
from app.db import HavenSession, make_engine, make_sessionmaker
from app.db.session import refusal_kept
from app.keys.service import attach_keyring, drop_keyring
from app.settings import Settings


def init_database(app: Flask, settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    app.extensions["haven.engine"] = engine
    app.extensions["haven.sessionmaker"] = make_sessionmaker(engine)


def db() -> HavenSession:
    """This request's session, created on first use."""
    if "db" not in g:
        session: HavenSession = current_app.extensions["haven.sessionmaker"]()
        attach_keyring(session, current_app.extensions["haven.master"])
        g.db = session
    return g.db  # type: ignore[no-any-return]


def actor() -> Actor:
    """Who is acting in this request: the signed-in principal's actor (``app.auth.principal``),
    or nobody."""
    if current_user.is_authenticated:
        found: Actor = current_user.actor
        return found
    return Actor(user_id=None, tenant_id=None)


def settings() -> Settings:
    value: Settings = current_app.extensions["haven.settings"]
    return value


def init_app(app: Flask) -> None:
    @app.after_request
    def _commit(response: Response) -> Response:
        session: HavenSession | None = g.pop("db", None)
        if session is None:
            return response
        try:
            status = response.status_code
            if status < 400 or (status < 500 and refusal_kept(session)):
                session.commit()
            else:
                session.rollback()
        finally:
            drop_keyring(session)
            session.close()
        return response

    @app.teardown_request
    def _close(_exc: BaseException | None) -> None:
        session: HavenSession | None = g.pop("db", None)
        if session is not None:
            session.rollback()
            drop_keyring(session)
            session.close()


def parse_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except (ValueError, TypeError):
        return None
