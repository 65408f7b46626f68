"""Plotly figure dicts for the training screen (the chart contract of components/chart.html). Pure: no ORM.

Each builder returns `(figure, table)`: the figure for plotly.js and the same numbers as a table,
so every chart has its numbers one click away.
"""

from urllib.parse import urlencode

from django.utils.translation import gettext as _

from core.numbers import percent
from training.compliance import ModuleStats

GOOD = "#1f7a4d"
BAD = "#b42318"
ACCENT = "#2f5bd3"
MUTED = "#8a93a3"
FONT = {"family": "Inter, Segoe UI, system-ui, sans-serif", "size": 12, "color": "#1b2130"}


def _layout(height: int, **extra) -> dict:
    return {
        "height": height,
        "margin": {"l": 8, "r": 16, "t": 8, "b": 36},
        "font": FONT,
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "showlegend": False,
        **extra,
    }


def _label(stat: ModuleStats) -> str:
    return f"{stat.module.title} (v{stat.module.version})"


def pass_rates(stats: list[ModuleStats], scope: dict | None = None) -> tuple[dict, dict]:
    """Horizontal bars: share of the people who must take each module that passed it (completion).
    Each bar opens the module's rows on /training/results/ (`scope`: the page's filters)."""
    ordered = sorted(stats, key=lambda s: (s.completion is None, s.completion or 0))
    labels = [_label(s) for s in ordered]
    values = [percent(s.completion) for s in ordered]
    figure = {
        "data": [
            {
                "meta": {
                    "links": [
                        f"/training/results/?{urlencode({'module': s.module.id} | (scope or {}))}" for s in ordered
                    ]
                },
                "type": "bar",
                "orientation": "h",
                "y": labels,
                "x": values,
                "text": [
                    f"{v}% · {s.passed}/{s.required}" if v is not None else "—"
                    for v, s in zip(values, ordered, strict=True)
                ],
                # Short bars cannot hold their label: write it beside them so 0% still reads "0% · 0/3".
                "textposition": ["inside" if (v or 0) >= 25 else "outside" for v in values],
                "cliponaxis": False,
                "marker": {"color": [GOOD if (v or 0) >= 80 else ACCENT if (v or 0) >= 50 else BAD for v in values]},
                "hovertemplate": "%{y}: %{x}%<extra></extra>",
            }
        ],
        "layout": _layout(
            max(200, 26 * len(ordered) + 50),
            xaxis={"range": [0, 100], "ticksuffix": "%", "gridcolor": "#e1e4ea"},
            yaxis={"automargin": True},
        ),
    }
    table = {
        "columns": [
            _("Module"),
            _("Required"),
            _("Passed"),
            _("Failed"),
            _("Missing"),
            _("Outdated"),
            _("Completion"),
            _("Pass rate"),
        ],
        "rows": [
            [
                _label(s),
                s.required,
                s.passed,
                s.failed,
                s.missing,
                s.outdated,
                _pct(s.completion),
                _pct(s.pass_rate),
            ]
            for s in reversed(ordered)
        ],
    }
    return figure, table


def score_distributions(stats: list[ModuleStats]) -> tuple[dict, dict]:
    """One box per module: the current-version test scores, with the passing score in the hover."""
    with_scores = [s for s in stats if s.scores]
    figure = {
        "data": [
            {
                "type": "box",
                "name": _label(s),
                "x": [float(score) for score in s.scores],
                "boxpoints": "outliers",
                "marker": {"color": ACCENT},
                "line": {"color": ACCENT},
                "hoverinfo": "x",
            }
            for s in with_scores
        ],
        "layout": _layout(
            max(200, 26 * len(with_scores) + 50),
            xaxis={"range": [0, 100], "title": {"text": _("Test score")}, "gridcolor": "#e1e4ea"},
            yaxis={"automargin": True},
        ),
    }
    table = {
        "columns": [_("Module"), _("Scores"), _("Lowest"), _("Average"), _("Highest"), _("Passing score")],
        "rows": [
            [_label(s), len(s.scores), min(s.scores), s.average_score, max(s.scores), s.module.passing_score]
            for s in with_scores
        ],
    }
    return figure, table


def _pct(value) -> str:
    shown = percent(value)
    return "—" if shown is None else f"{shown}%"
