"""Is a caseworker's screen as fast with 1,000,000 clients as with 1,000? (not a test)

Run: ``.venv/bin/python bench/casework_scale.py [--sizes 1000,10000,100000,1000000]``
(about 2 minutes to 100,000 clients on a busy 2-core machine, ~20 more for 1,000,000).

In-process, no HTTP, so the shared machine's noise matters less: one organisation in a
PostgreSQL database ``haven_bench_scale`` grows through the sizes (clients, keys, one case
each, ~30% with a sealed name, made as ``casework_rows`` makes them) and at each size the
app's own service calls are timed as the app role under forced row-level security, each
call in a fresh session bound to the organisation (as a request is):
- list: ``list_clients`` first page (50 rows), and a page from the middle of the caseload
  by keyset (``after=``);
- code: ``find_by_code`` of an existing code;
- name: ``search_identity(name)``: blind index, then every candidate decrypted and
  compared (the index is truncated on purpose to 8 bits, k-anonymity: candidates grow as
  N / 256, so this one cannot be flat; the table says how many candidates there were);
- client: ``get_client`` by id (the client page's read).
Prints the median wall and CPU time of each, the ratio to the smallest size, the load
average, and EXPLAIN (ANALYZE) of each statement at the largest size (index scans).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench import casework_data as data  # noqa: E402

DATABASE = "haven_bench_scale"
OWNER_URL = f"postgresql+psycopg://haven_owner@{data.PG}/{DATABASE}"
APP_URL = f"postgresql+psycopg://haven_app@{data.PG}/{DATABASE}"
CHUNK = 20_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument(
        "--state-dir", type=Path, default=Path(tempfile.gettempdir()) / "haven-bench-scale"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    from app.migrate import upgrade

    data.psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    data.psql(f"CREATE DATABASE {DATABASE} OWNER haven_owner")
    data.psql("REVOKE CREATE ON SCHEMA public FROM PUBLIC", database=DATABASE)
    upgrade(OWNER_URL, app_role="haven_app")
    master = data.ensure_master_key(args.state_dir / "instance")
    grower = Grower(master)
    results: list[dict[str, Any]] = []
    for size in sizes:
        started = time.perf_counter()
        grower.grow_to(size)
        print(f"{size:,} clients ({time.perf_counter() - started:.0f} s to grow)", flush=True)
        results.append(measure(grower, size, args.repeat))
    print_table(results)
    explain_all(grower)


class Grower:
    """One organisation, grown by appending clients (as intake does, in bulk)."""

    def __init__(self, master_key_file: Path) -> None:
        from app.context import Actor
        from app.db import make_engine, make_sessionmaker
        from app.keys.service import attach_keyring
        from app.tenants.service import create_organisation
        from bench.casework_profile import StatementLog
        from bench.casework_rows import OrgRows
        from crypto import LocalKeyFileProvider

        self.master = LocalKeyFileProvider(master_key_file)
        self.owner = make_sessionmaker(make_engine(OWNER_URL))
        self.app_engine = make_engine(APP_URL)
        self.sessions = make_sessionmaker(self.app_engine)
        self.log = StatementLog(self.app_engine)
        self.session = self.owner()
        attach_keyring(self.session, self.master)
        org = create_organisation(
            self.session,
            Actor.system(),
            name="Scale",
            slug="scale",
            kind="shelter",
            country="FR",
            locale="en",
        )
        self.session.commit()
        self.tenant_id = org.id
        self.rows = OrgRows(self.session, org.id, random.Random(2026))
        self.size = 0

    def grow_to(self, size: int) -> None:
        from sqlalchemy import text

        from app.db.tenancy import acting_in
        from app.keys.service import active_tenant_key

        while self.size < size:
            count = min(CHUNK, size - self.size)
            with acting_in(self.session, self.tenant_id):
                self.rows._clients(count, active_tenant_key(self.session))
            self.session.commit()
            self.size += count
        self.session.execute(text("ANALYZE"))
        self.session.commit()

    def work(self, call: Callable[[Any, Any], Any]) -> Any:
        """``call(session, actor)`` in a fresh session bound like a caseworker's request."""
        from app.context import Actor, Role
        from app.db import bind_actor
        from app.keys.service import attach_keyring, drop_keyring

        session = self.sessions()
        attach_keyring(session, self.master)
        try:
            bind_actor(session, self.tenant_id, None)
            ctx = Actor(user_id=None, tenant_id=self.tenant_id, roles=frozenset({Role.caseworker}))
            return call(session, ctx)
        finally:
            session.rollback()  # the search's audit row is not kept: every size sees the same
            drop_keyring(session)
            session.close()


