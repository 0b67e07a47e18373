"""Where the time of one casework request goes (evidence for the benchmark's findings).

Run after ``bench/casework.py`` has generated the data (same ``--state-dir``):
``.venv/bin/python bench/casework_profile.py [--org-rank 0] [--repeat 30]``

In-process, through Flask's test client against ``haven_bench`` as the app role, signed in
as the caseworker of the organisation of that size rank (0 = largest). For each endpoint
(the signed-in no-op, ``GET /clients``, the record-service ``POST``) it prints the median
time per request, the SQL statements per request (round trips to PostgreSQL, with the
time spent in each), and ``EXPLAIN (ANALYZE, BUFFERS)`` of the statements that touch
casework tables, run as ``haven_app`` under the same row-level-security settings and rolled
back. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench import casework_data as data  # noqa: E402
from bench.casework_load import input_value, record_service_form  # noqa: E402

#: Statements on these tables get an EXPLAIN ANALYZE.
CASEWORK_TABLES = re.compile(
    r"\b(FROM|INTO|UPDATE|JOIN) (clients|cases|assistance_records|"
    r"client_keys|grants|service_subtypes)\b"
)


class StatementLog:
    """Every statement the app's engine sends, with its parameters and duration."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.entries: list[tuple[float, str, Any]] = []
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(
        self, conn: Any, _cur: Any, _stmt: str, _params: Any, _ctx: Any, _many: bool
    ) -> None:
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn: Any, _cur: Any, stmt: str, params: Any, _ctx: Any, _many: bool) -> None:
        elapsed = (time.perf_counter() - conn.info.pop("bench_started")) * 1000
        self.entries.append((elapsed, stmt, params))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--org-rank", type=int, default=0, help="0 = the largest organisation")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--only", default="", help="profile endpoints containing this text")
    parser.add_argument(
        "--cprofile", type=int, default=0, help="also print the N costliest Python functions"
    )
    parser.add_argument(
        "--state-dir", type=Path, default=Path(tempfile.gettempdir()) / "haven-bench"
    )
    parser.add_argument(
        "--sessions",
        choices=("database", "redis"),
        default="database",
        help="where sign-in sessions live (redis: 127.0.0.1:6379, a bench key prefix)",
    )
    args = parser.parse_args()
    os.environ.update(
        {
            "HAVEN_ENV": "development",
            "HAVEN_INSTANCE_PATH": str(args.state_dir / "instance"),
            "HAVEN_DATABASE_URL": data.APP_URL,
        }
    )
    from bench.haven_app import app

    log = StatementLog(app.extensions["haven.engine"])
    if args.sessions == "redis":
        use_redis_sessions(app)
    orgs, _counts = data.inventory()
    org = orgs[args.org_rank]
    client_id, language = data.sample_clients([org], 1, 1)[org.id][0]
    print(f"{org.slug}: {org.clients:,} clients; signed in as {org.caseworker_email}")
    web = sign_in(app, org.caseworker_email)
    page = web.get(f"/clients/{client_id}/services").get_data(as_text=True)
    form = record_service_form(_csrf(page), input_value(page, "started_on"))
    form["language"] = language
    endpoints: dict[str, Callable[[], Any]] = {
        "GET /_bench/whoami": lambda: web.get("/_bench/whoami"),
        "GET /clients": lambda: web.get("/clients"),
        "POST /clients/<id>/services": lambda: _post_without_flash(
            web, f"/clients/{client_id}/services", form
        ),
    }
    try:
        for name, call in endpoints.items():
            if args.only in name:
                profile(name, call, log, args.repeat, str(org.id))
                if args.cprofile:
                    python_profile(call, args.repeat, args.cprofile)
    finally:
        data.remove_load_records([org])


def use_redis_sessions(app: Any) -> None:
    """The production shape: sessions in Redis, under a prefix of this run's own."""
    from datetime import timedelta

    from redis import Redis

    from app.auth.session_store import RedisSessions, use_session_store

    conf = app.extensions["haven.settings"]
    store = RedisSessions(
        Redis.from_url("redis://127.0.0.1:6379/0"),
        f"haven-bench:{uuid.uuid4().hex}:",
        timedelta(minutes=conf.idle_timeout_minutes),
        timedelta(hours=conf.session_max_hours),
    )
    use_session_store(app.extensions["haven.sessionmaker"], store)


