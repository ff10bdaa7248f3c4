"""The one-page brief as a PDF a ministry can file: the same content as the HTML brief
(``model.planning.brief``), with the three charts as PNG images.

Drawn with fpdf2 (pure Python, no browser, nothing downloaded at run time); the charts
come from ``model.planning.charts.png`` (vl_convert, already a dependency). The text
uses the PDF's built-in Helvetica, whose encoding is Latin-1: that covers English and
Spanish; the few typographic characters outside it (dashes, ellipsis, Δ) are replaced
by their plain equivalents, accented letters outside it keep their base letter (ș -> s),
and any other script is drawn as "?", with a line saying so (no font that covers every
script ships with the app; the Excel workbook keeps every name in full). Units: money in
US$ of the scenario's price year.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from datetime import date
from typing import Final

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from model.formatting.i18n import N_, _
from model.planning.brief import (
    assumption_items,
    breakdown,
    caveat,
    figures,
    rule_items,
    table_rows,
    title_line,
)
from model.planning.charts import brief_charts, png
from model.planning.readout import budget_limit_note
from model.planning.workbook import ScenarioDocument, in_language, summary_sentence

MARGIN_MM: Final = 12.0
LINE_MM: Final = 4.2
MIN_HEADING_PT: Final = 6.5  # the smallest a table heading is set to fit its column
CHART_SCALE: Final = 3  # PNG pixels per chart pixel: sharp when printed
PLAIN: Final = str.maketrans(
    {
        "–": "-",
        "—": "-",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "…": "...",
        "Δ": "change ",
        "≥": ">=",
        "≤": "<=",
        "\u00a0": " ",
        "\u202f": " ",
    }
)
GREY: Final = (87, 96, 106)
INK: Final = (31, 35, 40)
RULE_GREY: Final = (208, 215, 222)


UNDRAWN_NOTE: Final = N_(
    "Some names use characters this PDF's font cannot draw (shown as ?); the Excel "
    "workbook keeps them in full."
)
ELLIPSIS: Final = "..."


def _latin(ch: str) -> str:
    """One character as Latin-1: itself, else its base letter without accents, else "?"."""
    if ord(ch) < 256:
        return ch
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return base if base and all(ord(c) < 256 for c in base) else "?"


def plain(text: str) -> str:
    """Text the built-in PDF fonts can draw (Latin-1); accents outside it are dropped
    (ș -> s) and anything else becomes "?"."""
    return "".join(_latin(ch) for ch in text.translate(PLAIN))


def undrawn(text: str) -> bool:
    """True when ``plain`` has to draw part of ``text`` as "?"."""
    return "?" in plain(text.replace("?", ""))


class _Brief(FPDF):
    def fit(self, text: str, width: float) -> str:
        """``plain(text)`` in the current font, cut with "..." to fit ``width`` mm (a long
        region name ran into the next column)."""
        out = plain(text)
        if self.get_string_width(out) <= width:
            return out
        while out and self.get_string_width(out + ELLIPSIS) > width:
            out = out[:-1]
        return out.rstrip() + ELLIPSIS

    def heading(self, text: str) -> None:
        self.ln(1.5)
        self.set_font("Helvetica", "B", 10.5)
        self.set_text_color(*INK)
        self.cell(0, 6, plain(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*RULE_GREY)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(1)

    def paragraph(self, text: str, size: float = 9, style: str = "") -> None:
        self.set_font("Helvetica", style, size)
        self.multi_cell(0, LINE_MM, plain(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def bullets(self, items: Sequence[str]) -> None:
        self.set_font("Helvetica", "", 8.5)
        for item in items:
            self.set_x(self.l_margin)
            self.cell(4, LINE_MM, "-")
            self.multi_cell(0, LINE_MM, plain(item), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _figures(pdf: _Brief, items: Sequence[tuple[str, str]]) -> None:
    per_row = 4
    w = pdf.epw / per_row
    for start in range(0, len(items), per_row):
        y = pdf.get_y()
        for i, (value, label) in enumerate(items[start : start + per_row]):
            x = pdf.l_margin + i * w
            pdf.set_draw_color(*RULE_GREY)
            pdf.rect(x + 0.5, y, w - 1, 10)
            pdf.set_xy(x + 2, y + 0.8)
            pdf.set_font("Helvetica", "B", 11)
            pdf.set_text_color(*INK)
            pdf.cell(w - 4, 5, plain(value))
            pdf.set_xy(x + 2, y + 5.6)
            pdf.set_font("Helvetica", "", 7.5)
            pdf.set_text_color(*GREY)
            pdf.cell(w - 4, 3.5, plain(label))
        pdf.set_text_color(*INK)
        pdf.set_y(y + 11)


def _table(
    pdf: _Brief, x: float, w: float, title: str, rows: Sequence[tuple[str, str, str]]
) -> float:
    """A small table at (x, current y), ``w`` mm wide; returns the y below it."""
    y = pdf.get_y()
    cols = (w * 0.55, w * 0.28, w * 0.17)
    for text, cw, align in zip((title, _("public US$"), _("share")), cols, "LRR", strict=True):
        # A heading wider than its column (a longer word in another language) is set
        # smaller rather than running into the next column.
        size = 8.5
        pdf.set_font("Helvetica", "B", size)
        while size > MIN_HEADING_PT and pdf.get_string_width(plain(text)) > cw - 2 * pdf.c_margin:
            size -= 0.5
            pdf.set_font("Helvetica", "B", size)
        pdf.set_xy(x, y)
        pdf.cell(cw, LINE_MM, plain(text), align=align)
        x += cw
    x -= w
    pdf.set_font("Helvetica", "", 8.5)
    for row in rows:
        y += LINE_MM
        pdf.set_draw_color(*RULE_GREY)
        pdf.line(x, y, x + w, y)
        cx = x
        for text, cw, align in zip(row, cols, "LRR", strict=True):
            # A name a little too long for its column ("Programa de articuladores de
            # redes") is set smaller, like the headings; only a much longer one is cut.
            room = cw - 2 * pdf.c_margin
            size = 8.5
            while size > MIN_HEADING_PT and pdf.get_string_width(plain(text)) > room:
                size -= 0.5
                pdf.set_font("Helvetica", "", size)
            pdf.set_xy(cx, y)
            pdf.cell(cw, LINE_MM, pdf.fit(text, room), align=align)
            pdf.set_font("Helvetica", "", 8.5)
            cx += cw
    return y + LINE_MM


def _any_undrawn(doc: ScenarioDocument) -> bool:
    """Whether any name the brief shows (plan, dataset, regions, candidates) loses
    characters in Latin-1."""
    sc = doc.scenario
    names = [doc.name, doc.dataset, *(r.name for r in sc.regions)]
    names += [t for c in sc.candidates for t in (c.id, c.name, c.region)]
    return any(undrawn(n) for n in names)


def brief_pdf(doc: ScenarioDocument, today: date | None = None) -> bytes:
    """The one-page (A4) brief as PDF bytes, in the reader's language (``in_language``)."""
    with in_language(doc):
        return _brief_pdf(doc, today)


