"""Read CSV and Excel files into plain text tables, with messages a person can act on.

Every cell comes back as text exactly as the file holds it (trimmed); typing and
validation happen in ``model.store.importer`` against the declared schema. Row numbers
are the ones a person sees in a spreadsheet: the header is row 1.

Uploads come from anyone who can reach a page, so reading is bounded whatever the
file claims: at most ``MAX_ROWS`` rows, ``MAX_COLUMNS`` columns and ``MAX_CELLS``
cells per file, and for a workbook at most ``MAX_UNPACKED_BYTES`` of unpacked XML,
counted while it is unpacked (the zip headers and the sheet's ``<dimension>`` tag are
not trusted). A file past a limit is refused whole with a message saying which.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.parsers import expat

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from model.formatting import numbers as fmt
from model.formatting.i18n import N_, _

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"
MAX_ROWS = 200_000  # last spreadsheet row number a table may use
MAX_COLUMNS = 200  # the widest table (candidates) has 27
MAX_CELLS = 1_000_000  # rows times their width, per file; bounds the memory a file takes
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_UNPACKED_BYTES = 64 * 1024 * 1024  # all the parts of an .xlsx, unpacked
MAX_ZIP_MEMBERS = 2_000
_CHUNK = 1 << 16
_BINARY = N_("{file}: this is not a text CSV file (it contains binary data)")
_UNPACKS = N_("the workbook unpacks to more than {most} MB")
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


class FileRejected(ValueError):
    """The file cannot be read as a table at all (not about one row)."""


@dataclass(frozen=True)
class RawTable:
    """A table of text cells. ``rows[i]`` is at spreadsheet row ``row_numbers[i]``."""

    name: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    row_numbers: tuple[int, ...]
    # Per spreadsheet row, a bit mask of the column indexes whose cells a workbook stores
    # as numbers: they are numbers already and are not read by a number format
    # (model.formatting.parsing). A mask per row, not a set of (row, column) pairs: a
    # million numeric cells would take over 100 MB as pairs.
    number_cells: Mapping[int, int] = field(default_factory=dict)

    def is_number_cell(self, row_no: int, column: int) -> bool:
        """Whether the workbook stored this cell as a number (never true for a CSV)."""
        return bool(self.number_cells.get(row_no, 0) >> column & 1)


def read_tables(data: bytes, filename: str) -> list[RawTable]:
    """The tables in a CSV (one) or Excel workbook (one per non-empty sheet)."""
    if not data:
        raise FileRejected(_("{file}: the file is empty").format(file=filename))
    if len(data) > MAX_UPLOAD_BYTES:
        raise FileRejected(
            _("{file}: the file is {size} MB; the limit is {limit} MB").format(
                file=filename,
                size=fmt.number(len(data) / 2**20, 1),
                limit=fmt.number(MAX_UPLOAD_BYTES / 2**20),
            )
        )
    suffix = Path(filename).suffix.lower()
    if suffix in (".xlsx", ".xlsm") or data.startswith(XLSX_MAGIC):
        return read_xlsx(data, filename)
    if suffix in (".xls", ".ods"):
        raise FileRejected(
            _("{file}: only .xlsx workbooks and .csv files can be imported").format(file=filename)
        )
    return [read_csv(data, filename)]


def pick_table(
    tables: Sequence[RawTable], name: str, required: Iterable[str], filename: str
) -> RawTable:
    """The sheet called ``name``, else the only or first sheet holding every ``required``
    column; a workbook whose sheets hold none of them is refused, naming the sheets."""
    named = [t for t in tables if t.name.lower() == name.lower()]
    if named:
        return named[0]
    if len(tables) == 1:
        return tables[0]
    need = set(required)
    fitting = [t for t in tables if need <= set(t.header)]
    if fitting:
        return fitting[0]
    sheets = ", ".join(f"'{t.name}'" for t in tables)
    raise FileRejected(
        _(
            "{file}: none of the sheets ({sheets}) has the columns {columns}; "
            "name the data sheet '{name}' or put the header in its first row"
        ).format(file=filename, sheets=sheets, columns=", ".join(sorted(need)), name=name)
    )


# --- CSV ---------------------------------------------------------------------------


def read_csv(data: bytes, filename: str) -> RawTable:
    """A UTF-8 CSV (a byte-order mark is fine); leading lines starting with # are notes."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data[:4096]):
        raise FileRejected(
            _(
                "{file}: the text is UTF-16 ('Unicode text'); save it as 'CSV UTF-8' and try again"
            ).format(file=filename)
        )
    if b"\x00" in data[:4096]:
        raise FileRejected(_(_BINARY).format(file=filename))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRejected(
            _(
                "{file}: the text is not UTF-8 (undecodable byte at position {position}); "
                "save it as 'CSV UTF-8' and try again"
            ).format(file=filename, position=exc.start)
        ) from None
    del data
    if "\x00" in text:
        raise FileRejected(_(_BINARY).format(file=filename))
    # Skip the leading note lines without splitting the whole text into lines.
    pos = skipped = 0
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end + 1
        if not text[pos:end].lstrip().startswith("#"):
            break
        pos, skipped = end, skipped + 1
    stream = io.StringIO(text[pos:], newline="")
    del text
    reader = csv.reader(stream, strict=True)
    first_row = skipped + 1
    return _to_table(
        Path(filename).stem, _csv_records(reader, filename, first_row), first_row, filename
    )


