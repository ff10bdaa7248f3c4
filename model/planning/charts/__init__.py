"""Every chart of the app, in one place, with one colour scheme and one converter.

Pure (no Streamlit). ``common``: the instrument colours (pages, brief, PDF and the
workbook's native Excel charts), sizes, ``finish`` (how a page shows a chart) and the
``svg``/``png`` converters; ``plan``: the Plan and Scenarios charts and the brief's small
charts; ``evidence``: the Evidence page; ``screening``: the NET charts of the Networks
page; ``uncertainty``: the Uncertainty page.
"""

from model.planning.charts.common import (
    INSTRUMENT_COLOURS,
    PNG_SCALE,
    SCHEME,
    finish,
    instrument_scale,
    png,
    svg,
)
from model.planning.charts.evidence import range_chart, recovery_chart
from model.planning.charts.plan import (
    benefit_vs_cost,
    binding_rules_chart,
    brief_charts,
    candidate_records,
    figure_text,
    funding_by_region,
    funding_by_year,
    metric_records,
    moved_chart,
    rule_label,
    rule_records,
    sweep,
    totals_chart,
)
from model.planning.charts.screening import benchmark_chart, net_heatmap, net_history_chart

__all__ = [
    "INSTRUMENT_COLOURS",
    "PNG_SCALE",
    "SCHEME",
    "benchmark_chart",
    "benefit_vs_cost",
    "binding_rules_chart",
    "brief_charts",
    "candidate_records",
    "figure_text",
    "finish",
    "funding_by_region",
    "funding_by_year",
    "instrument_scale",
    "metric_records",
    "moved_chart",
    "net_heatmap",
    "net_history_chart",
    "png",
    "range_chart",
    "recovery_chart",
    "rule_label",
    "rule_records",
    "svg",
    "sweep",
    "totals_chart",
]
