"""The training charts follow the chart contract and carry their numbers."""

from decimal import Decimal

from training.charts import pass_rates, score_distributions
from training.compliance import ModuleFacts, ModuleStats


def stat(title, required, passed, failed=0, scores=()):
    module = ModuleFacts(len(title), title, "AM", 1, 80, frozenset({"account_manager"}))
    return ModuleStats(module, required=required, passed=passed, failed=failed, scores=[Decimal(s) for s in scores])


def test_pass_rates_are_sorted_labelled_and_tabled():
    figure, table = pass_rates([stat("Goals", 4, 3, 1, [90, 85, 80, 50]), stat("Risk", 3, 0)])
    bar = figure["data"][0]
    assert bar["y"] == ["Risk (v1)", "Goals (v1)"]  # lowest first: plotly draws it at the bottom
    assert bar["x"] == [0, 75]
    assert bar["text"] == ["0% · 0/3", "75% · 3/4"]
    assert bar["textposition"] == ["outside", "inside"]
    assert table["rows"][0] == ["Goals (v1)", 4, 3, 1, 0, 0, "75%", "75%"]
    assert table["rows"][1][-2:] == ["0%", "—"]


def test_score_distributions_draw_one_box_per_module_with_scores():
    figure, table = score_distributions([stat("Goals", 4, 3, 1, [90, 85, 80, 50]), stat("Risk", 3, 0)])
    assert [trace["name"] for trace in figure["data"]] == ["Goals (v1)"]
    assert figure["data"][0]["x"] == [90.0, 85.0, 80.0, 50.0]
    assert table["rows"] == [["Goals (v1)", 4, Decimal(50), Decimal("76.3"), Decimal(90), 80]]
