"""Servers and load for ``bench/casework.py``: gunicorn processes, the sign-in of each
virtual user through the real form, and ``wrk`` runs (script: ``casework_wrk.lua``).

Load generator: wrk (C, epoll; Debian package ``wrk``), one thread and one connection per
virtual user. It costs a fraction of a core where a Python client with 16 threads would
take a whole one away from the server on a 2-core machine; the run prints what it used.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

from bench.casework_data import ROOT

WRK_SCRIPT = Path(__file__).resolve().parent / "casework_wrk.lua"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class Gunicorn:
    workers: int
    worker_class: str = "sync"

    def command(self, module: str, port: int) -> list[str]:
        return [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "--workers",
            str(self.workers),
            "--worker-class",
            self.worker_class,
            "--bind",
            f"127.0.0.1:{port}",
            "--chdir",
            str(ROOT),
            "--backlog",
            "2048",
            "--timeout",
            "120",
            module,
        ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Served:
    """A running gunicorn: where it answers and its master's pid (workers are children)."""

    base: str
    pid: int


def process_cpu_seconds(wanted: Callable[[int, str, int], bool]) -> float:
    """User + system CPU of the live processes for which ``wanted(pid, name, parent)``
    holds, from /proc (Linux); a process that exits takes its share with it."""
    ticks = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        if wanted(int(entry.name), name, int(fields[1])):
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def cpu_probe(server_pid: int) -> Callable[[], tuple[float, float]]:
    """(gunicorn master + workers, every postgres process) CPU seconds so far."""

    def probe() -> tuple[float, float]:
        server = process_cpu_seconds(lambda pid, _n, parent: server_pid in (pid, parent))
        database = process_cpu_seconds(lambda _p, name, _parent: name == "postgres")
        return server, database

    return probe


@contextmanager
def serve(settings: Gunicorn, module: str, env: dict[str, str], log: Path) -> Any:
    """Run gunicorn until the block ends; yields a ``Served`` once it answers."""
    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603 - our own command line
            settings.command(module, port),
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, log)
        yield Served(base, process.pid)
    finally:
        process.send_signal(signal.SIGTERM)  # gunicorn's graceful stop, this process only
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited; see {log}:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(base + "/", timeout=5):  # noqa: S310 - loopback
                return
        except urllib.error.HTTPError:
            return  # it answered (a redirect to sign-in is fine)
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within 60 s; see {log}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Browser:
    """Just enough of a browser: a cookie jar, CSRF tokens from forms, optional redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = CookieJar()
        cookies = urllib.request.HTTPCookieProcessor(self.jar)
        self.follow = urllib.request.build_opener(cookies)
        self.stay = urllib.request.build_opener(cookies, _NoRedirect())

    def get(self, path: str) -> tuple[int, str, str]:
        """Status, final path and body, following redirects."""
        with self.follow.open(self.base + path, timeout=30) as response:
            final = urllib.parse.urlsplit(response.geturl()).path
            return response.status, final, response.read().decode()

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, str]:
        """Status and Location of a form POST, without following the redirect."""
        data = urllib.parse.urlencode(fields).encode()
        try:
            with self.stay.open(self.base + path, data=data, timeout=30) as response:
                return response.status, response.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", "")

    def csrf(self, path: str) -> str:
        status, _final, body = self.get(path)
        match = _CSRF.search(body)
        if status != 200 or match is None:
            raise RuntimeError(f"no form with a CSRF token at {path} (status {status})")
        return html.unescape(match.group(1))

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def input_value(page: str, name: str) -> str:
    """The value attribute of a form's input (e.g. the suggested date)."""
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
    if match is None:
        raise RuntimeError(f"no input {name} with a value on the page")
    return html.unescape(match.group(1))


def urlencode(fields: dict[str, str]) -> str:
    return urllib.parse.urlencode(fields)


def sign_in(base: str, email: str, password: str) -> Browser:
    """Sign in through the real form (and pick the organisation if the app asks)."""
    browser = Browser(base)
    token = browser.csrf("/sign-in")
    status, location = browser.post(
        "/sign-in", {"csrf_token": token, "email": email, "password": password}
    )
    if status not in (302, 303):
        raise RuntimeError(f"sign-in of {email} answered {status}")
    if location.endswith("/sign-in/code"):
        second_factor(browser, email)
    _status, final, body = browser.get("/")
    if final.startswith("/organisations"):
        match = re.search(r'name="organisation_id"[^>]*value="([^"]+)"', body)
        if match is None:
            raise RuntimeError(f"{email}: asked to pick an organisation, but none offered")
        browser.post(
            "/organisations/switch",
            {
                "csrf_token": browser.csrf("/organisations"),
                "organisation_id": match.group(1),
            },
        )
    return browser


def second_factor(browser: Browser, email: str) -> None:
    """The authenticator code; a code is accepted once, so a second sign-in of the same
    account within one 30-second step waits for the next step."""
    from bench.casework_data import totp_code

    for _attempt in range(3):
        token = browser.csrf("/sign-in/code")
        status, _location = browser.post(
            "/sign-in/code", {"csrf_token": token, "code": totp_code()}
        )
        if status in (302, 303):
            return
        time.sleep(30 - time.time() % 30 + 0.5)
    raise RuntimeError(f"the second factor of {email} was refused")


