"""Hypothesis strategies: populations of synthetic clients, small and lopsided on purpose
(hypothesis shrinks towards the first category of every dimension, so groups where
everyone shares a category come up often)."""

from __future__ import annotations

from hypothesis import strategies as st

from .population import DIMENSIONS, Client

ATTRIBUTES = ("gender", "age_band", "region", "exploitation", "quarter", "member")


@st.composite
def client_attrs(draw: st.DrawFn) -> dict[str, str]:
    return {key: draw(st.sampled_from(DIMENSIONS[key].values)) for key in ATTRIBUTES}


@st.composite
def populations(draw: st.DrawFn, min_size: int = 0, max_size: int = 70) -> list[Client]:
    attrs = draw(st.lists(client_attrs(), min_size=min_size, max_size=max_size))
    keys = draw(st.lists(st.integers(0, 255), min_size=len(attrs), max_size=len(attrs)))
    months = draw(
        st.lists(st.integers(2, 6), min_size=len(attrs), max_size=len(attrs)),
    )
    return [
        Client(i, key, a, frozenset({m}))
        for i, (a, key, m) in enumerate(zip(attrs, keys, months, strict=True))
    ]


@st.composite
def newcomers(draw: st.DrawFn, ident: int) -> Client:
    return Client(ident, draw(st.integers(0, 255)), draw(client_attrs()), frozenset({7}))
