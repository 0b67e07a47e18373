"""Benchmark of Haven's field crypto (not a test). Run: ``python bench/crypto.py``.

Compares per-field seal/open through Haven's API with raw AESGCM (the floor: one
AESGCM object, random nonce, same AAD) and with sqlalchemy-utils' StringEncryptedType
(AesGcmEngine), then times rendering a page: unwrap 50 client keys and open 250 fields.
"""

from __future__ import annotations

import os
import random
import statistics
import string
import sys
import time
import uuid
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

# This file is named crypto.py: drop its own directory from the path so that
# "import crypto" finds the package at the repository root, not this script.
ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: E402

from crypto import (  # noqa: E402
    DataKey,
    FieldBinding,
    Keyring,
    client_context,
    new_data_key,
    open_sealed,
    seal,
    unwrap_key,
    wrap_key,
)

FIELDS = 1000
ROUNDS = 101
PAGE_REPS = 200
COLUMNS = ("name", "dob", "document_number", "phone", "address")


def median_rates(runs: dict[str, Callable[[], object]], ops: int) -> dict[str, float]:
    """Operations per second of each run: median of ROUNDS rounds after a warm-up.

    Rounds are interleaved (a, b, c, a, b, c, ...) so that a noisy neighbour or a CPU
    frequency change hits every contender alike, which keeps the ratios honest.
    """
    times: dict[str, list[float]] = {name: [] for name in runs}
    for run in runs.values():
        run()
    for _ in range(ROUNDS):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {name: ops / statistics.median(t) for name, t in times.items()}


def random_fields(rng: random.Random) -> list[str]:
    """FIELDS values of 20-60 UTF-8 bytes, Latin and Cyrillic."""
    alphabet = string.ascii_letters + "  абвгдежзийклмнопрстуфхцчшщыэюя"
    values = []
    for _ in range(FIELDS):
        size, value = rng.randint(20, 60), ""
        while len(value.encode()) < size:
            value += rng.choice(alphabet)
        if len(value.encode()) > size:  # a 2-byte letter overshot by one
            value = value[:-1] + "x"
        values.append(value)
    return values


def bindings(tenant: str) -> list[FieldBinding]:
    return [
        FieldBinding(tenant, "clients", COLUMNS[i % 5], str(uuid.uuid4())) for i in range(FIELDS)
    ]