def _brief_pdf(doc: ScenarioDocument, today: date | None) -> bytes:
    r = doc.result
    pdf = _Brief(orientation="P", unit="mm", format="A4")
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(True, MARGIN_MM)
    pdf.set_title(plain(_("{name}: funding scenario brief").format(name=doc.name)))
    pdf.set_creator("Fomento")
    pdf.add_page()
    pdf.set_text_color(*INK)
    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(0, 7, plain(doc.name), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*GREY)
    pdf.paragraph(title_line(doc, today), size=8.5)
    pdf.set_text_color(*INK)
    pdf.ln(1.5)
    pdf.paragraph(summary_sentence(doc), size=10)
    note = budget_limit_note(r, doc.scenario)
    if note:
        pdf.paragraph(note, size=9, style="I")
    if r.objective is not None:
        pdf.ln(1.5)
        _figures(pdf, figures(doc))
        pdf.heading(_("Where the public money goes"))
        y = pdf.get_y()
        w = (pdf.epw - 4) / 3
        height = 0.0
        for i, chart in enumerate(brief_charts(r)):
            image = pdf.image(
                io.BytesIO(png(chart, scale=CHART_SCALE)), x=pdf.l_margin + i * (w + 2), y=y, w=w
            )
            height = max(height, float(image.rendered_height))
        pdf.set_y(y + height + 1)
        kinds, regions = breakdown(r)
        half = (pdf.epw - 6) / 2
        top = pdf.get_y()
        left = _table(pdf, pdf.l_margin, half, _("Instrument"), table_rows(kinds, r.total_public))
        pdf.set_y(top)
        right = _table(
            pdf, pdf.l_margin + half + 6, half, _("Region"), table_rows(regions, r.total_public)
        )
        pdf.set_y(max(left, right) + 1)
        pdf.heading(_("What limits the plan (binding rules)"))
        pdf.bullets(rule_items(r))
    else:
        pdf.heading(_("Rules to relax"))
        pdf.bullets([s.sentence for s in r.relaxation] or [_("No relaxation makes it feasible.")])
    pdf.heading(_("Assumptions"))
    pdf.bullets(assumption_items(doc))
    if _any_undrawn(doc):
        pdf.paragraph(_(UNDRAWN_NOTE), size=8.5, style="I")
    pdf.ln(2)
    pdf.set_fill_color(255, 245, 245)
    pdf.set_font("Helvetica", "", 8.5)
    pdf.multi_cell(
        0,
        LINE_MM,
        "**"
        + plain(_("Data caveat.")).replace("**", "")
        + "** "
        + plain(caveat(doc)).replace("**", "").replace("--", "-"),
        fill=True,
        markdown=True,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    return bytes(pdf.output())
