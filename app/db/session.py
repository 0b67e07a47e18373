"""Engine, sessions and the unit of work: one session and one commit per request or command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from app.db.tenancy import install_tenant_guard


class HavenSession(Session):
    """The only Session class the app uses; the tenant guard listens on it."""


install_tenant_guard(HavenSession)


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # hide_parameters: bound values (ciphertext, search tokens) never reach error text.
    return create_engine(url, pool_pre_ping=True, hide_parameters=True, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets several gunicorn workers read while one writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def make_sessionmaker(engine: Engine) -> sessionmaker[HavenSession]:
    return sessionmaker(bind=engine, class_=HavenSession, expire_on_commit=False)


#: ``session.info`` key: this unit of work holds a refusal that is itself a record.
KEEP_REFUSAL = "haven.keep_refusal"


def keep_refusal(session: Session) -> None:
    """Commit this unit of work even though the request is refused (4xx): what it wrote is
    the record of the refusal (a disclosure refused, a break-glass refused), which must
    survive. XXX: call it only right before raising the refusal, after writing nothing but
    that record; a server error (5xx) still rolls everything back."""
    session.info[KEEP_REFUSAL] = True


def refusal_kept(session: Session) -> bool:
    return bool(session.info.pop(KEEP_REFUSAL, False))


@contextmanager
def unit_of_work(factory: sessionmaker[HavenSession]) -> Iterator[HavenSession]:
    """Commit once at the end, roll back on any error; for CLI commands and scripts."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
