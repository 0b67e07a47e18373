"""What may be shown: the only report type that screens, the API and exports render.

Only :func:`app.reports.gate.release` can build a :class:`ReleasedReport` (the constructor
checks a seal the gate holds), and renderers take a ``ReleasedReport``, so a
:class:`app.reports.tables.Report` of true counts cannot be rendered by mistake: mypy
refuses it and, at run time, so does the constructor.

Each cell says how it is shown (exact, protected, hidden); the footer says the rules in
message ids marked for translation with their parameters, for the renderer to translate.
Category values are the stored codes; renderers label them in the reader's language.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from app.i18n import N_
from app.reports.tables import CountKey, GateMisuse, Part, Unit

#: Shown in place of a hidden number, as in UK official statistics ("confidential").
SUPPRESSED_SYMBOL = "[c]"

_GATE_SEAL = object()


class Shown(enum.StrEnum):
    exact = "exact"
    protected = "protected"
    hidden = "hidden"


@dataclass(frozen=True)
class ReleasedCell:
    #: None when hidden; for protected cells the perturbed value.
    value: int | None
    shown: Shown

    @property
    def text(self) -> str:
        return SUPPRESSED_SYMBOL if self.value is None else str(self.value)


@dataclass(frozen=True)
class ReleasedTable:
    key: str
    population: str
    unit: Unit
    row_dimensions: tuple[str, ...]
    column_dimensions: tuple[str, ...]
    row_keys: tuple[tuple[str, ...], ...]
    column_keys: tuple[tuple[str, ...], ...]
    show: frozenset[Part]
    cells: Mapping[CountKey, ReleasedCell]

    def cell(self, key: CountKey) -> ReleasedCell:
        return self.cells[key]

    def grid(self, total_label: str = "Total") -> list[list[str]]:
        """Header row then one row per row key (and a totals row), all as text."""
        blank_row = (None,) * len(self.row_dimensions)
        blank_column = (None,) * len(self.column_dimensions)
        columns = list(self.column_keys) if self.column_dimensions else [()]
        header = [" / ".join(self.row_dimensions)] + [" / ".join(c) for c in columns]
        with_totals = Part.row_totals in self.show and bool(self.column_dimensions)
        if with_totals:
            header.append(total_label)
        body = []
        for row in self.row_keys:
            line = [" / ".join(row)] + [self.cells[row + c].text for c in columns]
            if with_totals:
                line.append(self.cells[row + blank_column].text)
            body.append(line)
        if {Part.column_totals, Part.grand_total} & self.show:
            line = [total_label]
            for column in columns:
                key = blank_row + column
                line.append(self.cells[key].text if key in self.cells else "")
            if with_totals:
                key = blank_row + blank_column
                line.append(self.cells[key].text if key in self.cells else "")
            body.append(line)
        return [header, *body]


@dataclass(frozen=True)
class ReleasedDerived:
    key: str
    #: None when it depends on a hidden count (or divides by zero).
    value: Decimal | None

    @property
    def text(self) -> str:
        return SUPPRESSED_SYMBOL if self.value is None else str(self.value)


@dataclass(frozen=True)
class FooterLine:
    #: An English message id marked with ``N_``; the renderer translates it.
    message: str
    params: Mapping[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True)
class Footer:
    threshold: int
    symbol: str
    ptable: str
    max_noise: int
    pooled: bool
    lines: tuple[FooterLine, ...]
    #: (table key, part) of every part shown exact; every other part is protected.
    exact_parts: tuple[tuple[str, Part], ...] = ()


def footer_for(
    threshold: int,
    ptable: str,
    max_noise: int,
    pooled: bool,
    exact_parts: tuple[tuple[str, Part], ...] = (),
) -> Footer:
    lines = [
        FooterLine(
            N_(
                "Counts below %(threshold)s, zero included, are shown as %(symbol)s, and so "
                "are the cells that would let a reader work them out from a total."
            ),
            {"threshold": threshold, "symbol": SUPPRESSED_SYMBOL},
        ),
        FooterLine(
            N_(
                "Breakdowns by personal characteristics are protected: each number is "
                "adjusted by at most %(noise)s, the same way every time the same people are "
                "counted, so that comparing reports cannot single anyone out (%(ptable)s)."
            ),
            {"noise": max_noise, "ptable": ptable},
        ),
        FooterLine(N_("Totals a funder pays against (people, nights, hours, costs) are exact.")),
        FooterLine(N_("Percentages and averages that depend on a hidden number are hidden.")),
    ]
    if pooled:
        lines.append(
            FooterLine(N_("Pooled across the network: no table shows which member served whom."))
        )
    return Footer(
        threshold, SUPPRESSED_SYMBOL, ptable, max_noise, pooled, tuple(lines), exact_parts
    )


@dataclass(frozen=True)
class ReleasedReport:
    key: str
    threshold: int
    tables: tuple[ReleasedTable, ...]
    derived: tuple[ReleasedDerived, ...]
    footer: Footer
    _seal: object = field(repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        if self._seal is not _GATE_SEAL:
            raise GateMisuse("only the disclosure-control gate releases a report")

    def table(self, key: str) -> ReleasedTable:
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)
