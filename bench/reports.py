"""Benchmark of the reports (not a test): each report against the bare SQL of its cells.

Run: ``python bench/reports.py [--clients 20000] [--records 200000]`` (SQLite, in a
temporary folder), and with ``--database-url``/``--owner-url`` on PostgreSQL (the database is
migrated from scratch: use a scratch database such as ``haven_test_reports``).

One organisation, one grant paying for every record, clients with skewed categories, records
spread over a year. Each report is run the way the screen runs it (the builders' SQL, the
Python tally, the gate, the rendering into text cells); the baseline is the very same SQL
statements, captured from the report's own run, replayed on the same connection with their
parameters and every row fetched, without tally, gate or rendering. Rounds interleave the
two; the medians and their ratio are printed (target: at most 1.3x).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, insert  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app import create_app  # noqa: E402
from app.assistance.models import AssistanceRecord, Grant  # noqa: E402
from app.clients.models import Client  # noqa: E402
from app.context import Actor, Role  # noqa: E402
from app.db import unit_of_work  # noqa: E402
from app.db.tenancy import acting_in  # noqa: E402
from app.keys.service import attach_keyring  # noqa: E402
from app.migrate import downgrade, upgrade  # noqa: E402
from app.regions import REGION_CODES  # noqa: E402
from app.reports.service import run_funder_report, run_state_report  # noqa: E402
from app.settings import Settings  # noqa: E402
from app.taxonomy import AgeBand, Gender, ServiceCategory, ServiceUnit, VictimStatus  # noqa: E402
from app.tenants import service as tenants  # noqa: E402

START = date(2026, 1, 1)
CATEGORIES = list(ServiceCategory)


def skewed(rng: random.Random, values: list[Any]) -> Any:
    return rng.choices(values, weights=[1 / (1 + i) ** 1.2 for i in range(len(values))])[0]


def generate(app: Any, clients: int, records: int, seed: int) -> tuple[uuid.UUID, uuid.UUID]:
    rng = random.Random(seed)
    maker = app.extensions["haven.sessionmaker"]
    with unit_of_work(maker) as session:
        attach_keyring(session, app.extensions["haven.master"])
        org = tenants.create_organisation(
            session,
            Actor.system(),
            name="Bench",
            slug="bench",
            kind="shelter",
            country="FR",
            locale="en",
        )
        org_id = org.id
    with unit_of_work(maker) as session, acting_in(session, org_id):
        grant = Grant(
            tenant_id=org_id,
            code="BENCH-1",
            name="Bench",
            funder="Bench",
            starts_on=START,
            ends_on=date(2026, 12, 31),
            budget=Decimal(10**6),
            currency="EUR",
        )
        session.add(grant)
        session.flush()
        grant_id = grant.id
        ids = [uuid.uuid4() for _ in range(clients)]
        regions = list(REGION_CODES)
        rows = [
            {
                "tenant_id": org_id,
                "id": i,
                "code": f"B{n:07d}",
                "record_key": rng.randrange(256),
                "gender": skewed(rng, list(Gender)),
                "age_band": skewed(rng, list(AgeBand)),
                "nationality_region": skewed(rng, regions),
                "languages": [],
                "forms_of_exploitation": [rng.choice(["sexual", "labour", "domestic_servitude"])],
                "victim_status": skewed(rng, list(VictimStatus)),
            }
            for n, i in enumerate(ids)
        ]
        for at in range(0, len(rows), 5000):
            session.execute(insert(Client.__table__), rows[at : at + 5000])
        batch = []
        for _ in range(records):
            category = skewed(rng, CATEGORIES)
            batch.append(
                {
                    "tenant_id": org_id,
                    "id": uuid.uuid4(),
                    "client_id": rng.choice(ids),
                    "category": category,
                    "started_on": START + timedelta(days=rng.randrange(365)),
                    "quantity": Decimal(rng.randint(1, 5)),
                    "unit": ServiceUnit.nights
                    if category == "accommodation"
                    else ServiceUnit.hours,
                    "language": rng.choice(["ro", "ru", "en", "vi", "ti", None]),
                    "interpreter_used": rng.random() < 0.3,
                    "grant_id": grant_id,
                    "cost": Decimal("25.00"),
                    "currency": "EUR",
                    "outcome": "delivered",
                }
            )
            if len(batch) == 5000:
                session.execute(insert(AssistanceRecord.__table__), batch)
                batch = []
        if batch:
            session.execute(insert(AssistanceRecord.__table__), batch)
    return org_id, grant_id


def load() -> str:
    """The 1- and 5-minute load averages: what else the machine was running."""
    one, five, _ = os.getloadavg()
    return f"{one:.2f}/{five:.2f}"


def timed(work: Callable[[], object]) -> float:
    began = time.perf_counter()
    work()
    return time.perf_counter() - began


def measure(
    app: Any, org_id: uuid.UUID, name: str, run: Callable[[Session, Actor], object], rounds: int
) -> None:
    from app.reports.rendering import grids

    admin = Actor(user_id=None, tenant_id=org_id, roles=frozenset({Role.org_admin}))
    maker = app.extensions["haven.sessionmaker"]
    captured: list[tuple[str, Any]] = []

    def capture(
        conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
    ) -> None:  # noqa: E501
        if statement.lstrip().upper().startswith("SELECT") and "set_config" not in statement:
            captured.append((statement, params))

    full, bare = [], []
    with app.test_request_context():
        for round_ in range(rounds + 1):
            with unit_of_work(maker) as session, acting_in(session, org_id):
                engine = session.get_bind()
                if round_ == 0:
                    event.listen(engine, "before_cursor_execute", capture)
                began = time.perf_counter()
                grids(run(session, admin))  # type: ignore[arg-type]
                elapsed = time.perf_counter() - began
                if round_ == 0:
                    event.remove(engine, "before_cursor_execute", capture)
                    continue  # warm-up and capture
                full.append(elapsed)
                session.rollback()  # the report's audit row is not kept
            with unit_of_work(maker) as session, acting_in(session, org_id):
                connection = session.connection()
                raw = connection.connection.dbapi_connection
                assert raw is not None

                def replay(raw: Any = raw) -> None:
                    cursor = raw.cursor()
                    for statement, params in captured:
                        cursor.execute(statement, params)
                        cursor.fetchall()

                bare.append(timed(replay))
    if "--verbose" in sys.argv:
        with unit_of_work(maker) as session, acting_in(session, org_id):
            raw = session.connection().connection.dbapi_connection
            assert raw is not None
            for statement, params in captured:
                took = timed(lambda s=statement, p=params: raw.cursor().execute(s, p).fetchall())
                print(f"    {took * 1000:8.1f} ms  {' '.join(statement.split())[:110]}")
    ratio = statistics.median(full) / statistics.median(bare)
    print(
        f"{name:10} report {statistics.median(full) * 1000:8.1f} ms   "
        f"bare SQL {statistics.median(bare) * 1000:8.1f} ms   ratio {ratio:.2f}x   "
        f"({len(captured)} statements)   load {load()}"
    )


def reset_peak_rss() -> None:
    """Linux: restart the process's peak resident size (VmHWM) from its current size, so the
    next reading is the export's peak, not the data generation's."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def rss(field: str) -> str:
    """``VmRSS`` (now) or ``VmHWM`` (peak since the last reset) of this process, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return f"{int(line.split()[1]) / 1024:.0f}"
    return "n/a"


def export_memory(app: Any, org_id: uuid.UUID, grant_id: uuid.UUID, year: dict[str, str]) -> None:
    """Peak Python memory while building (and signing) each export of the largest report."""
    import tracemalloc

    from app.reports.exports import BUILDERS, sign

    admin = Actor(user_id=None, tenant_id=org_id, roles=frozenset({Role.org_admin}))
    maker = app.extensions["haven.sessionmaker"]
    with app.test_request_context(), unit_of_work(maker) as session, acting_in(session, org_id):
        attach_keyring(session, app.extensions["haven.master"])
        run = run_state_report(session, admin, {**year, "cross": "region,exploitation"})
        funder = run_funder_report(session, admin, grant_id, year)
        for name, report in (("funder", funder), ("nrm+cross", run)):
            for fmt, build in BUILDERS.items():
                reset_peak_rss()
                before = rss("VmRSS")
                tracemalloc.start()
                size = len(sign(session, fmt, build(report)))
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
                print(
                    f"    export {name:9} {fmt:4} {size / 1024:8.1f} KiB, "
                    f"peak {peak / 2**20:6.1f} MiB (Python); process RSS {before} -> peak "
                    f"{rss('VmHWM')} MiB"
                )
        session.rollback()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url")
    parser.add_argument("--owner-url")
    parser.add_argument("--verbose", action="store_true", help="time each statement")
    args = parser.parse_args()
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    instance = Path(tempfile.mkdtemp(prefix="haven-bench-reports-"))
    app_url = args.database_url or f"sqlite:///{instance / 'bench.sqlite3'}"
    owner_url = args.owner_url or app_url
    if args.owner_url:
        downgrade(owner_url, "base")
    upgrade(owner_url)
    settings = Settings(
        env="development",
        secret_key="bench-" + uuid.uuid4().hex,
        database_url=app_url,
        migration_database_url=owner_url,
        instance_path=instance,
        master_key_file=instance / "master.key",
        master_key_env=None,
    )
    app = create_app(settings)
    began = time.perf_counter()
    org_id, grant_id = generate(app, args.clients, args.records, args.seed)
    # Fresh tables have no planner statistics until autovacuum runs: gather them now, as a
    # database in use has them (without, PostgreSQL plans nested loops over 200,000 rows).
    from sqlalchemy import create_engine, text

    with create_engine(owner_url).begin() as connection:
        connection.execute(text("ANALYZE"))
    print(
        f"{app_url.split(':')[0]}: {args.clients:,} clients, {args.records:,} records "
        f"(generated in {time.perf_counter() - began:.0f} s), {date.today()}, load {load()}"
    )
    year = {"start": "2026-01-01", "end": "2026-12-31"}
    measure(
        app, org_id, "funder", lambda s, a: run_funder_report(s, a, grant_id, year), args.rounds
    )
    export_memory(app, org_id, grant_id, year)
    for variant in ("nrm", "greta", "evaluation"):
        measure(
            app,
            org_id,
            variant,
            lambda s, a, v=variant: run_state_report(s, a, {**year, "variant": v}),
            args.rounds,
        )


if __name__ == "__main__":
    main()
