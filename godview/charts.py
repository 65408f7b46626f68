"""Plotly figures as plain dicts (no ORM, no plotly import): title, units, hover values, and the
table of the same numbers for `components/chart.html`. static/js/charts.js draws them.
"""

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.numbers import percent, whole

RISK_COLOURS = {1: "#b42318", 2: "#e07a1f", 3: "#c9a400", 4: "#1f7a4d", None: "#9aa3b2"}
RISK_WORDS = {1: "Critical", 2: "High", 3: "Moderate", 4: "Low", None: "Not assessed"}
FONT = {"family": "Inter, Segoe UI, system-ui, sans-serif", "size": 12, "color": "#1b2130"}


def _layout(title: str, **extra) -> dict:
    layout = {
        "title": {"text": title, "font": {"size": 13}, "x": 0, "xanchor": "left"},
        "font": FONT,
        "margin": {"l": 48, "r": 12, "t": 36, "b": 36},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "height": 260,
        "hoverlabel": {"font": {"size": 12}},
        "legend": {"orientation": "h", "y": -0.18},
        "xaxis": {"gridcolor": "#eef0f4", "zeroline": False},
        "yaxis": {"gridcolor": "#eef0f4", "zeroline": False},
    }
    layout.update(extra)
    return layout


def linked(trace: dict, links: list[str]) -> dict:
    """The trace with a link per point: a click on a point opens the rows behind it (charts.js)."""
    return trace | {"meta": {"links": links}}


def risk_distribution(rows: list[dict], filters: dict | None = None) -> tuple[dict, dict]:
    """Active clients by current risk score; each bar opens its clients (`/clients/?risk=`) in the
    same filters."""
    labels = [f"{r['score'] or '–'} · {_(RISK_WORDS[r['score']])}" for r in rows]
    links = [f"/clients/?{urlencode((filters or {}) | {'risk': r['score'] or 'none'})}" for r in rows]
    figure = {
        "data": [
            linked(
                {
                    "type": "bar",
                    "x": labels,
                    "y": [r["clients"] for r in rows],
                    "marker": {"color": [RISK_COLOURS[r["score"]] for r in rows]},
                    "customdata": [float(r["mrr"]) for r in rows],
                    "hovertemplate": "%{x}<br>%{y} clients<br>MRR %{customdata:,.0f}<extra></extra>",
                    "text": [r["clients"] for r in rows],
                    "textposition": "outside",
                    "cliponaxis": False,
                },
                links,
            )
        ],
        "layout": _layout(_("Active clients by current risk score"), yaxis={"title": {"text": _("clients")}}),
    }
    table = {
        "columns": [_("Risk score"), _("Clients"), _("MRR")],
        "rows": [[label, r["clients"], whole(r["mrr"])] for label, r in zip(labels, rows, strict=True)],
    }
    return figure, table


def risk_trend(points: list[dict]) -> tuple[dict, dict]:
    points = [p for p in points if p["active"]]  # weeks before the first rollup have no snapshot
    dates = [p["date"].isoformat() for p in points]
    data = []
    for score in (1, 2, 3, 4):
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "stackgroup": "risk",
                "name": f"{score} · {_(RISK_WORDS[score])}",
                "x": dates,
                "y": [p["counts"].get(score, 0) for p in points],
                "line": {"color": RISK_COLOURS[score], "width": 1},
                "hovertemplate": "%{x}: %{y} clients<extra>%{fullData.name}</extra>",
            }
        )
    figure = {
        "data": data,
        "layout": _layout(_("Risk trend (active clients, weekly)"), yaxis={"title": {"text": _("clients")}}),
    }
    table = {
        "columns": [_("Week ending"), *[f"{s} · {_(RISK_WORDS[s])}" for s in (1, 2, 3, 4)]],
        "rows": [[p["date"].isoformat(), *[p["counts"].get(s, 0) for s in (1, 2, 3, 4)]] for p in points],
    }
    return figure, table


