"""Data for the casework benchmark: a dedicated PostgreSQL database ``haven_bench`` with 50
organisations, 100,000 clients and 1,000,000 assistance records (at ``--scale 1``).

How it is made, and why:
- The database is created by the ``postgres`` superuser (local trust auth, as in
  ``.ci/pg-setup``), owned by ``haven_owner``, and migrated with ``app.migrate.upgrade``.
- Organisations go through ``app.tenants.service.create_organisation`` (so each has its
  tenant key); one caseworker per organisation through ``app.auth.service.create_user`` +
  ``add_member``, with a known password and ``must_change_password`` off, for the load.
- Clients, client keys, cases, grants, subtypes and assistance records are bulk Core
  inserts in batches, inside ``acting_in(session, org.id)``: row-level security is forced
  for the owner too, and its WITH CHECK needs ``app.tenant_id`` in every transaction.
- Every client gets its own key and ~30% a sealed name, with its blind index from
  ``app.clients.indexes.index_of``; ~10% of the assistance records have sealed notes.
  Codes have the shape of ``app.clients.pseudonyms``, regions come from
  ``app.regions``; all is drawn from a seeded generator, so data is reproducible.
  For speed, keys and seals use the crypto primitives directly (``new_data_key``,
  ``wrap_key``, ``seal``) with exactly the bindings of the app's helpers:
  ``create_client_key`` wraps a ``c1`` key under the tenant's active key with
  ``client_context(tenant, client)``; ``seal_for_client`` seals with ``binding(session,
  table, column, row_id)`` = ``FieldBinding(tenant, table, column, row)``. So the app
  opens every sealed value; ``check_sealing`` proves it through ``open_for_client``.
- Idempotent: the parameters (scale, seed, generator version, a digest of the migrations
  and of the master key file) are written as the database's COMMENT when generation
  finished; the same parameters next time means nothing is done. Different parameters, or
  an unfinished earlier attempt, mean the database is dropped and made again.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import subprocess
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, delete, insert, select, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "haven_bench"
PG = "127.0.0.1:5432"
OWNER_URL = f"postgresql+psycopg://haven_owner@{PG}/{DATABASE}"
APP_URL = f"postgresql+psycopg://haven_app@{PG}/{DATABASE}"
#: Bumped whenever the shape of the generated data changes: forces a new database.
GENERATOR_VERSION = 3
ORGANISATIONS = 50
CLIENTS = 100_000
RECORDS = 1_000_000
SEALED_NAME_SHARE = 0.30
SEALED_NOTES_SHARE = 0.10
BATCH = 5_000
#: The load test signs in as these accounts; a benchmark database only, never a real one.
CASEWORKER_PASSWORD = "bench-caseworker-password"  # noqa: S105 - a throwaway bench account
#: Their authenticator secret (caseworkers must use a second factor): bench accounts only.
CASEWORKER_TOTP_SECRET = "HAVENBENCHCASEWORKERTOTP"  # noqa: S105 - a throwaway bench account
TODAY = date(2026, 11, 1)


@dataclass
class BenchOrg:
    id: uuid.UUID
    slug: str
    clients: int
    caseworker_email: str


@dataclass
class Generated:
    orgs: list[BenchOrg]
    seconds: float
    reused: bool
    counts: dict[str, int] = field(default_factory=dict)


def psql(sql: str, database: str = "postgres") -> str:
    """Run SQL as the superuser over local trust auth (the way .ci/pg-setup does)."""
    out = subprocess.run(
        [
            "psql",
            "-v",
            "ON_ERROR_STOP=1",
            "-qtA",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            database,
            "-c",
            sql,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def parameters(scale: float, seed: int, master_key_file: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    for path in sorted((ROOT / "migrations" / "versions").glob("*.py")):
        digest.update(path.read_bytes())
    return {
        "generator": GENERATOR_VERSION,
        "scale": scale,
        "seed": seed,
        "migrations": digest.hexdigest()[:16],
        # Which master key wrapped the tenant keys: a new key file means new data.
        "master": hashlib.sha256(master_key_file.read_bytes()).hexdigest()[:16],
    }


def stored_parameters() -> dict[str, Any] | None:
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'")
    if not exists:
        return None
    raw = psql(
        f"SELECT shobj_description(oid, 'pg_database') FROM pg_database "
        f"WHERE datname = '{DATABASE}'"
    )
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def recreate_database() -> None:
    from app.migrate import upgrade

    psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    psql(f"CREATE DATABASE {DATABASE} OWNER haven_owner")
    psql("REVOKE CREATE ON SCHEMA public FROM PUBLIC", database=DATABASE)
    upgrade(OWNER_URL, app_role="haven_app")


def ensure_data(scale: float, seed: int, master_key_file: Path) -> Generated:
    """The benchmark database with these parameters: reused if there, else made anew."""
    from app.db import make_engine

    wanted = parameters(scale, seed, master_key_file)
    started = time.perf_counter()
    reused = stored_parameters() == wanted
    if not reused:
        print(f"generating {DATABASE} {json.dumps(wanted)} ...", flush=True)
        recreate_database()
    engine = make_engine(OWNER_URL)
    try:
        if not reused:
            _generate(engine, scale, seed, master_key_file)
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
            comment = json.dumps(wanted).replace("'", "''")
            psql(f"COMMENT ON DATABASE {DATABASE} IS '{comment}'")
        orgs, counts = _inventory(engine)
    finally:
        engine.dispose()
    return Generated(orgs, time.perf_counter() - started, reused, counts)


def _inventory(engine: Engine) -> tuple[list[BenchOrg], dict[str, int]]:
    """The bench organisations, largest first, with their caseworker and row counts."""
    from app.db import make_sessionmaker
    from app.db.tenancy import acting_in
    from app.tenants.models import Organisation

    orgs = []
    counts = dict.fromkeys(("clients", "client_keys", "cases", "assistance_records"), 0)
    with make_sessionmaker(engine)() as session:
        for org in session.scalars(select(Organisation).order_by(Organisation.slug)).all():
            with acting_in(session, org.id):  # RLS shows this organisation's rows only
                for table in counts:
                    counts[table] += session.execute(
                        text(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
                    ).scalar_one()
                clients = session.execute(text("SELECT count(*) FROM clients")).scalar_one()
            orgs.append(BenchOrg(org.id, org.slug, clients, caseworker_email(org.slug)))
            session.rollback()
    orgs.sort(key=lambda o: (-o.clients, o.slug))
    return orgs, counts


def inventory() -> tuple[list[BenchOrg], dict[str, int]]:
    engine = make_engine_for(OWNER_URL)
    try:
        return _inventory(engine)
    finally:
        engine.dispose()


def totp_code(at: float | None = None) -> str:
    """The bench caseworkers' current second-factor code."""
    import pyotp

    return str(pyotp.TOTP(CASEWORKER_TOTP_SECRET).at(time.time() if at is None else at))


