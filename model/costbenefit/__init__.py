"""The cost-benefit engine: metrics with ranges, formulas and sources per programme.

Entry points: ``model.store.evidence_files.load_csv_dataset`` (or the database
layer) gives an
``EvidenceDataset``; ``compute_programme_metrics`` turns it into
``ProgrammeMetrics``; ``metrics_table`` flattens those for the page and the CLI.
"""

from model.costbenefit.dataset import EvidenceDataset
from model.costbenefit.engine import compute_programme_metrics
from model.costbenefit.formulas import (
    annualise,
    annuity_factor,
    bcr,
    cagr,
    cagr_range,
    cost_per_unit,
    cost_recovery_path,
    deflate,
    deflate_factor,
    irr,
    leverage,
    npv,
    npv_range,
    public_share_path,
    return_per_dollar,
)
from model.costbenefit.ranges import Range, as_range
from model.costbenefit.results import ComputedMetric, ProgrammeMetrics, Source
from model.costbenefit.table import MetricRow, metrics_table, shown_value

__all__ = [
    "ComputedMetric",
    "EvidenceDataset",
    "MetricRow",
    "ProgrammeMetrics",
    "Range",
    "Source",
    "annualise",
    "annuity_factor",
    "as_range",
    "bcr",
    "cagr",
    "cagr_range",
    "compute_programme_metrics",
    "cost_per_unit",
    "cost_recovery_path",
    "deflate",
    "deflate_factor",
    "irr",
    "leverage",
    "metrics_table",
    "npv",
    "npv_range",
    "public_share_path",
    "return_per_dollar",
    "shown_value",
]
