"""Every release passes the independent checker, and the checker catches a broken gate."""

from __future__ import annotations

import dataclasses
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import app.reports.gate as gate
from app.reports import Part, ReleasedCell, ReleasedReport, Shown, published_ptable, release
from app.reports.suppression import Suppression
from app.reports.tables import CountKey

from . import checker
from .population import STATE_TABLES, Client, TableSpec, build_report, random_client
from .strategies import populations

MAX_NOISE = published_ptable().max_noise
#: The State report plus the breakdown that names the DOMAIN.md example's cell.
WITH_REGION_BY_AGE = (*STATE_TABLES, TableSpec("region_by_age", ("region",), ("age_band",)))
CHECKER = settings(max_examples=20, suppress_health_check=[HealthCheck.too_slow])


def all_problems(release_, specs, clients) -> list[str]:  # type: ignore[no-untyped-def]
    return checker.visible_problems(release_, specs, clients, MAX_NOISE) + (
        checker.interval_problems(release_, specs, clients)
    )


@CHECKER
@given(clients=populations(), threshold=st.sampled_from([5, 10]))
def test_every_release_passes_the_checker(clients: list[Client], threshold: int) -> None:
    released = release(build_report(clients, WITH_REGION_BY_AGE, threshold))
    assert all_problems(released, WITH_REGION_BY_AGE, clients) == []


@CHECKER
@given(
    seed=st.integers(0, 2**32 - 1),
    size=st.integers(150, 400),
    skew=st.sampled_from([[1, 1, 1], [6, 3, 1], [20, 4, 1]]),
)
def test_larger_populations_pass_and_still_show_their_main_groups(
    seed: int, size: int, skew: list[int]
) -> None:
    rng = random.Random(seed)
    clients = [
        random_client(rng, i, {"gender": skew, "age_band": [1, 3, 5, 2]}) for i in range(size)
    ]
    released = release(build_report(clients, WITH_REGION_BY_AGE, 10))
    assert all_problems(released, WITH_REGION_BY_AGE, clients) == []
    shown = [c for t in released.tables for c in t.cells.values() if c.shown is Shown.protected]
    assert len(shown) >= 10, "150 people or more in 4 x 4 breakdowns show their main groups"


def shelter_of_fifty(seed: int = 7) -> tuple[list[Client], Client]:
    """DOMAIN.md: a shelter of 50 beds with one Moldovan minor (Moldova counts in Eastern
    Europe); the 49 others include no Eastern European minor."""
    rng = random.Random(seed)
    weights = {"gender": [8, 2, 0.5], "region": [2, 4, 3, 1], "age_band": [1, 3, 5, 2]}
    others: list[Client] = []
    while len(others) < 49:
        client = random_client(rng, len(others), weights)
        if (client.attrs["region"], client.attrs["age_band"]) != ("Eastern Europe", "under_18"):
            others.append(client)
    girl = Client(
        99,
        rng.randrange(256),
        {"gender": "female", "age_band": "under_18", "region": "Eastern Europe",
         "exploitation": "sexual", "quarter": "q2", "member": "ngo_a"},
    )  # fmt: skip
    return others, girl


def test_the_moldovan_minor_in_a_shelter_of_fifty_is_not_a_name() -> None:
    others, girl = shelter_of_fifty()
    clients = [*others, girl]
    released = release(build_report(clients, WITH_REGION_BY_AGE, 10))
    cell = released.table("region_by_age").cell(("Eastern Europe", "under_18"))
    assert cell.value is None and cell.text == "[c]"
    assert all_problems(released, WITH_REGION_BY_AGE, clients) == []
    published = [c.value for t in released.tables for c in t.cells.values() if c.value is not None]
    assert 1 not in published


def primary_only(system, threshold):  # type: ignore[no-untyped-def]
    small = frozenset(c for c in system.protected if system.counts[c] < threshold)
    return Suppression(small, small, frozenset())