def _looks_utf16(head: bytes) -> bool:
    # UTF-16 text without a byte-order mark: every other byte of plain ASCII is NUL.
    if len(head) < 8:
        return False
    odd = head[1::2]
    even = head[0::2]
    return odd.count(0) > 0.8 * len(odd) or even.count(0) > 0.8 * len(even)


def _csv_records(reader: Any, filename: str, first_row: int) -> Iterator[list[str]]:
    started = 1
    while True:
        started = reader.line_num + 1
        try:
            rec = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = started + first_row - 1
            if "unexpected end of data" in str(exc) or "EOF" in str(exc):
                raise FileRejected(
                    _(
                        '{file}: the quote (") opened in line {line} is never closed; '
                        "every quoted cell needs a closing quote"
                    ).format(file=filename, line=line)
                ) from None
            if "field larger than field limit" in str(exc):
                raise FileRejected(
                    _(
                        "{file}: line {line} has a cell longer than {most} "
                        "characters (often an unclosed quote)"
                    ).format(file=filename, line=line, most=fmt.count(MAX_CELL_CHARS))
                ) from None
            raise FileRejected(
                _(
                    "{file}: line {line} is not valid CSV ({error}); a quote inside a quoted "
                    'cell must be doubled ("")'
                ).format(file=filename, line=line, error=exc)
            ) from None
        yield rec


csv.field_size_limit(MAX_CELL_CHARS * 4)


# --- Excel -------------------------------------------------------------------------


class _Stop(Exception):
    """Ends the scan of one sheet at its first problem."""


@dataclass
class _PartScan:
    """What the streaming scan learnt about one part of the workbook."""

    problem: str = ""
    shared_strings: int = 0
    formula_cells: list[str] = field(default_factory=list)
    sheets: list[tuple[str, str]] = field(default_factory=list)  # workbook: (title, r:id)
    targets: dict[str, str] = field(default_factory=dict)  # relationships: id -> target


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