def contenders(values: list[str], binds: list[FieldBinding]) -> dict[str, Callable[[], object]]:
    """Seal and open runs for Haven, raw AESGCM and sqlalchemy-utils over the same values."""
    key = new_data_key("c1")
    pairs = list(zip(values, binds, strict=True))
    haven_sealed = [(seal(key, v, b), b) for v, b in pairs]

    aead = AESGCM(key.material)  # the floor: built once, same AAD as Haven's
    raw_pairs = [(v.encode(), b.associated_data) for v, b in pairs]

    def seal_raw(data: bytes, aad: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + aead.encrypt(nonce, data, aad)

    raw_sealed = [(seal_raw(d, a), a) for d, a in raw_pairs]

    column, dialect = sqlalchemy_utils_column()
    sau_stored = [column.process_bind_param(v, dialect) for v in values]
    # What the app does per field: build the binding from the row, then open.
    with_parts = [(s, (b.tenant_id, b.table, b.column, b.row_id)) for s, b in haven_sealed]
    return {
        "haven seal": lambda: [seal(key, v, b) for v, b in pairs],
        "haven open": lambda: [open_sealed(key, s, b) for s, b in haven_sealed],
        "haven open+binding": lambda: [
            open_sealed(key, s, FieldBinding(*parts)) for s, parts in with_parts
        ],
        "raw seal": lambda: [seal_raw(d, a) for d, a in raw_pairs],
        "raw open": lambda: [aead.decrypt(s[:12], s[12:], a) for s, a in raw_sealed],
        "raw open+decode": lambda: [
            aead.decrypt(s[:12], s[12:], a).decode() for s, a in raw_sealed
        ],
        "sau seal": lambda: [column.process_bind_param(v, dialect) for v in values],
        "sau open": lambda: [column.process_result_value(s, dialect) for s in sau_stored],
    }


def sqlalchemy_utils_column() -> tuple[Any, Any]:
    """What a Flask developer would otherwise reach for: StringEncryptedType + AesGcmEngine."""
    import sqlalchemy as sa
    from sqlalchemy.dialects import postgresql
    from sqlalchemy_utils.types.encrypted.encrypted_type import (
        AesGcmEngine,
        StringEncryptedType,
    )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        column = StringEncryptedType(sa.Unicode, "a secret key from config", AesGcmEngine)
    return column, postgresql.dialect()


def bench_page(rng: random.Random) -> float:
    """Median ms to unwrap 50 client keys (tenant key in hand) and open 5 fields each."""
    tenant_id = str(uuid.uuid4())
    tenant_key = new_data_key("t1")
    wrapped: dict[str, bytes] = {}
    page: list[tuple[str, str, bytes]] = []
    for _ in range(50):
        client_id = str(uuid.uuid4())
        client_key = new_data_key("c1")
        wrapped[client_id] = wrap_key(tenant_key, client_key, client_context(tenant_id, client_id))
        for column in COLUMNS:
            binding = FieldBinding(tenant_id, "clients", column, client_id)
            value = "".join(rng.choices(string.ascii_letters, k=rng.randint(20, 60)))
            page.append((client_id, column, seal(client_key, value, binding)))

    def load(owner: str, key_id: str) -> DataKey:
        return unwrap_key(tenant_key, wrapped[owner], client_context(tenant_id, owner), key_id)

    def render() -> None:
        with Keyring(load) as keyring:
            for client_id, column, sealed in page:
                binding = FieldBinding(tenant_id, "clients", column, client_id)
                keyring.open(client_id, sealed, binding)

    for _ in range(20):
        render()
    times = []
    for _ in range(PAGE_REPS):
        start = time.perf_counter()
        render()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    started = time.perf_counter()
    rng = random.Random(2024)
    values = random_fields(rng)
    rates = median_rates(contenders(values, bindings(str(uuid.uuid4()))), FIELDS)
    print(f"per field: {FIELDS} random 20-60 byte values (Latin + Cyrillic), ops/s,")
    print(f"median of {ROUNDS} interleaved rounds; Python {sys.version.split()[0]}")
    rows = (
        ("haven seal / open_sealed", "haven seal", "haven open"),
        ("haven open + FieldBinding()", None, "haven open+binding"),
        ("raw AESGCM (floor)", "raw seal", "raw open"),
        ("raw AESGCM + UTF-8 decode", None, "raw open+decode"),
        ("sqlalchemy-utils AesGcm", "sau seal", "sau open"),
    )
    print(f"  {'':30}{'seal/s':>12}{'open/s':>12}")
    for label, seal_name, open_name in rows:
        seal_text = f"{rates[seal_name]:12,.0f}" if seal_name else f"{'':12}"
        print(f"  {label:30}{seal_text}{rates[open_name]:12,.0f}")
    ratio = rates["raw open"] / rates["haven open"]
    print(f"haven open / raw decrypt cost:             {ratio:.2f}x (target <= 1.5x)")
    ratio = rates["raw open+decode"] / rates["haven open"]
    print(f"haven open / raw decrypt+decode cost:      {ratio:.2f}x")
    print(
        f"haven seal / raw encrypt cost:             {rates['raw seal'] / rates['haven seal']:.2f}x"
    )
    print(
        f"haven open speed vs sqlalchemy-utils:      {rates['haven open'] / rates['sau open']:.1f}x"
    )
    print(
        f"haven seal speed vs sqlalchemy-utils:      {rates['haven seal'] / rates['sau seal']:.1f}x"
    )
    page_ms = bench_page(rng)
    print(
        f"page of 50 clients x 5 fields (unwrap 50 client keys, build 250 bindings, open "
        f"250 fields): median {page_ms:.3f} ms over {PAGE_REPS} reps (target < 2 ms)"
    )
    print(f"total bench time {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
