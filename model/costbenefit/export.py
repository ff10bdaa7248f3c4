"""The metrics table as an Excel workbook: metrics, their sources, and the assumptions used.

The ``metrics`` sheet has the same columns and rows as ``fomento evidence
--format csv`` (``metrics_table``); numbers stay numbers so a donor can sort and
sum, and text cells are neutralised against formula injection exactly as the
data export does (``model.store.exporter.neutralise``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook

from model.costbenefit.documents import document_title
from model.costbenefit.results import ProgrammeMetrics
from model.costbenefit.table import COLUMNS, metrics_table
from model.formatting.cells import neutralise
from model.formatting.i18n import N_, _

SOURCE_COLUMNS: tuple[str, ...] = (
    "programme_id",
    "metric",
    "qualifier",
    "evidence_id",
    "document",
    "source_file",
    "passage",
)
# Marked: the sheets are named in the reader's language (nothing reads them back).
SHEETS: tuple[str, ...] = (N_("metrics"), N_("sources"), N_("assumptions"))

Cell = str | float | int | None


@dataclass(frozen=True)
class Assumptions:
    """The settings the metrics were computed with.

    ``price_year`` None = nominal US$ of each figure's own year; ``discount_rate``
    is a share per year (0.05 = 5 %); ``horizon_years`` the years discounted;
    ``deflator_source`` names the price index used to convert.
    """

    price_year: int | None
    discount_rate: float
    horizon_years: int
    deflator_source: str

    def rows(self) -> list[tuple[str, Cell, str]]:
        price = "nominal" if self.price_year is None else self.price_year
        return [
            # Setting names stay keys; the meanings are read by people.
            (
                "price_year",
                price,
                _("constant US$ of this year; nominal = each figure's own year"),
            ),
            ("discount_rate", self.discount_rate, _("share per year, used by NPV")),
            ("horizon_years", self.horizon_years, _("years of cash flows discounted")),
            ("deflator_source", self.deflator_source, _("price index for constant dollars")),
        ]


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, int | float):
        return value
    return neutralise(str(value))


def metrics_xlsx(pms: Sequence[ProgrammeMetrics], assumptions: Assumptions) -> bytes:
    """The workbook bytes: sheets ``metrics``, ``sources`` and ``assumptions``."""
    wb = Workbook()
    wb.remove(wb.active)
    metrics = wb.create_sheet(_(SHEETS[0]))
    metrics.append(list(COLUMNS))
    for row in metrics_table(pms):
        metrics.append([_cell(row[c]) for c in COLUMNS])  # type: ignore[literal-required]
    sources = wb.create_sheet(_(SHEETS[1]))
    sources.append(list(SOURCE_COLUMNS))
    for pm in pms:
        for m in pm.metrics:
            for s in m.sources:
                cells = (pm.programme_id, m.key, m.qualifier, s.evidence_id)
                cited = (document_title(s.file), s.file, s.passage)
                sources.append([_cell(c) for c in (*cells, *cited)])
    settings = wb.create_sheet(_(SHEETS[2]))
    settings.append(["setting", "value", "meaning"])
    for name, value, meaning in assumptions.rows():
        settings.append([name, _cell(value), meaning])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