def test_the_checker_catches_a_gate_without_complementary_suppression(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(gate, "suppress", primary_only)
    others, girl = shelter_of_fifty()
    clients = [*others, girl]
    released = release(build_report(clients, WITH_REGION_BY_AGE, 10))
    problems = checker.interval_problems(released, WITH_REGION_BY_AGE, clients)
    assert any("a reader bounds it to" in p for p in problems)


def tamper(released: ReleasedReport, changes: dict[str, dict[CountKey, ReleasedCell]]):  # type: ignore[no-untyped-def]
    """A release as a broken gate would have made it (the seal is copied, not forged)."""
    tables = tuple(
        dataclasses.replace(t, cells={**t.cells, **changes[t.key]}) if t.key in changes else t
        for t in released.tables
    )
    return dataclasses.replace(released, tables=tables)


def test_the_checker_catches_a_small_visible_cell_and_a_wrong_or_split_total() -> None:
    others, girl = shelter_of_fifty()
    clients = [*others, girl]
    released = release(build_report(clients, WITH_REGION_BY_AGE, 10))
    small = {"region_by_age": {("Eastern Europe", "under_18"): ReleasedCell(1, Shown.protected)}}
    problems = checker.visible_problems(
        tamper(released, small), WITH_REGION_BY_AGE, clients, MAX_NOISE
    )
    assert any("visible with 1 < 10" in p for p in problems)

    wrong = {
        t.key: {k: ReleasedCell(49, Shown.exact) for k in t.cells if all(v is None for v in k)}
        for t in released.tables
    }
    problems = checker.visible_problems(
        tamper(released, wrong), WITH_REGION_BY_AGE, clients, MAX_NOISE
    )
    assert any("exact 49 but the truth is 50" in p for p in problems)

    split = {"region_by_age": wrong["region_by_age"]}
    problems = checker.visible_problems(
        tamper(released, split), WITH_REGION_BY_AGE, clients, MAX_NOISE
    )
    assert any("shown two ways in two tables" in p for p in problems)


def test_the_checker_catches_an_exact_cell_in_a_sensitive_breakdown() -> None:
    clients = [random_client(random.Random(3), i, {}) for i in range(80)]
    released = release(build_report(clients, WITH_REGION_BY_AGE, 10))
    table = released.table("by_exploitation")
    exact = {
        k: ReleasedCell(
            sum(1 for c in clients if k[0] in (None, c.attrs["exploitation"])), Shown.exact
        )
        for k in table.cells
    }
    tampered = tamper(released, {"by_exploitation": exact})
    problems = checker.visible_problems(tampered, WITH_REGION_BY_AGE, clients, MAX_NOISE)
    assert any("sensitive breakdown shown as exact" in p for p in problems)


def test_shared_totals_are_hidden_or_shown_alike_in_every_table() -> None:
    """gender x age and gender x region share the gender totals: one cell, one fate."""
    rng = random.Random(11)
    clients = [random_client(rng, i, {"gender": [10, 6, 1]}) for i in range(120)]
    released = release(build_report(clients, WITH_REGION_BY_AGE, 10))
    for gender in ("female", "male", "non_binary"):
        by_age = released.table("gender_by_age").cell((gender, None))
        by_region = released.table("gender_by_region").cell((gender, None))
        assert by_age == by_region
    assert released.table("gender_by_age").cell(("non_binary", None)).value is None
    assert all_problems(released, WITH_REGION_BY_AGE, clients) == []


def test_a_population_too_small_to_protect_shows_only_its_exact_totals() -> None:
    clients = [random_client(random.Random(5), i, {}) for i in range(8)]
    spec = (TableSpec("by_gender", ("gender",), (), frozenset({Part.grand_total})),)
    released = release(build_report(clients, spec, 10))
    table = released.table("by_gender")
    assert [table.cell((g,)).value for g in ("female", "male", "non_binary")] == [None] * 3
    assert table.cell((None,)).value == 8
    assert all_problems(released, spec, clients) == []


#: The State report's three-way table (exploitation x gender x age band) beside two of its
#: margins, with every total protected: nothing exact to lean on.
THREE_WAY = (
    TableSpec("exploitation_by_gender_age", ("exploitation",), ("gender", "age_band"),
              exact=frozenset()),
    TableSpec("gender_by_age", ("gender",), ("age_band",), exact=frozenset()),
    TableSpec("by_exploitation", ("exploitation",), (), frozenset({Part.grand_total}),
              frozenset()),
)  # fmt: skip


@CHECKER
@given(clients=populations(max_size=70), threshold=st.sampled_from([5, 10]))
def test_product_axes_and_protected_totals_pass_the_checker(
    clients: list[Client], threshold: int
) -> None:
    released = release(build_report(clients, THREE_WAY, threshold))
    assert all_problems(released, THREE_WAY, clients) == []
    if len(clients) < threshold:
        assert released.table("gender_by_age").cell((None, None)).value is None
