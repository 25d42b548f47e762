"""Charts as server-side SVG (pygal), the same on the page and in a PDF. Pages show the
figures in a table too, so the chart is decoration for screen readers."""

from __future__ import annotations

import functools
import re

import pygal
from django.utils.html import escape
from django.utils.safestring import mark_safe
from pygal.style import Style

STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#52606d",
    colors=("#1d4f91",),
    font_family="system-ui, sans-serif",
    label_font_size=14,
    major_label_font_size=14,
    value_font_size=14,
    title_font_size=16,
)


def bar_chart(title: str, rows: list[tuple[str, int]], description: str = "") -> str:
    """A horizontal bar chart of ``rows`` (label, value) as inline SVG markup; ``description``
    (by default the title) becomes the SVG's own title.

    The markup depends on nothing but these, so each worker keeps the last few it drew:
    drawing one takes pygal about 6 ms, and the programme overview shows one on every visit.
    """
    rows = tuple((str(label), value) for label, value in rows)
    return _bar_chart(str(title), rows, str(description or title))


@functools.lru_cache(maxsize=256)
def _bar_chart(title: str, rows: tuple[tuple[str, int], ...], description: str) -> str:
    chart = pygal.HorizontalBar(
        style=STYLE,
        show_legend=False,
        print_values=True,
        disable_xml_declaration=True,
        js=[],
        width=720,
        height=60 + 36 * len(rows),
        explicit_size=False,
        margin=8,
        show_y_guides=False,
        truncate_label=-1,
    )
    rows = rows[::-1]  # pygal draws the first row at the bottom; the reader starts at the top
    chart.x_labels = [label for label, _ in rows]
    chart.add(title, [value for _, value in rows])
    return _inline(chart, description)


def line_chart(
    title: str,
    points: list[tuple[str, float]],
    baseline: float | None = None,
    target: float | None = None,
    labels: tuple[str, str] = ("", ""),
    description: str = "",
) -> str:
    """A line of measured ``points`` (label, value) with the baseline and target drawn flat;
    ``labels`` names those two lines in the legend, ``description`` (by default the title)
    becomes the SVG's own title."""
    chart = pygal.Line(
        style=Style(**{**STYLE.to_dict(), "colors": ("#1d4f91", "#7b8794", "#2f7d32")}),
        show_legend=baseline is not None or target is not None,
        legend_at_bottom=True,
        print_values=False,
        disable_xml_declaration=True,
        js=[],
        width=720,
        height=300,
        explicit_size=False,
        margin=8,
        dots_size=4,
        x_label_rotation=0,
        truncate_label=-1,
    )
    chart.x_labels = [label for label, _ in points]
    chart.add(title, [float(value) for _, value in points])
    if baseline is not None:
        chart.add(
            labels[0],
            [float(baseline)] * len(points),
            show_dots=False,
            stroke_style={"dasharray": "6,4"},
        )
    if target is not None:
        chart.add(
            labels[1],
            [float(target)] * len(points),
            show_dots=False,
            stroke_style={"dasharray": "2,4"},
        )
    return _inline(chart, description or title)


LEGEND_ID = re.compile(r' id="activate-serie-\d+"')


def _inline(chart, description: str) -> str:
    """The chart as inline SVG markup, hidden from screen readers on a page (which has the
    figures); a tagged PDF reads its title, so that says what the chart shows.

    pygal writes its tooltip configuration as an inline script, which nothing needs, and
    gives every chart's legend entries the same ids, which repeat when a page or a PDF shows
    several charts; both go.
    """
    svg = re.sub(r"<script.*?</script>", "", chart.render(is_unicode=True), flags=re.S)
    svg = LEGEND_ID.sub("", svg)
    svg = svg.replace("<title>Pygal</title>", f"<title>{escape(description)}</title>", 1)
    return mark_safe(svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1))