def _post_without_flash(web: Any, url: str, form: dict[str, str]) -> Any:
    """POST, then drop the "Service recorded." message: a browser shows it on the next
    page, while this client would pile hundreds of them into its session cookie and time
    the cookie's growth instead of the request."""
    response = web.post(url, data=form)
    with web.session_transaction() as cookie:
        cookie.pop("_flashes", None)
    return response


def sign_in(app: Any, email: str) -> Any:
    """A test client signed in through the sign-in form."""
    web = app.test_client()
    token = _csrf(web.get("/sign-in").get_data(as_text=True))
    fields = {"csrf_token": token, "email": email, "password": data.CASEWORKER_PASSWORD}
    signed = web.post("/sign-in", data=fields)
    for _attempt in range(3):
        if not signed.headers.get("Location", "").endswith("/sign-in/code"):
            return web
        token = _csrf(web.get("/sign-in/code").get_data(as_text=True))
        signed = web.post("/sign-in/code", data={"csrf_token": token, "code": data.totp_code()})
        if signed.status_code in (302, 303):
            return web
        time.sleep(30 - time.time() % 30 + 0.5)  # a code is accepted once: the next step
        signed = web.post("/sign-in", data=fields)
    raise RuntimeError(f"the second factor of {email} was refused")


def profile(
    name: str, call: Callable[[], Any], log: StatementLog, repeat: int, tenant: str
) -> None:
    for _ in range(3):
        call()  # warm: templates compiled, statements cached, keys unwrapped
    times, per_request = [], []
    for _ in range(repeat):
        log.entries.clear()
        started = time.perf_counter()
        response = call()
        times.append((time.perf_counter() - started) * 1000)
        per_request.append(list(log.entries))
    last = per_request[-1]
    sql_ms = statistics.median(sum(e[0] for e in entries) for entries in per_request)
    print(
        f"\n== {name}: status {response.status_code}, median {statistics.median(times):.1f} ms"
        f" per request in-process, {len(last)} SQL statements, {sql_ms:.1f} ms in them"
    )
    for elapsed, stmt, _params in last:
        print(f"  {elapsed:7.2f} ms  {' '.join(stmt.split())[:150]}")
    # haven_session_principal sets the tenant inside the database: the signed-in one.
    rls = {"t": tenant, "u": ""}
    for _elapsed, stmt, params in last:
        if "set_config('app.tenant_id'" in stmt:
            rls = params  # the settings the app had when it sent what follows
        elif CASEWORK_TABLES.search(stmt):
            explain(stmt, params, rls)


def python_profile(call: Callable[[], Any], repeat: int, top: int) -> None:
    """cProfile over ``repeat`` requests: the functions with the most time of their own."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        call()
    profiler.disable()
    print(f"\n  cProfile of {repeat} requests (own time, then cumulative):")
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def explain(stmt: str, params: Any, rls: dict[str, str], database: str = data.DATABASE) -> None:
    """EXPLAIN ANALYZE as the app role, with the app's RLS settings, then roll back."""
    import psycopg

    with psycopg.connect(f"host=127.0.0.1 user=haven_app dbname={database}") as conn:
        conn.execute(
            "SELECT set_config('app.tenant_id', %(t)s, true), "
            "set_config('app.user_id', %(u)s, true)",
            rls,
        )
        if stmt.lstrip().upper().startswith("INSERT") and isinstance(params, dict):
            params = {**params, "id": uuid.uuid4()}  # the app's row is committed already
        rows = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + stmt, params).fetchall()
        conn.rollback()
    print(f"\n  EXPLAIN ANALYZE {' '.join(stmt.split())[:110]}...")
    for (line,) in rows:
        print(f"    {line}")


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if match is None:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


if __name__ == "__main__":
    main()