@dataclass
class Result:
    """One scenario: pooled over its rounds."""

    name: str
    requests: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    wrk_cpu_seconds: float = 0.0
    server_cpu_seconds: float = 0.0
    db_cpu_seconds: float = 0.0

    def cpu_ms_per_request(self, seconds: float) -> float:
        return seconds * 1000 / self.requests if self.requests else float("nan")

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def wrk_cpu(self) -> float:
        """Share of one core that wrk used while it ran."""
        return self.wrk_cpu_seconds / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1)]

    def add(self, other: Result) -> None:
        self.requests += other.requests
        self.seconds += other.seconds
        self.latencies_ms += other.latencies_ms
        self.wrk_cpu_seconds += other.wrk_cpu_seconds
        self.server_cpu_seconds += other.server_cpu_seconds
        self.db_cpu_seconds += other.db_cpu_seconds
        for target, source in ((self.statuses, other.statuses), (self.errors, other.errors)):
            for key, count in source.items():
                target[key] = target.get(key, 0) + count


def lua_data(users: list[dict[str, Any]], paths: dict[str, str]) -> str:
    """The data file the wrk script loads: a Lua table literal (strings JSON-escaped);
    ``run_wrk`` fills in the marker file of each run."""

    def literal(value: Any) -> str:
        if isinstance(value, dict):
            return (
                "{" + ", ".join(f"[{json.dumps(k)}] = {literal(v)}" for k, v in value.items()) + "}"
            )
        if isinstance(value, list):
            return "{" + ", ".join(literal(v) for v in value) + "}"
        return json.dumps(value)

    data = {"users": users, "paths": paths, "done_file": "__DONE_FILE__"}
    return "return " + literal(data) + "\n"


def run_wrk(
    served: Served, scenario: str, data_file: Path, users: int, seconds: float, per_user: int
) -> Result:
    """One closed-loop run: ``users`` connections, each a signed-in user, no think time.
    Also counts the CPU the server's processes and PostgreSQL used meanwhile."""
    base, probe = served.base, cpu_probe(served.pid)
    done_file = data_file.with_suffix(f".{scenario}.done")
    done_file.unlink(missing_ok=True)
    text = data_file.read_text().replace("__DONE_FILE__", str(done_file))
    run_data = data_file.with_suffix(f".{scenario}.lua")
    run_data.write_text(text)
    command = [shutil.which("wrk") or "wrk", "-t", str(users), "-c", str(users)]
    command += ["-d", f"{seconds:.0f}s", "--timeout", "30s", "-s", str(WRK_SCRIPT), base]
    command += ["--", str(run_data), scenario, str(per_user)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_before, db_before = probe()
    # Output to a file, not a pipe: the latency samples exceed a pipe's buffer, and wrk
    # would block writing them while this loop waits for it.
    output = data_file.with_suffix(f".{scenario}.out")
    with output.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
        _wait_for(process, done_file, users, time.monotonic() + seconds + 120)
    server_after, db_after = probe()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    out_text = output.read_text()
    line = next((x for x in out_text.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result:\n{out_text[-3000:]}")
    result = _result(scenario, json.loads(line.removeprefix("BENCH ")), cpu)
    result.server_cpu_seconds = server_after - server_before
    result.db_cpu_seconds = db_after - db_before
    return result


def _wait_for(
    process: subprocess.Popen[bytes], done_file: Path, users: int, deadline: float
) -> None:
    """Until wrk ends by its duration, or every thread has reached its request count."""
    while process.poll() is None:
        time.sleep(0.2)
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("wrk did not finish in time")
        if done_file.exists() and len(done_file.read_text().split()) >= users:
            process.send_signal(signal.SIGINT)  # wrk stops and reports, as on Ctrl-C
            process.wait(timeout=60)


def record_service_form(token: str, day: str) -> dict[str, str]:
    """The record-service form as a browser submits it: counselling, one session, with an
    interpreter; the language (the client's preferred one) is added per request."""
    return {
        "csrf_token": token, "category": "counselling", "subtype_id": "", "started_on": day,
        "ended_on": "", "quantity": "1", "unit": "", "interpreter_used": "y", "grant_id": "",
        "cost": "", "currency": "", "outcome": "delivered", "notes": "", "record": "Record",
    }  # fmt: skip


def _result(scenario: str, raw: dict[str, Any], wrk_cpu_seconds: float) -> Result:
    threads = [t for t in raw["threads"] if t["responses"]]
    result = Result(scenario, wrk_cpu_seconds=wrk_cpu_seconds)
    result.requests = sum(t["responses"] for t in threads)
    # From the first request sent to the last response received, over all threads: right
    # whether the run ended by count or by time.
    result.seconds = max(t["finished"] for t in threads) - min(t["started"] for t in threads)
    for thread in threads:
        result.latencies_ms += thread["latencies_ms"]
        for code, count in thread["statuses"].items():
            result.statuses[code] = result.statuses.get(code, 0) + count
    result.errors = {k: v for k, v in raw["errors"].items() if v and k != "status"}
    return result


def server_env(instance: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAVEN_")}
    env.update(
        {
            "HAVEN_ENV": "development",
            "HAVEN_INSTANCE_PATH": str(instance),
            "HAVEN_DATABASE_URL": database_url,
            "PYTHONPATH": str(ROOT),
        }
    )
    return env
