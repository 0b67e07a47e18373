"""Charts as server-rendered SVG, for reports and the auditor's statistics alike:
horizontal bars, a title (and a description) for screen readers, no script and no style
attribute (the CSP allows neither). Every chart is printed beside the table it draws,
which is the accessible version; a hidden value draws no bar and shows its symbol."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from markupsafe import Markup, escape

WIDTH, LABEL, ROW, PAD = 640, 220, 24, 8


def bar_chart(
    chart_id: str,
    title: str,
    bars: Sequence[tuple[str, str, Decimal | None]],
    description: str | None = None,
) -> Markup:
    """``bars``: (label, value as text, value or None when hidden). ``chart_id`` (a fixed
    code, not user input) keeps the ids unique when a page has several charts."""
    top = max((v for _, _, v in bars if v is not None), default=Decimal(0)) or Decimal(1)
    height = PAD * 2 + ROW * len(bars)
    span = WIDTH - LABEL - 90
    cid = escape(chart_id)
    labelled_by = f"{cid}-title" + (f" {cid}-desc" if description else "")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" aria-labelledby="{labelled_by}">',
        f'<title id="{cid}-title">{escape(title)}</title>',
    ]
    if description:
        parts.append(f'<desc id="{cid}-desc">{escape(description)}</desc>')
    for i, (label, text, value) in enumerate(bars):
        y = PAD + i * ROW
        width = 0 if value is None else int(span * value / top)
        parts.append(
            f'<text x="{LABEL - 6}" y="{y + 16}" text-anchor="end" font-size="12">'
            f"{escape(label[:34])}</text>"
        )
        if width:
            parts.append(
                f'<rect x="{LABEL}" y="{y + 4}" width="{width}" height="{ROW - 8}" '
                f'fill="#2f5d8a"></rect>'
            )
        parts.append(
            f'<text x="{LABEL + width + 6}" y="{y + 16}" font-size="12">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text part is escaped above


def counts(labels: Sequence[str], values: Sequence[int]) -> list[tuple[str, str, Decimal | None]]:
    """Bars for plain counts (nothing hidden)."""
    return [(label, str(v), Decimal(v)) for label, v in zip(labels, values, strict=True)]
