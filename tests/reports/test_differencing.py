"""Differencing attacks: the same report before and after one client arrives, and over two
overlapping periods, compared by a reader who knows the method.

What is guaranteed (and checked): a difference never places the client in a group of fewer
than ``threshold`` people. What cannot be: that it places them nowhere. With the cell-key
method a cell whose members did not change shows the same value, so a visible cell that
changes has gained the client; any release that lets a group of 40 grow to 41 visibly says
the newcomer is one of the 41. Suppression of every count below the threshold, zero
included, keeps that from ever pointing at a small group.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import app.reports.gate as gate
from app.reports import ReleasedCell, Shown, release
from app.reports.perturbation import perturb
from app.reports.suppression import Suppression, suppress

from . import checker
from .population import Client, build_report, random_client
from .strategies import newcomers, populations
from .test_checker import WITH_REGION_BY_AGE, shelter_of_fifty

ATTACKS = settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow])


def attack(before: list[Client], after: list[Client], threshold: int = 10) -> list[str]:
    released_before = release(build_report(before, WITH_REGION_BY_AGE, threshold))
    released_after = release(build_report(after, WITH_REGION_BY_AGE, threshold))
    return checker.differencing_problems(
        released_before, released_after, WITH_REGION_BY_AGE, before, after
    )


def in_period(clients: list[Client], first: int, last: int) -> list[Client]:
    return [c for c in clients if any(first <= m <= last for m in c.months)]


@ATTACKS
@given(data=st.data(), clients=populations(max_size=60), threshold=st.sampled_from([5, 10]))
def test_one_client_more_never_singles_them_out(
    data: st.DataObject, clients: list[Client], threshold: int
) -> None:
    newcomer = data.draw(newcomers(len(clients)))
    assert attack(clients, [*clients, newcomer], threshold) == []


@ATTACKS
@given(data=st.data(), clients=populations(max_size=60))
def test_two_overlapping_periods_never_single_out_who_differs(
    data: st.DataObject, clients: list[Client]
) -> None:
    """February-June against February-July: everyone was helped in February to June, one
    client only in July, so the two period reports differ by that client alone."""
    july = data.draw(newcomers(len(clients)))
    everyone = [*clients, july]
    first, second = in_period(everyone, 2, 6), in_period(everyone, 2, 7)
    assert len(second) == len(first) + 1
    assert attack(first, second) == []


def test_the_moldovan_minor_arriving_at_the_shelter_is_not_singled_out() -> None:
    others, girl = shelter_of_fifty()
    assert attack(others, [*others, girl]) == []


@pytest.mark.parametrize("seed", range(4))
def test_arrivals_in_larger_populations_are_not_singled_out(seed: int) -> None:
    rng = random.Random(seed)
    weights = {"gender": [6, 3, 1], "age_band": [1, 3, 5, 2], "region": [4, 3, 2, 1]}
    clients = [random_client(rng, i, weights) for i in range(200 + 50 * seed)]
    newcomer = random_client(rng, len(clients), weights)
    assert attack(clients, [*clients, newcomer]) == []


def showing_zeros(monkeypatch: pytest.MonkeyPatch) -> None:
    """Turn the gate into one that shows sampling zeros (what Haven decided against)."""

    def hide_nonzero(system, threshold):  # type: ignore[no-untyped-def]
        real = suppress(system, threshold)
        hidden = frozenset(c for c in real.hidden if system.counts[c])
        return Suppression(hidden, real.primary, real.exhausted)

    def published(system, hiding, threshold, ptable):  # type: ignore[no-untyped-def]
        shown = []
        for cell in range(len(system)):
            n = system.counts[cell]
            if system.exact[cell]:
                shown.append(ReleasedCell(n, Shown.exact))
            elif n == 0:
                shown.append(ReleasedCell(0, Shown.protected))
            elif cell in hiding.hidden:
                shown.append(ReleasedCell(None, Shown.hidden))
            else:
                shown.append(
                    ReleasedCell(perturb(n, system.keys[cell], threshold, ptable), Shown.protected)
                )
        return shown

    monkeypatch.setattr(gate, "suppress", hide_nonzero)
    monkeypatch.setattr(gate, "_published_values", published)


def test_showing_zeros_would_name_the_moldovan_minor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Why zeros are hidden: a 0 that turns into the symbol says who arrived."""
    showing_zeros(monkeypatch)
    others, girl = shelter_of_fifty()
    problems = attack(others, [*others, girl])
    assert any("age_band=under_18, a group of" in p for p in problems)
