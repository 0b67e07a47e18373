"""A command's unit of work: one session with a keyring, committed once at the end.

For ``haven`` commands (each domain's ``cli.py``) and demo data, run inside the app's
context; a request has its own per-request session instead (:mod:`app.web.request`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import current_app

from app.db import HavenSession, make_engine, make_sessionmaker, unit_of_work
from app.errors import HavenError, ValidationFailed
from app.keys.service import attach_keyring, drop_keyring


@contextmanager
def work(*, as_owner: bool = False) -> Iterator[HavenSession]:
    """One committed transaction, with a keyring; domain errors become clean CLI errors.

    ``as_owner``: on the schema owner's connection (``HAVEN_MIGRATION_DATABASE_URL``), for
    the one thing the app's role may not do: make a platform admin.
    """
    if as_owner:
        engine = make_engine(current_app.extensions["haven.settings"].migration_database_url)
        factory = make_sessionmaker(engine)
    else:
        engine, factory = None, current_app.extensions["haven.sessionmaker"]
    try:
        with unit_of_work(factory) as session:
            attach_keyring(session, current_app.extensions["haven.master"])
            try:
                yield session
            except ValidationFailed as error:
                details = "; ".join(f"{k}: {', '.join(v)}" for k, v in error.fields.items())
                raise click.UsageError(details) from None
            except HavenError as error:
                raise click.ClickException(error.message or type(error).__name__) from None
            finally:
                drop_keyring(session)
    finally:
        if engine is not None:
            engine.dispose()
