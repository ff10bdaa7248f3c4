"""Read CSV and Excel files into plain text tables, with messages a person can act on.

Every cell comes back as text exactly as the file holds it (trimmed); typing and
validation happen in ``model.store.importer`` against the declared schema. Row numbers
are the ones a person sees in a spreadsheet: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"


class FileRejected(ValueError):
    """The file cannot be read as a table at all (not about one row)."""


@dataclass(frozen=True)
class RawTable:
    """A table of text cells. ``rows[i]`` is at spreadsheet row ``row_numbers[i]``."""

    name: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    row_numbers: tuple[int, ...]
    # (spreadsheet row, column index) of the cells a workbook stores as numbers: they
    # are numbers already and are not read by a number format (model.formatting.parsing).
    number_cells: frozenset[tuple[int, int]] = frozenset()

    def is_number_cell(self, row_no: int, column: int) -> bool:
        """Whether the workbook stored this cell as a number (never true for a CSV)."""
        return (row_no, column) in self.number_cells


def read_tables(data: bytes, filename: str) -> list[RawTable]:
    """The tables in a CSV (one) or Excel workbook (one per non-empty sheet)."""
    if not data:
        raise FileRejected(f"{filename}: the file is empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise FileRejected(
            f"{filename}: the file is {len(data) / 2**20:.1f} MB; the limit is "
            f"{MAX_UPLOAD_BYTES / 2**20:.0f} MB"
        )
    suffix = Path(filename).suffix.lower()
    if suffix in (".xlsx", ".xlsm") or data.startswith(XLSX_MAGIC):
        return read_xlsx(data, filename)
    if suffix in (".xls", ".ods"):
        raise FileRejected(f"{filename}: only .xlsx workbooks and .csv files can be imported")
    return [read_csv(data, filename)]


def read_csv(data: bytes, filename: str) -> RawTable:
    """A UTF-8 CSV (a byte-order mark is fine); leading lines starting with # are notes."""
    if b"\x00" in data[:4096]:
        raise FileRejected(f"{filename}: this is not a text CSV file (it contains binary data)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRejected(
            f"{filename}: the text is not UTF-8 (undecodable byte at position {exc.start}); "
            "save it as 'CSV UTF-8' and try again"
        ) from None
    if "\x00" in text:
        raise FileRejected(f"{filename}: this is not a text CSV file (it contains binary data)")
    lines = text.splitlines(keepends=True)
    skipped = 0
    while skipped < len(lines) and lines[skipped].lstrip().startswith("#"):
        skipped += 1
    body = "".join(lines[skipped:])
    try:
        records = list(csv.reader(io.StringIO(body, newline="")))
    except csv.Error as exc:
        raise FileRejected(f"{filename}: not a readable CSV file ({exc})") from None
    return _to_table(Path(filename).stem, records, first_row=skipped + 1, filename=filename)


def read_xlsx(data: bytes, filename: str) -> list[RawTable]:
    """Each non-empty sheet of an .xlsx workbook; cells rendered as text."""
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileRejected(
            f"{filename}: not an Excel .xlsx workbook ({type(exc).__name__})"
        ) from None
    tables: list[RawTable] = []
    try:
        for ws in wb.worksheets:
            numeric: set[tuple[int, int]] = set()
            records = [
                _row_text(row, row_no, numeric)
                for row_no, row in enumerate(ws.iter_rows(values_only=True), start=1)
            ]
            if not any(any(c for c in r) for r in records):
                continue
            table = _to_table(ws.title, records, first_row=1, filename=filename)
            tables.append(replace(table, number_cells=frozenset(numeric)))
    finally:
        wb.close()
    if not tables:
        raise FileRejected(f"{filename}: the workbook has no data")
    return tables


def _row_text(row: Sequence[object], row_no: int, numeric: set[tuple[int, int]]) -> list[str]:
    for i, v in enumerate(row):
        if isinstance(v, int | float) and not isinstance(v, bool):
            numeric.add((row_no, i))
    return [_cell_text(v) for v in row]


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, datetime | date):
        return v.isoformat()
    return str(v)


def _to_table(name: str, records: list[list[str]], first_row: int, filename: str) -> RawTable:
    # Skip blank lines before the header, keep row numbers true to the file.
    start = 0
    while start < len(records) and not any(c.strip() for c in records[start]):
        start += 1
    if start >= len(records):
        raise FileRejected(f"{filename}: the file has no header row and no data")
    header = tuple(c.strip() for c in records[start])
    while header and not header[-1]:
        header = header[:-1]
    if not header:
        raise FileRejected(f"{filename}: the header row is empty")
    for i, col in enumerate(header, start=1):
        if not col:
            raise FileRejected(f"{filename}: header column {i} has no name")
    dupes = sorted({c for c in header if header.count(c) > 1})
    if dupes:
        raise FileRejected(f"{filename}: the header repeats column(s) {', '.join(dupes)}")
    rows: list[tuple[str, ...]] = []
    numbers: list[int] = []
    for offset, rec in enumerate(records[start + 1 :], start=start + 1):
        cells = [c.strip() for c in rec]
        if not any(cells):
            continue
        row_no = first_row + offset
        if len(cells) > len(header) and any(cells[len(header) :]):
            raise FileRejected(
                f"{filename}: row {row_no} has {len(cells)} cells but the header has "
                f"{len(header)} columns"
            )
        cells = (cells + [""] * len(header))[: len(header)]
        rows.append(tuple(cells))
        numbers.append(row_no)
    if not rows:
        raise FileRejected(f"{filename}: the file has a header but no data rows")
    return RawTable(name=name, header=header, rows=tuple(rows), row_numbers=tuple(numbers))
