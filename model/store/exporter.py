"""Export the evidence and planning tables as CSV files or one Excel workbook.

Columns and cell text follow the importer's conventions exactly, so an export
re-imports to identical rows. Text that a spreadsheet would run as a formula
(starting with = + - @) is prefixed with a quote, which the importer removes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import Engine, select

from model.formatting.cells import cell_text, neutralise
from model.formatting.i18n import _
from model.store.db import transaction
from model.store.importer import SPECS, TableSpec

Table = tuple[list[str], list[list[str]]]


def export_table(engine: Engine, spec: TableSpec, dataset: str | None = None) -> Table:
    """Header and text rows of one table (per-dataset tables carry a ``dataset`` column)."""
    columns = list(spec.columns)
    header = (["dataset"] if spec.per_dataset else []) + columns
    stmt = select(spec.orm)
    if spec.per_dataset and dataset is not None:
        stmt = stmt.where(spec.orm.dataset == dataset)  # type: ignore[attr-defined]
    key_cols = (["dataset"] if spec.per_dataset else []) + [spec.orm_column(k) for k in spec.key]
    stmt = stmt.order_by(*(getattr(spec.orm, c) for c in key_cols))
    rows: list[list[str]] = []
    with transaction(engine) as s:
        for obj in s.scalars(stmt):
            values = [getattr(obj, spec.orm_column(c)) for c in columns]
            prefix = [obj.dataset] if spec.per_dataset else []  # type: ignore[attr-defined]
            rows.append([neutralise(cell_text(v)) for v in prefix + values])
    return header, rows


def export_all(engine: Engine, dataset: str | None = None) -> dict[str, Table]:
    return {spec.name: export_table(engine, spec, dataset) for spec in SPECS}


def csv_bytes(table: Table) -> bytes:
    header, rows = table
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def xlsx_bytes(tables: dict[str, Table]) -> bytes:
    """One sheet per table; every cell is written as text so nothing is reinterpreted."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, (header, rows) in tables.items():
        ws = wb.create_sheet(title=name[:31])
        ws.append(header)
        for row in rows:
            # Excel cannot store control characters; drop them rather than fail the export.
            ws.append([ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_directory(
    engine: Engine, directory: Path, fmt: str = "csv", dataset: str | None = None
) -> Sequence[Path]:
    """Write every table to ``directory`` (CSV files, or one ``fomento-export.xlsx``)."""
    directory.mkdir(parents=True, exist_ok=True)
    tables = export_all(engine, dataset)
    if fmt == "xlsx":
        path = directory / "fomento-export.xlsx"
        path.write_bytes(xlsx_bytes(tables))
        return [path]
    if fmt != "csv":
        raise ValueError(_("--format must be csv or xlsx, not '{format}'").format(format=fmt))
    written = []
    for name, table in tables.items():
        path = directory / f"{name}.csv"
        path.write_bytes(csv_bytes(table))
        written.append(path)
    return written