class _Scanner:
    """Streams one XML part through expat with every limit checked as it goes."""

    def __init__(self, is_sheet: bool, budget: list[int]):
        self.is_sheet = is_sheet
        self.budget = budget  # [unpacked bytes left], shared by every part of the file
        self.result = _PartScan()
        self.row = 0
        self.col = 0
        self.cells = 0
        self.in_cell = False
        self.cell_ref = ""
        self.has_formula = False
        self.has_value = False
        self.text_len = 0
        p = expat.ParserCreate()
        p.StartElementHandler = self._start
        p.EndElementHandler = self._end
        p.CharacterDataHandler = self._chars
        p.StartDoctypeDeclHandler = self._doctype
        p.EntityDeclHandler = self._doctype
        self.parser = p

    def _doctype(self, *args: Any) -> None:
        raise FileRejected(_("the workbook declares XML entities (DOCTYPE), which is not allowed"))

    def _fail(self, message: str) -> None:
        self.result.problem = message
        raise _Stop

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(":")[2]
        self.text_len = 0
        if local == "si":
            self.result.shared_strings += 1
            if self.result.shared_strings > MAX_CELLS:
                self._fail(
                    _("the workbook holds more than {most} distinct texts").format(
                        most=fmt.count(MAX_CELLS)
                    )
                )
        if not self.is_sheet:
            if local == "sheet":
                rid = next((v for k, v in attrs.items() if k.endswith(":id")), "")
                self.result.sheets.append((attrs.get("name", ""), rid))
            elif local == "Relationship":
                self.result.targets[attrs.get("Id", "")] = attrs.get("Target", "")
            return
        if local == "row":
            r = attrs.get("r", "")
            self.row = int(r) if r.isdigit() else self.row + 1
            if self.row > MAX_ROWS:
                self._fail(
                    _("it has rows past row {most}, the most a file may have").format(
                        most=fmt.count(MAX_ROWS)
                    )
                )
            self.col = 0
        elif local == "c":
            ref = attrs.get("r", "")
            if ref:
                m = _REF.match(ref)
                if m is None:
                    self._fail(_("cell reference '{ref}' is not valid").format(ref=ref[:20]))
                    return
                col = _col_index(m.group(1))
            else:
                col = self.col + 1
            if col > MAX_COLUMNS:
                self._fail(
                    _(
                        "row {row} has a cell in column {letter} "
                        "(column {col}); a table may have at most {most} columns"
                    ).format(
                        row=self.row,
                        letter=get_column_letter(min(col, 16384)),
                        col=col,
                        most=MAX_COLUMNS,
                    )
                )
            self.col = max(self.col, col)
            self.cell_ref = ref or f"{get_column_letter(col)}{self.row}"
            self.in_cell = True
            self.has_formula = self.has_value = False
        elif self.in_cell and local == "f":
            self.has_formula = True
        elif self.in_cell and local in ("v", "is"):
            self.has_value = True

    def _end(self, name: str) -> None:
        if not self.is_sheet:
            return
        local = name.rpartition(":")[2]
        if local == "c":
            self.in_cell = False
            if self.has_formula and not self.has_value and len(self.result.formula_cells) < 10:
                self.result.formula_cells.append(self.cell_ref)
        elif local == "row":
            self.cells += self.col
            if self.cells > MAX_CELLS:
                self._fail(
                    _("it has more than {most} cells, the most a file may have").format(
                        most=fmt.count(MAX_CELLS)
                    )
                )

    def _chars(self, data: str) -> None:
        self.text_len += len(data)
        if self.text_len > MAX_CELL_CHARS:
            self._fail(
                _("a text is longer than {most} characters, Excel's own limit").format(
                    most=fmt.count(MAX_CELL_CHARS)
                )
            )

    def feed(self, stream: Any) -> _PartScan:
        try:
            while True:
                chunk = stream.read(_CHUNK)
                self.budget[0] -= len(chunk)
                if self.budget[0] < 0:
                    raise FileRejected(
                        _(_UNPACKS).format(most=fmt.number(MAX_UNPACKED_BYTES / 2**20))
                    )
                self.parser.Parse(chunk, not chunk)
                if not chunk:
                    break
        except _Stop:
            pass
        except expat.ExpatError as exc:
            self.result.problem = _("a part of the workbook is not valid XML ({error})").format(
                error=exc
            )
        return self.result