def probes(grower: Grower) -> dict[str, Callable[[Any, Any], Any]]:
    """The calls to time, with their inputs picked from the data outside the timing."""
    from sqlalchemy import select

    from app.clients import service
    from app.clients.models import Client
    from bench.casework_rows import FIRST, LAST

    def pick(session: Any, _ctx: Any) -> tuple[Any, ...]:
        middle = session.execute(
            select(Client.created_at, Client.id)
            .order_by(Client.created_at.desc(), Client.id.desc())
            .offset(grower.size // 2)
            .limit(1)
        ).one()
        client_id, code = session.execute(
            select(Client.id, Client.code).order_by(Client.id).offset(grower.size // 3).limit(1)
        ).one()
        return service.ListCursor(_aware(middle[0]), middle[1]), client_id, code

    cursor, client_id, code = grower.work(pick)
    name = f"{FIRST[0]} {LAST[0]}"
    return {
        "list": lambda s, c: service.list_clients(s, c),
        "list, middle page": lambda s, c: service.list_clients(s, c, 2, after=cursor),
        "code": lambda s, c: service.find_by_code(s, c, code),
        "name": lambda s, c: len(service.search_identity(s, c, "name", name)),
        "client": lambda s, c: service.get_client(s, c, client_id),
    }


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def measure(grower: Grower, size: int, repeat: int) -> dict[str, Any]:
    """Per probe: the fastest wall time (the cost without other processes' interference),
    the median CPU time of this process, and from EXPLAIN (ANALYZE, BUFFERS) of its
    statements the database pages touched (deterministic) and the plan's scans."""
    found: dict[str, Any] = {"size": size, "load": os.getloadavg()[0]}
    log = grower.log
    for name, call in probes(grower).items():
        for _ in range(3):
            grower.work(call)  # warm: statements cached, tenant keys unwrapped
        walls, cpus = [], []
        for _ in range(repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            grower.work(call)
            cpus.append((time.process_time() - cpu) * 1000)
            walls.append((time.perf_counter() - wall) * 1000)
        log.entries.clear()
        grower.work(call)
        pages, scans = 0, set()
        for _elapsed, stmt, params in list(log.entries):
            if "FROM clients" in stmt:
                plan_pages, plan_scans = plan_of(stmt, params, grower)
                pages += plan_pages
                scans |= plan_scans
        found[name] = (min(walls), statistics.median(cpus), pages, sorted(scans))
    found["name matches"] = grower.work(probes(grower)["name"])
    found["load"] = (found["load"] + os.getloadavg()[0]) / 2
    print(f"  measured at load average {found['load']:.1f}", flush=True)
    return found


def plan_of(stmt: str, params: Any, grower: Grower) -> tuple[int, set[str]]:
    """Pages read (shared hit + read) and the scan nodes of one statement's plan."""
    import json

    import psycopg

    with psycopg.connect(f"host=127.0.0.1 user=haven_app dbname={DATABASE}") as conn:
        conn.execute("SELECT set_config('app.tenant_id', %s, true)", (str(grower.tenant_id),))
        (plan,) = conn.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + stmt, params).fetchone()  # type: ignore[misc]
        conn.rollback()
    top = (plan if isinstance(plan, list) else json.loads(plan))[0]["Plan"]
    scans: set[str] = set()

    def walk(node: dict[str, Any]) -> None:
        if "Scan" in node["Node Type"]:
            scans.add(f"{node['Node Type']} {node.get('Index Name', node.get('Relation Name'))}")
        for child in node.get("Plans", []):
            walk(child)

    walk(top)
    return top["Shared Hit Blocks"] + top["Shared Read Blocks"], scans


NAMES = ["list", "list, middle page", "code", "name", "client"]


def print_table(results: list[dict[str, Any]]) -> None:
    print(
        "\nper call: fastest wall ms / median CPU ms of this process / database pages read "
        f"(wall ratio to the smallest size); {os.cpu_count()} CPUs shared with other work"
    )
    print(f"| clients | load | {' | '.join(NAMES)} | name matches |")
    print(f"|---:|---:|{'---:|' * len(NAMES)}---:|")
    base = results[0]
    for r in results:
        cells = [
            f"{r[n][0]:.2f} / {r[n][1]:.2f} / {r[n][2]} ({r[n][0] / base[n][0]:.2f}x)"
            for n in NAMES
        ]
        print(f"| {r['size']:,} | {r['load']:.1f} | {' | '.join(cells)} | {r['name matches']} |")
    print("\nscans at the largest size:")
    for n in NAMES:
        print(f"  {n}: {', '.join(results[-1][n][3])}")


def explain_all(grower: Grower) -> None:
    """EXPLAIN ANALYZE of every statement the probes send, at the largest size."""
    from bench.casework_profile import explain

    log = grower.log
    for call in probes(grower).values():
        log.entries.clear()
        grower.work(call)
        for _elapsed, stmt, params in list(log.entries):
            if "set_config" in stmt or "FROM clients" not in stmt:
                continue
            explain(stmt, params, {"t": str(grower.tenant_id), "u": ""}, database=DATABASE)


if __name__ == "__main__":
    main()