def goal_heatmap(heatmap: dict, title: str | None = None) -> tuple[dict, dict]:
    weeks = [f"{m.day} {m:%b}" for m in heatmap["weeks"]]  # the short date style: "7 Sep"
    names = [str(row["pod"]) if row["pod"] else _("No pod") for row in heatmap["rows"]]
    z, text, links = [], [], []
    name = "am" if heatmap.get("by") == "am" else "pod"
    for row in heatmap["rows"]:
        z.append([percent(hit / due) if due else None for _m, hit, due in row["cells"]])
        text.append([f"{hit}/{due}" if due else _("no goals") for _m, hit, due in row["cells"]])
        # Each cell opens its goals (charts.js follows a point's customdata link on click).
        key = f"{name}={row['key']}&" if row.get("key") else ""
        links.append([f"/goals/?{key}week={m.isoformat()}" for m, _hit, _due in row["cells"]])
    figure = {
        "data": [
            {
                "type": "heatmap",
                "x": weeks,
                "y": names,
                "z": z,
                "text": text,
                "customdata": links,
                "zmin": 0,
                "zmax": 100,
                "colorscale": [[0, "#b42318"], [0.6, "#f2c94c"], [0.85, "#8fd19e"], [1, "#1f7a4d"]],
                "colorbar": {"title": {"text": "%"}, "thickness": 10},
                "hovertemplate": "%{y}, week of %{x}<br>%{z}% hit (%{text})<extra></extra>",
                "xgap": 2,
                "ygap": 2,
            }
        ],
        "layout": _layout(
            title or _("Weekly goal hit rate by pod (%)"),
            height=max(170, 100 + 28 * len(names)),
            yaxis={"automargin": True, "autorange": "reversed"},
            xaxis={"type": "category", "title": {"text": _("week starting")}},
            margin={"l": 80, "r": 12, "t": 36, "b": 48},
        ),
    }
    table = {
        "columns": [_("Who"), *weeks],
        "rows": [[name, *cells] for name, cells in zip(names, text, strict=True)],
    }
    return figure, table


def line(
    title: str,
    unit: str,
    points: list[tuple[dt.date, Decimal | float | int]],
    colour: str = "#2f5bd3",
    step: bool = False,
) -> tuple[dict, dict]:
    xs = [p[0].isoformat() for p in points]
    ys = [float(p[1]) for p in points]
    trace = {
        "type": "scatter",
        "mode": "lines+markers",
        "x": xs,
        "y": ys,
        "line": {"color": colour, "width": 2, **({"shape": "hv"} if step else {})},
        "marker": {"size": 5},
        "hovertemplate": "%{x}: %{y:,.0f} " + unit + "<extra></extra>",
    }
    figure = {"data": [trace], "layout": _layout(title, yaxis={"title": {"text": unit}})}
    table = {"columns": [_("Date"), unit], "rows": [[x, whole(y)] for x, y in zip(xs, ys, strict=True)]}
    return figure, table


def risk_history(points: list[tuple[dt.datetime, int]]) -> tuple[dict, dict]:
    figure, table = line(_("Risk score history (1 = highest risk)"), _("risk score"), points, "#b54708", step=True)
    figure["layout"]["yaxis"].update(range=[0.5, 4.5], dtick=1)
    return figure, table


LEAD_BUCKETS = ((0, 7), (8, 30), (31, 60), (61, 90), (91, 180), (181, None))
# The accent of app.css (--accent) for the widest horizon and two tints of it for the nearer ones:
# one hue, so the bars read as the same churns seen from further ahead.
HORIZON_COLOURS = {30: "#a9bdf0", 60: "#6d8de0", 90: "#2f5bd3"}


def lead_bucket(bucket: tuple[int, int | None]) -> str:
    """A lead-time bar as the lab's `?lead=` names it: "8-30", "181-"."""
    low, high = bucket
    return f"{low}-{high if high is not None else ''}"


def lead_label(bucket: tuple[int, int | None]) -> str:
    """A lead-time bar as the chart labels it: "8–30", "181+"."""
    low, high = bucket
    return f"{low}–{high}" if high is not None else f"{low}+"


def lead_time_distribution(leads_by_horizon: dict[int, list[int]], query: str) -> tuple[dict, dict]:
    """Caught churns by lead time, one bar series per horizon, and the same counts as a table. Each
    bar opens its churns (`/lab/clients/?…&horizon=&lead=`, `query` the signal, kind and period)."""
    labels = [lead_label(b) for b in LEAD_BUCKETS]

    def counts(leads: list[int]) -> list[int]:
        return [sum(low <= x and (high is None or x <= high) for x in leads) for low, high in LEAD_BUCKETS]

    series = {h: counts(leads) for h, leads in leads_by_horizon.items()}
    figure = {
        "data": [
            linked(
                {
                    "type": "bar",
                    "name": _("caught at %(h)s days") % {"h": h},
                    "x": labels,
                    "y": ys,
                    "marker": {"color": HORIZON_COLOURS.get(h, "#2f5bd3")},
                    "hovertemplate": "%{x} " + _("days") + ": %{y}<extra>%{fullData.name}</extra>",
                },
                [f"/lab/clients/?{query}&horizon={h}&lead={lead_bucket(b)}" for b in LEAD_BUCKETS],
            )
            for h, ys in series.items()
        ],
        "layout": _layout(
            _("Caught churns by lead time (days)"),
            barmode="group",
            yaxis={"title": {"text": _("churns")}},
        ),
    }
    table = {
        "columns": [_("Lead time (days)")] + [_("caught at %(h)s days") % {"h": h} for h in series],
        "rows": [[label, *(ys[i] for ys in series.values())] for i, label in enumerate(labels)],
    }
    return figure, table