def caseworker_email(slug: str) -> str:
    return f"caseworker@{slug}.bench.haven.example"


def org_sizes(scale: float, rng: random.Random) -> list[int]:
    """Clients per organisation: Zipf-like (s = 0.9), so a few large shelters and many small
    centres; the largest holds about 15% of all clients."""
    total = max(ORGANISATIONS, round(CLIENTS * scale))
    weights = [1 / (rank + 1) ** 0.9 for rank in range(ORGANISATIONS)]
    raw = [total * w / sum(weights) for w in weights]
    sizes = [max(1, math.floor(x)) for x in raw]
    for i in range(total - sum(sizes)):  # hand out the rounding remainder
        sizes[i % ORGANISATIONS] += 1
    rng.shuffle(sizes)  # organisation names say nothing about size
    return sizes


def _generate(engine: Engine, scale: float, seed: int, master_key_file: Path) -> None:
    from app.db import make_sessionmaker
    from app.keys.service import attach_keyring
    from bench.casework_rows import OrgRows
    from crypto import LocalKeyFileProvider

    rng = random.Random(seed)
    sizes = org_sizes(scale, rng)
    records_per_client = RECORDS / CLIENTS
    with make_sessionmaker(engine)() as session:
        attach_keyring(session, LocalKeyFileProvider(master_key_file))
        orgs = _organisations_and_caseworkers(session, len(sizes))
        session.commit()
        written, analysed = 0, 0
        for n, (org_id, size) in enumerate(zip(orgs, sizes, strict=True)):
            rows = OrgRows(session, org_id, rng)
            rows.write(size, round(size * records_per_client))
            session.commit()
            written += size
            if written >= 2 * analysed:
                # Fresh statistics whenever the tables have doubled: the foreign-key checks'
                # cached plans, made while the tables were nearly empty and never analysed,
                # otherwise scan a tenant's clients for every inserted row (quadratic: a
                # 15,000-client organisation took minutes instead of seconds).
                session.execute(text("ANALYZE"))
                session.commit()
                analysed = written
            if n % 10 == 9:
                print(f"  {n + 1}/{len(orgs)} organisations", flush=True)