def _scan_workbook(zf: zipfile.ZipFile) -> dict[str, _PartScan]:
    """Stream every part once, counting the bytes really unpacked (not the headers')."""
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise FileRejected(
            _("the workbook has {n} parts; that is not a normal file").format(
                n=fmt.count(len(infos))
            )
        )
    if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
        raise FileRejected(_(_UNPACKS).format(most=fmt.number(MAX_UNPACKED_BYTES / 2**20)))
    budget = [MAX_UNPACKED_BYTES]
    scans: dict[str, _PartScan] = {}
    for info in infos:
        name = info.filename.lstrip("/")
        with zf.open(info) as stream:
            if name.lower().endswith((".xml", ".rels")):
                scanner = _Scanner(name.startswith("xl/worksheets/"), budget)
                scans[name] = scanner.feed(stream)
                if not scanner.is_sheet and scans[name].problem:
                    raise FileRejected(scans[name].problem)
            else:
                while chunk := stream.read(_CHUNK):
                    budget[0] -= len(chunk)
                    if budget[0] < 0:
                        raise FileRejected(
                            _(_UNPACKS).format(most=fmt.number(MAX_UNPACKED_BYTES / 2**20))
                        )
    return scans


def _sheet_titles(scans: dict[str, _PartScan]) -> dict[str, str]:
    """Worksheet part -> sheet title, from the workbook part and its relationships."""
    book = scans.get("xl/workbook.xml", _PartScan())
    rels = scans.get("xl/_rels/workbook.xml.rels", _PartScan())
    titles: dict[str, str] = {}
    for title, rid in book.sheets:
        target = rels.targets.get(rid, "")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        titles[path] = title
    return titles


def _check_sheets(scans: dict[str, _PartScan]) -> None:
    """Refuse, before any sheet is read, a sheet past a limit or with unsaved formulas."""
    titles = _sheet_titles(scans)
    for path, scan in scans.items():
        where = _("sheet '{sheet}'").format(sheet=titles.get(path, path))
        if scan.problem:
            raise FileRejected(f"{where}: {scan.problem}")
        if scan.formula_cells:
            cells = ", ".join(scan.formula_cells)
            raise FileRejected(
                _(
                    "{where}: cell {cells} holds a formula with no saved value (the file was "
                    "written by a program, not saved by Excel); open and save it in Excel, or "
                    "paste the values, and try again"
                ).format(where=where, cells=cells)
            )


