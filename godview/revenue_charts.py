"""The revenue screen's Plotly figures, plain dicts (no ORM), each with the table of its numbers."""

from django.utils.translation import gettext as _

from core.numbers import half_up, money_text, percent_text
from godview.charts import _layout, linked
from godview.revenue import MonthFigures

BLUE, GREEN, RED, GREY = "#2f5bd3", "#1f7a4d", "#b42318", "#667085"


def _trace(name: str, xs: list[str], ys: list, colour: str, kind: str = "scatter", fmt: str = ",.0f") -> dict:
    trace = {"type": kind, "name": name, "x": xs, "y": ys, "marker": {"color": colour}}
    if kind == "scatter":
        trace.update(mode="lines+markers", line={"color": colour, "width": 2}, connectgaps=False)
    trace["hovertemplate"] = "%{x}: %{y:" + fmt + "}<extra>" + name + "</extra>"
    return trace


def _pct(value: float | None) -> float | None:
    return None if value is None else float(half_up(value * 100, 1))


def _figure(title: str, traces: list[dict], unit: str) -> dict:
    return {"data": traces, "layout": _layout(title, yaxis={"title": {"text": unit}, "gridcolor": "#eef0f4"})}


def revenue_charts(rows: list[MonthFigures], qs: str = "") -> list[dict]:
    """One figure and table per chart: MRR, NRR and GRR, logo churn, CLV, margin, NPS. Each point
    opens the month's rows behind it (`/revenue/rows/?figure=…&month=…`, `qs` the pod filter)."""
    xs = [r.month.key for r in rows]
    month = _("Month")

    def rows_of(figure: str, trace: dict) -> dict:
        return linked(trace, [f"/revenue/rows/?figure={figure}&month={x}{qs}" for x in xs])

    return [
        {
            "id": "revenue-mrr",
            "title": _("MRR"),
            "figure": _figure(
                _("MRR at each month's end"),
                [rows_of("mrr", _trace(_("MRR"), xs, [float(r.mrr) for r in rows], BLUE, "bar"))],
                _("MRR"),
            ),
            "table": {
                "columns": [month, _("MRR"), _("Added"), _("Removed")],
                "rows": [[r.month.key, money_text(r.mrr), money_text(r.added), money_text(r.removed)] for r in rows],
            },
        },
        {
            "id": "revenue-retention",
            "title": _("NRR and GRR (12 months)"),
            "figure": _figure(
                _("NRR and GRR (12 months)"),
                [
                    rows_of("nrr", _trace(_("NRR"), xs, [_pct(r.nrr) for r in rows], BLUE, fmt=".1f")),
                    rows_of("grr", _trace(_("GRR"), xs, [_pct(r.grr) for r in rows], GREEN, fmt=".1f")),
                ],
                "%",
            ),
            "table": {
                "columns": [month, _("NRR"), _("GRR")],
                "rows": [[r.month.key, percent_text(r.nrr), percent_text(r.grr)] for r in rows],
            },
        },
        {
            "id": "revenue-churn",
            "title": _("Logo churn"),
            "figure": _figure(
                _("Logo churn per month"),
                [rows_of("churn", _trace(_("Logo churn"), xs, [_pct(r.logo_churn) for r in rows], RED, "bar", ".1f"))],
                "%",
            ),
            "table": {
                "columns": [month, _("Logo churn"), _("Churned"), _("Active at the start")],
                "rows": [[r.month.key, percent_text(r.logo_churn), r.churned, r.active_at_start] for r in rows],
            },
        },
        {
            "id": "revenue-clv",
            "title": _("CLV"),
            "figure": _figure(
                _("CLV"),
                [rows_of("clv", _trace(_("CLV"), xs, [None if r.clv is None else float(r.clv) for r in rows], BLUE))],
                _("CLV"),
            ),
            "table": {"columns": [month, _("CLV")], "rows": [[r.month.key, money_text(r.clv)] for r in rows]},
        },
        {
            "id": "revenue-margin",
            "title": _("Margin"),
            "figure": _figure(
                _("Margin: MRR − cost of hours"),
                [
                    rows_of("margin", _trace(_("Margin"), xs, [float(r.margin) for r in rows], GREEN, "bar")),
                    rows_of("margin", _trace(_("Cost of hours"), xs, [float(r.cost) for r in rows], GREY, "bar")),
                ],
                _("MRR"),
            ),
            "table": {
                "columns": [month, _("MRR"), _("Cost of hours"), _("Margin")],
                "rows": [[r.month.key, money_text(r.mrr), money_text(r.cost), money_text(r.margin)] for r in rows],
            },
        },
        {
            "id": "revenue-nps",
            "title": _("NPS"),
            "figure": _figure(
                _("NPS (promoters − detractors)"),
                [
                    rows_of(
                        "nps",
                        _trace(
                            _("NPS"), xs, [None if r.nps is None else round(r.nps, 1) for r in rows], BLUE, fmt=".0f"
                        ),
                    )
                ],
                _("points"),
            ),
            "table": {
                "columns": [month, _("NPS"), _("Responses")],
                "rows": [[r.month.key, "—" if r.nps is None else str(half_up(r.nps)), r.nps_responses] for r in rows],
            },
        },
    ]
