"""Hand-built .xlsx files for the hardening tests: lying dimension tags, zip bombs,
formula cells with no saved value. Written part by part so a test can make files
that no spreadsheet program would (and that openpyxl's writer refuses to)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_DOC = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<Types xmlns="{_PKG}/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_DOC}.sheet.main+xml"/>'
    "{sheets}"
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_DOC}.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{RNS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)


def col_letter(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def row_xml(r: int, values: Sequence[object], formula: dict[int, str] | None = None) -> str:
    cells = []
    for c, v in enumerate(values, start=1):
        ref = f"{col_letter(c)}{r}"
        if formula and c in formula:
            cells.append(f'<c r="{ref}"><f>{escape(formula[c])}</f></c>')
        elif isinstance(v, int | float) and not isinstance(v, bool):
            cells.append(f'<c r="{ref}"><v>{v}</v></c>')
        elif v is not None and v != "":
            cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>')
    return f'<row r="{r}">{"".join(cells)}</row>'


def sheet_xml(rows: Iterable[str], dimension: str | None = None) -> Iterable[bytes]:
    """The parts of a worksheet, yielded in pieces so huge sheets stream to the zip."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    yield (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<worksheet xmlns="{NS}" xmlns:r="{RNS}">{dim}<sheetData>'
    ).encode()
    for r in rows:
        yield r.encode()
    yield b"</sheetData></worksheet>"


def workbook(
    sheets: Sequence[tuple[str, Iterable[bytes]]], shared_strings: Iterable[bytes] | None = None
) -> bytes:
    """An .xlsx holding ``sheets`` (title, XML pieces) and, optionally, a shared-string part."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        zf.writestr("[Content_Types].xml", CT.replace("{sheets}", overrides))
        zf.writestr("_rels/.rels", ROOT_RELS)
        entries = "".join(
            f'<sheet name="{escape(t)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, (t, _) in enumerate(sheets, start=1)
        )
        zf.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="{RNS}">'
            f"<sheets>{entries}</sheets></workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{RNS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        n = len(sheets) + 1
        rels += f'<Relationship Id="rId{n}" Type="{RNS}/sharedStrings" Target="sharedStrings.xml"/>'
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            f'openxmlformats.org/package/2006/relationships">{rels}</Relationships>',
        )
        for i, (_, parts) in enumerate(sheets, start=1):
            with zf.open(f"xl/worksheets/sheet{i}.xml", "w") as out:
                for p in parts:
                    out.write(p)
        with zf.open("xl/sharedStrings.xml", "w") as out:
            out.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}">'.encode())
            for p in shared_strings or ():
                out.write(p)
            out.write(b"</sst>")
    return buf.getvalue()


def table(
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    dimension: str | None = None,
    formulas: dict[tuple[int, int], str] | None = None,
) -> tuple[str, Iterable[bytes]]:
    """A sheet with a header and rows; ``formulas`` maps (row, column) to a formula
    written with no cached value, as scripts do."""
    lines = [row_xml(1, header)]
    for r, values in enumerate(rows, start=2):
        f = {c: text for (rr, c), text in (formulas or {}).items() if rr == r}
        lines.append(row_xml(r, values, f))
    return title, list(sheet_xml(lines, dimension))


# --- The hostile ones ----------------------------------------------------------------


def dimension_bomb(rows: int = 20_000) -> bytes:
    """A few KB whose dimension tag claims every cell of the sheet (A1:XFD1048576)."""
    lines = (row_xml(r, [f"v{r}"]) for r in range(1, rows + 1))
    return workbook([("evidence", sheet_xml(lines, "A1:XFD1048576"))])


def far_cell() -> bytes:
    """One cell in the last column Excel has (XFD)."""
    lines = [
        '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c>'
        '<c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>'
    ]
    return workbook([("evidence", sheet_xml(lines))])


def far_row() -> bytes:
    """A header, then one cell in the last row Excel has."""
    lines = [row_xml(1, ["id"]), '<row r="1048576"><c r="A1048576"><v>1</v></c></row>']
    return workbook([("evidence", sheet_xml(lines))])


def whitespace_bomb(mb: int = 300) -> bytes:
    """Sheet XML padded with ``mb`` MB of spaces: a tiny zip, a huge part."""
    pad = b" " * (1 << 20)

    def parts() -> Iterable[bytes]:
        pieces = list(sheet_xml([row_xml(1, ["id"]), row_xml(2, ["a"])]))
        yield pieces[0]
        for _ in range(mb):
            yield pad
        yield from pieces[1:]

    return workbook([("evidence", parts())])


def shared_string_bomb(n: int = 2_000_000) -> bytes:
    """Millions of tiny distinct shared strings."""
    sst = (f"<si><t>{i}</t></si>".encode() for i in range(n))
    lines = [row_xml(1, ["id"]), '<row r="2"><c r="A2" t="s"><v>0</v></c></row>']
    return workbook([("evidence", sheet_xml(lines))], shared_strings=sst)


def long_text(chars: int = 5_000_000) -> bytes:
    """One inline string of ``chars`` characters."""
    lines = [row_xml(1, ["id"]), row_xml(2, ["x" * chars])]
    return workbook([("evidence", sheet_xml(lines))])


def many_cells(rows: int = 60_000, cols: int = 20) -> bytes:
    """More cells than a file may have, every one a distinct number."""
    lines = (row_xml(r, [r * 100 + c for c in range(cols)]) for r in range(1, rows + 1))
    return workbook([("evidence", sheet_xml(lines))])


def entity_bomb() -> bytes:
    """The 'billion laughs' entity expansion in a sheet."""
    ents = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
    )
    head = f'<?xml version="1.0"?><!DOCTYPE worksheet [{ents}]>'
    body = (
        f'<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&i;</t>'
        "</is></c></row></sheetData></worksheet>"
    )
    return workbook([("evidence", [head.encode(), body.encode()])])


HOSTILE = {
    "dimension_bomb": dimension_bomb,
    "far_cell": far_cell,
    "far_row": far_row,
    "whitespace_bomb": whitespace_bomb,
    "shared_string_bomb": shared_string_bomb,
    "long_text": long_text,
    "many_cells": many_cells,
    "entity_bomb": entity_bomb,
}