def _organisations_and_caseworkers(session: Session, count: int) -> list[uuid.UUID]:
    from app.auth import service as auth
    from app.auth.models import Role
    from app.auth.passwords import hash_password
    from app.context import Actor
    from app.db.tenancy import acting_in
    from app.tenants.service import create_organisation

    kinds = ("shelter", "legal_aid", "counselling_centre", "helpline", "trade_union")
    countries = ("FR", "GB", "DE", "IT", "ES", "NL", "BE", "PL", "RO", "GR")
    password_hash = hash_password(CASEWORKER_PASSWORD)  # once: argon2 is slow on purpose
    ids = []
    for n in range(count):
        slug = f"bench-{n:02d}"
        org = create_organisation(
            session,
            Actor.system(),
            name=f"Bench organisation {n:02d}",
            slug=slug,
            kind=kinds[n % len(kinds)],
            country=countries[n % len(countries)],
            locale=("en", "fr", "ru")[n % 3],
        )
        user, _one_time = auth.create_user(session, caseworker_email(slug), f"Caseworker {n:02d}")
        user.password_hash = password_hash
        user.must_change_password = False
        auth.enrol_totp(session, user, CASEWORKER_TOTP_SECRET, totp_code())
        user.totp_last_step = None  # so that the first sign-in may reuse this step
        with acting_in(session, org.id):
            auth.add_member(session, Actor.system(org.id), user, frozenset({Role.caseworker}))
        ids.append(org.id)
    return ids


def insert_batches(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        session.execute(insert(table), list(rows[start : start + BATCH]))


def remove_load_records(orgs: list[BenchOrg]) -> int:
    """Delete the assistance records the load test POSTed (generated ones have no author)."""
    from app.assistance.models import AssistanceRecord
    from app.db import make_engine, make_sessionmaker
    from app.db.tenancy import acting_in

    engine = make_engine(OWNER_URL)
    removed = 0
    try:
        with make_sessionmaker(engine)() as session:
            for org in orgs:
                with acting_in(session, org.id):
                    result = session.execute(
                        delete(AssistanceRecord).where(AssistanceRecord.recorded_by.is_not(None))
                    )
                    removed += int(result.rowcount)  # type: ignore[attr-defined]
                session.commit()
    finally:
        engine.dispose()
    return removed


def ensure_master_key(instance: Path) -> Path:
    """The master key file the generator and the server share (created 0600 once)."""
    from crypto import LocalKeyFileProvider

    instance.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = instance / "master.key"  # where Settings puts it for this instance path
    LocalKeyFileProvider.create_if_missing(path)
    return path


def check_sealing(orgs: list[BenchOrg], master_key_file: Path) -> None:
    """Open a sealed name and sealed notes of each organisation through the app's own
    ``open_for_client``: proves the generator's keys and bindings are the app's."""
    from app.assistance.models import AssistanceRecord
    from app.clients.models import Client
    from app.db import make_sessionmaker
    from app.db.tenancy import acting_in
    from app.keys.service import attach_keyring, binding, open_for_client
    from crypto import LocalKeyFileProvider

    engine = make_engine_for(OWNER_URL)
    try:
        with make_sessionmaker(engine)() as session:
            attach_keyring(session, LocalKeyFileProvider(master_key_file))
            for org in orgs:
                with acting_in(session, org.id):
                    client = session.scalars(
                        select(Client).where(Client.sealed_name.is_not(None)).limit(1)
                    ).one()
                    where = binding(session, "clients", "name", client.id)
                    assert client.sealed_name is not None
                    assert open_for_client(session, client.id, client.sealed_name, where)
                    record = session.scalars(
                        select(AssistanceRecord)
                        .where(AssistanceRecord.sealed_notes.is_not(None))
                        .limit(1)
                    ).first()
                    if record is not None and record.sealed_notes is not None:
                        where = binding(session, "assistance_records", "notes", record.id)
                        assert open_for_client(
                            session, record.client_id, record.sealed_notes, where
                        )
                session.rollback()
    finally:
        engine.dispose()


def sample_clients(
    orgs: list[BenchOrg], count: int, seed: int
) -> dict[uuid.UUID, list[tuple[uuid.UUID, str]]]:
    """Up to ``count`` random clients (id, preferred language) of each organisation, the
    targets of the record-service POSTs."""
    from app.clients.models import Client
    from app.db import make_sessionmaker
    from app.db.tenancy import acting_in

    rng = random.Random(seed)
    engine = make_engine_for(OWNER_URL)
    found: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = {}
    try:
        with make_sessionmaker(engine)() as session:
            for org in orgs:
                with acting_in(session, org.id):
                    rows = session.execute(
                        select(Client.id, Client.preferred_language).order_by(Client.id)
                    ).all()
                session.rollback()
                picked = rng.sample(rows, min(count, len(rows)))
                found[org.id] = [(cid, lang or "en") for cid, lang in picked]
    finally:
        engine.dispose()
    return found


def make_engine_for(url: str) -> Engine:
    from app.db import make_engine

    return make_engine(url)


def utc(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(hours=9)
