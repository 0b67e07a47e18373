"""Benchmark of Haven's casework screens over HTTP (not a test; nothing here asserts a time).

Run: ``.venv/bin/python bench/casework.py [--scale S] [--duration SECONDS]``
(``--scale 0.01`` for a quick look, ~1.5 minutes. At full scale the first run generates the
data, ~6 minutes on a busy 2-core machine, then measures for ~2.5 minutes; later runs
reuse the data.) Needs PostgreSQL on 127.0.0.1 with trust auth for ``postgres``,
``haven_owner`` and ``haven_app`` (as in ``.ci/pg-setup``), and ``wrk`` (apt install wrk).
``bench/casework_profile.py`` then shows where one request's time goes (SQL statements,
EXPLAIN ANALYZE), against the same data.

What it does, in one run:
1. Data (``casework_data.py``, ``casework_rows.py``): a PostgreSQL database ``haven_bench``
   with 50 organisations, 100,000 clients (~30% with a sealed name) and 1,000,000
   assistance records at scale 1; sizes are skewed (Zipf-like organisations, log-normal
   records per client). Generated once and reused while the parameters are the same;
   there is one such database, so another ``--scale`` or ``--seed`` replaces it.
2. Servers: gunicorn (``--workers`` sync workers, default 4) serving Haven
   (``bench/haven_app.py`` = ``wsgi.py`` plus a diagnostic route) as the non-owner app role
   ``haven_app`` under forced row-level security; and, with the same gunicorn settings in
   the same run, the baseline: ``bench/minimal_app.py``, a bare Flask app returning "ok".
3. Load (``casework_load.py``, ``casework_wrk.lua``): ``wrk``, 16 concurrent users on
   loopback, each signed in as the caseworker of one organisation through the real
   sign-in form (one thread and connection per user, session cookie reused), a closed loop
   with no think time, bounded by ``--duration`` and by ``--requests`` per user. Users are
   spread over the organisations by size (every third, largest first). Scenarios:
   (a) GET of the minimal endpoint, (q) GET of its ``/one-query`` (one PostgreSQL round
   trip through a pooled engine: the floor of any database page), (w) GET
   ``/_bench/whoami`` (Haven's pipeline with the session lookup, no page), (b) GET
   ``/clients`` (first page, 50 rows), (c) POST of the record-service form for a random
   client of the user's organisation (counselling, in the client's preferred language,
   with an interpreter). Each is preceded by a warm-up.
   Records the load created are deleted afterwards, so every run sees the same data.
   The scenarios take turns in ``--rounds`` rounds (both servers stay up), so a change in
   the machine's background load hits all of them alike; latencies are pooled exactly.
4. Prints throughput (req/s) and p50/p95/p99 latency of each, and the ratios issue 15
   sets as targets against the one-query baseline (signed-in no-op >= 70%, list >= 40%,
   POST >= 35%), Haven's list against (g) a generic admin list over the same table
   (``admin_app.py``, Flask-Admin ``ModelView``, bench-only extra ``bench``) >= 1.5x, and
   p95 of the list and the POST within 10x the minimal endpoint's. Everything shares one
   2-core machine (servers, PostgreSQL, wrk); the table says how much CPU wrk itself used
   and the load average before and after, since anything else running on the machine
   moves the figures.

Files: the master key, Flask secret and server logs live in ``--state-dir`` (default
``$TMPDIR/haven-bench``); the generated data is bound to that master key (a new key file
means new data).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

# Drop this script's directory from the path so that "import crypto" finds the package at
# the repository root, not bench/crypto.py; helpers are imported as bench.<module>.
ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench import casework_data as data  # noqa: E402
from bench import casework_load as load  # noqa: E402

CLIENTS_PER_USER = 200
#: The generic admin reads as the superuser (no RLS) and filters by tenant itself.
ADMIN_URL = f"postgresql+psycopg://postgres@{data.PG}/{data.DATABASE}"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 100,000 clients")
    parser.add_argument(
        "--duration", type=float, default=30, help="seconds per scenario, over all rounds"
    )
    parser.add_argument(
        "--requests",
        type=int,
        default=3000,
        help="at most this many requests per user and scenario",
    )
    parser.add_argument("--rounds", type=int, default=3, help="turns of the scenarios")
    parser.add_argument("--warmup", type=float, default=4, help="seconds before each")
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--seed", type=int, default=2026)
    default_dir = Path(tempfile.gettempdir()) / "haven-bench"
    parser.add_argument("--state-dir", type=Path, default=default_dir)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    started = time.perf_counter()
    instance = args.state_dir / "instance"
    master_key = data.ensure_master_key(instance)
    generated = data.ensure_data(args.scale, args.seed, master_key)
    verb = "reused" if generated.reused else "generated"
    counts = ", ".join(f"{v:,} {k}" for k, v in generated.counts.items())
    print(
        f"data {verb} in {generated.seconds:.1f} s: {len(generated.orgs)} organisations, {counts}"
    )
    data.check_sealing(generated.orgs[:3], master_key)
    data.remove_load_records(generated.orgs)  # left by an interrupted run, if any
    users = pick_users(generated.orgs, args.users)
    samples = data.sample_clients([o for o, _ in users], CLIENTS_PER_USER, args.seed)
    load_before = os.getloadavg()[0]
    try:
        results = run_load(args, instance, users, samples)
    finally:
        removed = data.remove_load_records(generated.orgs)
    print_table(args, users, results, (load_before, os.getloadavg()[0]))
    print(
        f"{removed:,} records created by the load were removed; "
        f"total bench time {time.perf_counter() - started:.0f} s"
    )


def run_load(
    args: argparse.Namespace,
    instance: Path,
    users: list[tuple[data.BenchOrg, int]],
    samples: dict[uuid.UUID, list[tuple[uuid.UUID, str]]],
) -> list[load.Result]:
    """Both servers up at once; each scenario warmed up, then the scenarios take turns in
    ``--rounds`` rounds, so a change in the machine's background load hits all alike."""
    gunicorn = load.Gunicorn(args.workers)
    env = load.server_env(instance, data.APP_URL)
    minimal_log, haven_log = args.state_dir / "minimal.log", args.state_dir / "haven.log"
    admin_env = {**env, "BENCH_ADMIN_DATABASE_URL": ADMIN_URL}
    admin_log = args.state_dir / "admin.log"
    with (
        load.serve(gunicorn, "bench.minimal_app:app", env, minimal_log) as minimal,
        load.serve(gunicorn, "bench.haven_app:app", env, haven_log) as haven,
        load.serve(gunicorn, "bench.admin_app:app", admin_env, admin_log) as admin,
    ):
        wrk_users = [signed_in_user(haven.base, org, samples[org.id]) for org, _n in users]
        data_file = args.state_dir / "wrk-users.lua"
        paths = {
            "minimal": "/",
            "one_query": "/one-query",
            "whoami": "/_bench/whoami",
            "list": "/clients",
        }
        data_file.write_text(load.lua_data(wrk_users, paths))
        servers = {
            "minimal": minimal,
            "one_query": minimal,
            "whoami": haven,
            "list": haven,
            "admin": admin,
            "post": haven,
        }
        results = {name: load.Result(name) for name in servers}
        for name, served in servers.items():
            if args.warmup > 0:
                load.run_wrk(served, name, data_file, args.users, args.warmup, 0)
        seconds, per_user = args.duration / args.rounds, max(1, args.requests // args.rounds)
        for round_number in range(args.rounds):
            for name, served in servers.items():
                run = load.run_wrk(served, name, data_file, args.users, seconds, per_user)
                results[name].add(run)
                print(
                    f"  round {round_number + 1} {name:8} {run.requests:7,} requests in "
                    f"{run.seconds:5.1f} s, statuses {run.statuses} {run.errors or ''}",
                    flush=True,
                )
    return list(results.values())


def pick_users(orgs: list[data.BenchOrg], count: int) -> list[tuple[data.BenchOrg, int]]:
    """(organisation, user number): every third organisation by size, largest first, so
    the users see large and small caseloads alike; wraps around past the last one."""
    spread = orgs[::3] + [o for i, o in enumerate(orgs) if i % 3]
    return [(spread[i % len(spread)], i) for i in range(count)]


def signed_in_user(
    base: str, org: data.BenchOrg, clients: list[tuple[uuid.UUID, str]]
) -> dict[str, Any]:
    """Sign in through the form; read the CSRF token and the suggested date from the
    record-service form, as the browser would submit them."""
    browser = load.sign_in(base, org.caseworker_email, data.CASEWORKER_PASSWORD)
    first = clients[0][0]
    status, _final, page = browser.get(f"/clients/{first}/services")
    if status != 200:
        raise RuntimeError(f"the record-service form of {org.slug} answered {status}")
    token = browser.csrf(f"/clients/{first}/services")
    day = load.input_value(page, "started_on")
    form = load.urlencode(load.record_service_form(token, day))
    return {
        "paths": {"admin": f"/admin/client/?tenant={org.id}"},
        "cookie": browser.cookie_header(),
        "form": form,
        "clients": [{"id": str(cid), "language": lang} for cid, lang in clients],
    }


LABELS = {
    "minimal": "(a) minimal endpoint (bare Flask)",
    "one_query": "(q) bare Flask + 1 PostgreSQL query",
    "whoami": "(w) Haven signed-in no-op",
    "list": "(b) GET /clients (50 rows)",
    "admin": "(g) Flask-Admin ModelView, 50 rows",
    "post": "(c) POST record service",
}


def print_table(
    args: argparse.Namespace,
    users: list[tuple[data.BenchOrg, int]],
    results: list[load.Result],
    loads: tuple[float, float],
) -> None:
    by_name = {r.name: r for r in results}
    sizes = sorted({org.clients for org, _ in users})
    print(
        f"\n{args.users} users, caseworkers of {len({o.id for o, _ in users})} organisations "
        f"holding {sizes[0]:,}-{sizes[-1]:,} clients; gunicorn {args.workers} sync workers "
        f"per server; wrk closed loop (no think time), {args.duration:.0f} s or "
        f"{args.requests:,} requests per user per scenario in {args.rounds} rounds, after a "
        f"{args.warmup:.0f} s warm-up; {os.cpu_count()} CPUs shared by the servers, "
        f"PostgreSQL and wrk; load average {loads[0]:.1f} before, {loads[1]:.1f} after"
    )
    print(
        f"  {'scenario':36}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p99 ms':>9}{'wrk CPU':>9}   CPU ms per request: server  PostgreSQL  wrk"
    )
    for r in results:
        print(
            f"  {LABELS[r.name]:36}{r.requests:9,}{r.rate:9.1f}{r.percentile(50):9.1f}"
            f"{r.percentile(95):9.1f}{r.percentile(99):9.1f}{r.wrk_cpu:9.0%}"
            f"{r.cpu_ms_per_request(r.server_cpu_seconds):28.2f}"
            f"{r.cpu_ms_per_request(r.db_cpu_seconds):12.2f}"
            f"{r.cpu_ms_per_request(r.wrk_cpu_seconds):5.2f}"
        )
        unexpected = {k: v for k, v in r.statuses.items() if k not in EXPECTED[r.name]}
        if unexpected or r.errors:
            print(f"    ! unexpected statuses {unexpected} errors {r.errors}")
    floor = by_name["one_query"]
    targets = (("whoami", 0.70), ("list", 0.40), ("post", 0.35))
    for name, target in targets:
        share = by_name[name].rate / floor.rate
        print(
            f"{LABELS[name]:36} / one-query baseline: {share:6.1%}  (target >= {target:.0%}: "
            f"{'met' if share >= target else 'missed'})"
        )
    ahead = by_name["list"].rate / by_name["admin"].rate
    print(
        f"{'Haven list / Flask-Admin list':36}: {ahead:6.2f}x  (target >= 1.5x: "
        f"{'met' if ahead >= 1.5 else 'missed'})"
    )
    limit = 10 * by_name["minimal"].percentile(95)
    for name in ("list", "post"):
        p95 = by_name[name].percentile(95)
        print(
            f"p95 of {name}: {p95:.1f} ms, {p95 / by_name['minimal'].percentile(95):.1f}x the "
            f"minimal endpoint's (target <= 10x: {'met' if p95 <= limit else 'missed'})"
        )


#: Statuses that mean the request did what it should.
EXPECTED = {
    "minimal": {"200"},
    "one_query": {"200"},
    "whoami": {"200"},
    "list": {"200"},
    "admin": {"200"},
    "post": {"302", "303"},
}


if __name__ == "__main__":
    main()
