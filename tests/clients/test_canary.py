"""Canary: identity typed into Haven never reaches the database, the logs or the audit
trail in plaintext. SQLite: the raw database files are scanned byte by byte. PostgreSQL:
every table is read as text, one organisation at a time (RLS is forced even for the owner).
"""

from __future__ import annotations

import logging
import unicodedata
import uuid
from pathlib import Path

from flask import Flask
from sqlalchemy import create_engine, select, text

from app.audit.models import AuditEvent
from app.db import Base
from app.tenants.models import Organisation
from tests.conftest import ON_POSTGRES, csrf_from, sign_in

CANARY_NAME = "Zzcanary Ölga Мария"
CANARY_PHONE = "+99 7351 8642 0913"
CANARY_DOCUMENT = "QX-7319-CANARY"
CANARY_NOTE = "Zzcanarynote shelter at Rue Qwerty 17"


def _needles() -> list[bytes]:
    """Every spelling of the canary that would mean it was stored in the clear."""
    words = [
        CANARY_NAME,
        "Zzcanary",
        "Мария",
        "Ölga",
        CANARY_PHONE,
        "+997351864209",
        "73518642",
        CANARY_DOCUMENT,
        "QX7319CANARY",
        "Zzcanarynote",
        "Rue Qwerty",
    ]
    forms = set()
    for word in words:
        for variant in (word, word.casefold(), unicodedata.normalize("NFKC", word).casefold()):
            forms.add(variant.encode("utf-8"))
            forms.add(variant.encode("utf-8").hex().encode())  # bytea shown as hex text
    return sorted(forms)


def _sqlite_bytes(app: Flask) -> bytes:
    url = app.extensions["haven.settings"].database_url
    database = Path(url.removeprefix("sqlite:///"))
    # The write-ahead log holds committed pages not yet checkpointed: scan it too.
    files = [p for p in database.parent.iterdir() if p.name.startswith(database.name)]
    assert database in files
    return b"".join(p.read_bytes() for p in files)


def _postgres_text(app: Flask) -> bytes:
    owner_url = app.extensions["haven.settings"].migration_database_url
    engine = create_engine(owner_url)
    chunks: list[str] = []
    with engine.connect() as conn:
        tenants = [row[0] for row in conn.execute(select(Organisation.id))]
    for tenant in [None, *tenants]:
        with engine.begin() as conn:
            conn.execute(
                text("SELECT set_config('app.tenant_id', :t, true)"),
                {"t": str(tenant) if tenant else ""},
            )
            for table in Base.metadata.sorted_tables:
                rows = conn.execute(text(f"SELECT t::text FROM {table.name} t"))
                chunks.extend(row[0] for row in rows)
    engine.dispose()
    return "\n".join(chunks).encode("utf-8")


def _stored_bytes(app: Flask) -> bytes:
    return _postgres_text(app) if ON_POSTGRES else _sqlite_bytes(app)


def test_canary_never_stored_logged_or_audited_in_plaintext(app, client, casework, caplog):
    caplog.set_level(logging.DEBUG)
    sign_in(client, casework.worker)
    data = {
        "gender": "female",
        "age_band": "25_34",
        "nationality": "MD",
        "name": CANARY_NAME,
        "aliases": "Zzcanary Olga",
        "phone": CANARY_PHONE,
        "identity_document": CANARY_DOCUMENT,
        "address": CANARY_NOTE,
        "narrative": CANARY_NOTE,
        "date_of_birth": "1991-07-13",
        "csrf_token": csrf_from(client, "/clients/new"),
    }
    response = client.post("/clients/new", data=data)
    assert response.status_code == 302
    url = response.headers["Location"]
    client_id = uuid.UUID(url.rsplit("/", 1)[1])
    token = csrf_from(client, "/clients")
    for kind, value in [
        ("name", "zzcanary ölga мария"),
        ("phone", CANARY_PHONE),
        ("identity_document", CANARY_DOCUMENT.lower()),
    ]:
        found = client.post(
            "/clients/search", data={"kind": kind, "value": value, "csrf_token": token}
        )
        assert str(client_id) in found.get_data(as_text=True), kind
    revealed = client.post(f"{url}/reveal", data={"field": "name", "csrf_token": token})
    assert CANARY_NAME in revealed.get_data(as_text=True)
    edited = client.post(f"{url}/identity", data={"health_notes": CANARY_NOTE, "csrf_token": token})
    assert edited.status_code == 302
    # Bad input carrying the canary: refused, and the refusal does not echo it anywhere.
    refused = client.post(
        "/clients/new", data={**data, "date_of_birth": "2999-01-01", "csrf_token": token}
    )
    assert refused.status_code == 422

    stored = _stored_bytes(app)
    code = client.get(url).get_data(as_text=True).split("<title>")[1].split(" ")[0]
    assert code.encode() in stored  # positive control: the scan sees what is in the clear
    leaks = [needle for needle in _needles() if needle in stored]
    assert leaks == [], f"plaintext canary in the database: {leaks}"

    logged = "\n".join(r.getMessage() + str(r.args) for r in caplog.records).encode("utf-8")
    assert [n for n in _needles() if n in logged] == []

    with app.extensions["haven.sessionmaker"]() as session:
        from app.db import bind_actor

        bind_actor(session, casework.north.id, None)
        events = session.scalars(select(AuditEvent)).all()
    assert {"client.registered", "client.searched", "client.revealed"} <= {e.action for e in events}
    audit = repr([(e.action, e.target_id, e.details) for e in events]).encode("utf-8")
    assert [n for n in _needles() if n in audit] == []
