"""Benchmark of appending an audit entry (not a test). Run: ``python bench/audit_append.py``
(SQLite under a temporary directory), or with ``--database-url`` (the app role) and
``--owner-url`` (migrates) for PostgreSQL.

The request is a caseworker's change of a client's coarse facts, as one unit of work:
bind the organisation, load the client, change a fact, record the audit event, commit.
The same request runs with auditing turned off (the service's ``record_event`` replaced
by a no-op), interleaved in the same process, so that both see the same machine. The
difference of the medians is what appending an entry costs a request; the target is at
most 0.5 ms. Checkpoints are not part of a request (``haven audit checkpoint`` extends the
tree later), so this is the whole per-request cost.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import app.clients.service as clients  # noqa: E402
from app.clients.validation import ClientFacts, ClientIdentity, ClientIntake  # noqa: E402
from app.context import Actor, Role  # noqa: E402
from app.db import bind_actor, make_engine, make_sessionmaker, unit_of_work  # noqa: E402
from app.keys.service import attach_keyring, master_provider_for  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from app.settings import Settings  # noqa: E402
from app.tenants import service as tenants  # noqa: E402

FACTS = {"age_band": "25_34", "nationality": "MD", "sector": "agriculture"}


def _settings(url: str, owner: str, instance: Path) -> Settings:
    return Settings(
        env="development",
        secret_key="bench-" + uuid.uuid4().hex * 2,
        database_url=url,
        migration_database_url=owner,
        instance_path=instance,
        master_key_file=instance / "master.key",
        master_key_env=None,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--owner-url")
    parser.add_argument("--requests", type=int, default=2000, help="per variant")
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="haven-bench-"))
    url = args.database_url or f"sqlite:///{instance / 'bench.sqlite3'}"
    owner = args.owner_url or url
    settings = _settings(url, owner, instance)
    upgrade(owner)
    factory = make_sessionmaker(make_engine(url))
    provider = master_provider_for(settings, create=True)
    slug = "bench-" + uuid.uuid4().hex[:8]
    with unit_of_work(factory) as session:
        attach_keyring(session, provider)
        org = tenants.create_organisation(
            session, Actor.system(), name=slug, slug=slug, kind="shelter", country="FR",
            locale="en",
        )  # fmt: skip
    ctx = Actor(uuid.uuid4(), org.id, frozenset({Role.caseworker}), country="FR")
    with unit_of_work(factory) as session:
        attach_keyring(session, provider)
        bind_actor(session, org.id, ctx.user_id)
        client_id = clients.register_client(
            session, ctx, ClientIntake(ClientFacts(gender="female", **FACTS), ClientIdentity())
        ).id

    genders = ["female", "male"]

    def request(n: int) -> None:
        with unit_of_work(factory) as session:
            bind_actor(session, org.id, ctx.user_id)
            facts = ClientFacts(gender=genders[n % 2], **FACTS)
            clients.update_client_facts(session, ctx, client_id, facts)

    audited = clients.record_event

    def off(*_args: object, **_kwargs: object) -> None:
        return None

    timings: dict[str, list[float]] = {"on": [], "off": []}
    cpu: dict[str, list[float]] = {"on": [], "off": []}
    for n in range(200):  # warm up both paths
        request(n)
    for n in range(args.requests * 2):
        variant = "on" if n % 2 == 0 else "off"
        clients.record_event = audited if variant == "on" else off  # type: ignore[assignment]
        start, start_cpu = time.perf_counter(), time.process_time()
        request(n)
        timings[variant].append((time.perf_counter() - start) * 1000)
        cpu[variant].append((time.process_time() - start_cpu) * 1000)
    clients.record_event = audited
    report(url, timings, "wall")
    report(url, cpu, "CPU of this process")


def report(url: str, timings: dict[str, list[float]], clock: str) -> None:
    engine = url.split(":", 1)[0].split("+")[0]
    on, off = (statistics.median(timings[v]) for v in ("on", "off"))
    q = {v: statistics.quantiles(timings[v], n=20) for v in timings}
    print(f"engine: {engine}; {clock}; {len(timings['on'])} requests per variant, interleaved")
    print(f"{'':28} {'median ms':>10} {'p5 ms':>8} {'p95 ms':>8}")
    row: Callable[[str, str], None] = lambda label, v: print(  # noqa: E731
        f"{label:28} {statistics.median(timings[v]):10.3f} {q[v][0]:8.3f} {q[v][-1]:8.3f}"
    )
    row("request with auditing", "on")
    row("same request, auditing off", "off")
    print(f"appending an entry costs {on - off:.3f} ms per request (target <= 0.5 ms)")


if __name__ == "__main__":
    main()