def read_xlsx(data: bytes, filename: str) -> list[RawTable]:
    """Each non-empty sheet of an .xlsx workbook; cells rendered as text.

    A formula cell with no saved value (a file written by a script, never opened in
    Excel) is refused by name: importing it as empty would lose data silently.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            scans = _scan_workbook(zf)
        _check_sheets(scans)
    except FileRejected as exc:
        raise FileRejected(f"{filename}: {exc}") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError):
        raise FileRejected(
            _("{file}: not an Excel .xlsx workbook (the zip is damaged)").format(file=filename)
        ) from None
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, AttributeError) as exc:
        raise FileRejected(
            _("{file}: not an Excel .xlsx workbook ({error})").format(
                file=filename, error=type(exc).__name__
            )
        ) from None
    tables: list[RawTable] = []
    try:
        for ws in wb.worksheets:
            path = str(getattr(ws, "_worksheet_path", "")).lstrip("/")
            scan = scans.get(path)
            if scan is None:
                raise FileRejected(
                    _("{file}: sheet '{sheet}' cannot be read").format(
                        file=filename, sheet=ws.title
                    )
                )
            if scan.problem or scan.formula_cells:  # refused above; kept for safety
                raise FileRejected(
                    _("{file}, sheet '{sheet}': cannot be read").format(
                        file=filename, sheet=ws.title
                    )
                )
            # The <dimension> tag may lie either way (too wide, or too few rows): ignore it.
            ws.reset_dimensions()
            numeric: dict[int, int] = {}
            records = (
                _row_text(row, row_no, numeric)
                for row_no, row in enumerate(ws.iter_rows(values_only=True), start=1)
            )
            try:
                table = _to_table(ws.title, records, first_row=1, filename=filename)
            except _EmptyTable:
                continue
            tables.append(replace(table, number_cells=numeric))
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        if isinstance(exc, FileRejected):
            raise
        raise FileRejected(
            _("{file}: a sheet cannot be read ({error})").format(
                file=filename, error=type(exc).__name__
            )
        ) from None
    finally:
        wb.close()
    if not tables:
        raise FileRejected(_("{file}: the workbook has no data").format(file=filename))
    return tables


def _row_text(row: Sequence[object], row_no: int, numeric: dict[int, int]) -> list[str]:
    mask = 0
    for i, v in enumerate(row):
        if isinstance(v, int | float) and not isinstance(v, bool):
            mask |= 1 << i
    if mask:
        numeric[row_no] = mask
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


# --- Both --------------------------------------------------------------------------


class _EmptyTable(FileRejected):
    """A sheet with no text at all (skipped in a workbook, refused as a CSV)."""


def _to_table(name: str, records: Iterable[list[str]], first_row: int, filename: str) -> RawTable:
    # Skip blank lines before the header, keep row numbers true to the file.
    it = iter(records)
    offset = -1
    header: tuple[str, ...] = ()
    for offset, rec in enumerate(it):  # noqa: B007 - offset is used after the loop
        if any(c.strip() for c in rec):
            header = tuple(c.strip() for c in rec)
            break
    else:
        raise _EmptyTable(_("{file}: the file has no header row and no data").format(file=filename))
    while header and not header[-1]:
        header = header[:-1]
    if len(header) > MAX_COLUMNS:
        raise FileRejected(
            _("{file}: the header has {n} columns; a table may have at most {most}").format(
                file=filename, n=fmt.count(len(header)), most=MAX_COLUMNS
            )
        )
    if len(header) == 1 and header[0].count(";") >= 1:
        raise FileRejected(
            _(
                "{file}: the columns are separated by semicolons (;); save the file as "
                "'CSV UTF-8 (comma delimited)' and try again"
            ).format(file=filename)
        )
    for i, col in enumerate(header, start=1):
        if not col:
            raise FileRejected(
                _("{file}: header column {n} has no name").format(file=filename, n=i)
            )
    seen: set[str] = set()
    dupes: set[str] = set()
    for col in header:  # one pass: a set, not a count per column
        (dupes if col in seen else seen).add(col)
    if dupes:
        raise FileRejected(
            _("{file}: the header repeats column(s) {columns}").format(
                file=filename, columns=", ".join(sorted(dupes))
            )
        )
    width = len(header)
    rows: list[tuple[str, ...]] = []
    numbers: list[int] = []
    n_cells = width
    for offset, rec in enumerate(it, start=offset + 1):  # noqa: B020 - continues the count
        row_no = first_row + offset
        if row_no > MAX_ROWS:
            raise FileRejected(
                _(
                    "{file}: it has more than {most} rows, the most one file may have; "
                    "split it into several files"
                ).format(file=filename, most=fmt.count(MAX_ROWS))
            )
        n_cells += max(len(rec), width)
        if n_cells > MAX_CELLS:
            raise FileRejected(
                _(
                    "{file}: it has more than {most} cells, the most one file may have; "
                    "split it into several files"
                ).format(file=filename, most=fmt.count(MAX_CELLS))
            )
        if len(rec) > width and any(c.strip() for c in rec[width:]):
            raise FileRejected(
                _("{file}: row {row} has {n} cells but the header has {width} columns").format(
                    file=filename, row=row_no, n=len(rec), width=width
                )
            )
        cells = tuple(c.strip() for c in rec[:width])
        if not any(cells):
            continue
        if len(cells) < width:
            cells = cells + ("",) * (width - len(cells))
        rows.append(cells)
        numbers.append(row_no)
    if not rows:
        raise FileRejected(
            _("{file}: the file has a header but no data rows").format(file=filename)
        )
    return RawTable(name=name, header=header, rows=tuple(rows), row_numbers=tuple(numbers))