# Above the plot, right: long month axes tilt their labels into a legend placed below.
TOP = {"orientation": "h", "x": 1, "xanchor": "right", "y": 1.18}


def revolving_door(
    months: list[tuple[dt.date, int, int, Decimal, Decimal]], links: dict[str, list[str]]
) -> tuple[dict, dict]:
    """Clients in and out, and MRR added and lost, per month: (month, new, lost, added, lost MRR).
    Each bar opens its clients or revenue events: `links[kind]`, one a month."""
    labels = [m[0].strftime("%b %y") for m in months]

    def bars(name: str, ys: list, colour: str, unit: str, kind: str) -> dict:
        return linked(
            {
                "type": "bar",
                "name": name,
                "x": labels,
                "y": ys,
                "marker": {"color": colour},
                "hovertemplate": "%{x}: %{y:,.0f} " + unit + "<extra>" + name + "</extra>",
            },
            links[kind],
        )

    clients = {
        "data": [
            bars(_("new clients"), [m[1] for m in months], "#1f7a4d", _("clients"), "new"),
            bars(_("lost clients"), [-m[2] for m in months], "#b42318", _("clients"), "lost"),
        ],
        "layout": _layout(
            _("Clients in and out per month"), barmode="relative", yaxis={"title": {"text": _("clients")}}, legend=TOP
        ),
    }
    mrr = {
        "data": [
            bars(_("MRR added"), [float(m[3]) for m in months], "#2f5bd3", _("MRR"), "mrr_added"),
            bars(_("MRR lost"), [-float(m[4]) for m in months], "#e07a1f", _("MRR"), "mrr_lost"),
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("net MRR"),
                "x": labels,
                "y": [float(m[3] - m[4]) for m in months],
                "line": {"color": "#1b2130", "width": 2},
                "hovertemplate": "%{x}: %{y:,.0f}<extra>net</extra>",
            },
        ],
        "layout": _layout(
            _("MRR added and lost per month"), barmode="relative", yaxis={"title": {"text": _("MRR")}}, legend=TOP
        ),
    }
    return clients, mrr


def lost_mrr_by_month(months: list[tuple[dt.date, int, Decimal]], links: list[str]) -> tuple[dict, dict]:
    """Churned clients' lost MRR per month (bars) with the count in the hover, each bar opening that
    month's churned clients (`links`); and its table."""
    labels = [m[0].strftime("%b %Y") for m in months]
    figure = {
        "data": [
            linked(
                {
                    "type": "bar",
                    "x": labels,
                    "y": [float(m[2]) for m in months],
                    "customdata": [m[1] for m in months],
                    "marker": {"color": "#b42318"},
                    "hovertemplate": "%{x}: %{y:,.0f} MRR lost<br>%{customdata} clients<extra></extra>",
                },
                links,
            )
        ],
        "layout": _layout(_("Lost MRR by month"), yaxis={"title": {"text": _("MRR")}}),
    }
    table = {
        "columns": [_("Month"), _("Clients churned"), _("Lost MRR")],
        "rows": [[label, m[1], whole(m[2])] for label, m in zip(labels, months, strict=True)],
    }
    return figure, table


def pod_utilisation(weeks: list[dt.date], pods: list[tuple[str, list]], limit: Decimal) -> tuple[dict, dict]:
    """Each pod's utilisation per week (lines) against the over-capacity limit (dashed)."""
    xs = [date_format(w, "j M") for w in weeks]
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": name,
            "x": xs,
            "y": [percent(u) for u in values],
            "hovertemplate": "%{x}: %{y}%<extra>" + name + "</extra>",
        }
        for name, values in pods
    ]
    data.append(
        {
            "type": "scatter",
            "mode": "lines",
            "name": _("limit"),
            "x": xs,
            "y": [percent(limit)] * len(xs),
            "line": {"color": "#b42318", "dash": "dash", "width": 1},
            "hoverinfo": "skip",
        }
    )
    figure = {
        "data": data,
        "layout": _layout(
            _("Utilisation per week (hours logged ÷ capacity)"),
            yaxis={"title": {"text": "%"}, "rangemode": "tozero"},
            xaxis={"title": {"text": _("week starting")}, "type": "category"},
        ),
    }
    table = {
        "columns": [_("Pod"), *xs],
        "rows": [[name, *[f"{percent(u)}%" if u is not None else "—" for u in values]] for name, values in pods],
    }
    return figure, table
