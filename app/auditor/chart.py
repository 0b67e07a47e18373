"""A bar chart as inline SVG, drawn on the server: no script, no style attribute (the CSP
allows neither), readable by screen readers through its title and the table beside it."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 420, 260, 32, 40, 16


def bar_chart(
    labels: Sequence[str], values: Sequence[int], title: str, chart_id: str = "chart"
) -> Markup:
    """One bar per label; the tallest reaches the top. Labels and title are escaped;
    ``chart_id`` (a fixed code, not user input) keeps ids unique when a page has several."""
    peak = max([*values, 1])
    slot = (WIDTH - LEFT) / max(len(values), 1)
    plot = HEIGHT - BOTTOM - TOP
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="{escape(chart_id)}-title"'
        f' viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}"'
        ' xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH}" y2="{HEIGHT - BOTTOM}"'
        ' stroke="#555" stroke-width="1"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" font-size="11">{peak}</text>',
        f'<text x="{LEFT - 6}" y="{HEIGHT - BOTTOM}" text-anchor="end" font-size="11">0</text>',
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        height = round(plot * value / peak, 1)
        x = round(LEFT + i * slot + slot * 0.15, 1)
        y = round(HEIGHT - BOTTOM - height, 1)
        parts += [
            f'<rect x="{x}" y="{y}" width="{round(slot * 0.7, 1)}" height="{height}"'
            f' fill="#2f5d8a"><title>{escape(label)}: {value}</title></rect>',
            f'<text x="{round(x + slot * 0.35, 1)}" y="{HEIGHT - BOTTOM + 14}"'
            f' text-anchor="middle" font-size="10">{escape(label[2:])}</text>',
        ]
        if value:
            parts.append(
                f'<text x="{round(x + slot * 0.35, 1)}" y="{y - 3}" text-anchor="middle"'
                f' font-size="10">{value}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated text is escaped above
