"""Charts as server-rendered SVG: horizontal bars, a title and a description for screen
readers, no script. Every chart is printed beside the table it draws, which is the
accessible version; a hidden value draws no bar and is labelled with the symbol."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

from markupsafe import Markup

WIDTH, LABEL, ROW, PAD = 640, 220, 24, 8


def bar_chart(
    chart_id: str, title: str, description: str, bars: Sequence[tuple[str, str, Decimal | None]]
) -> Markup:
    """``bars``: (label, value as text, value or None when hidden)."""
    top = max((v for _, _, v in bars if v is not None), default=Decimal(0)) or Decimal(1)
    height = PAD * 2 + ROW * len(bars)
    span = WIDTH - LABEL - 90
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description)}</desc>',
    ]
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
