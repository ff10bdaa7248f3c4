"""Evidence: programmes compared on cost and return, every number with formula and source."""

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from model.costbenefit import (
    EvidenceDataset,
    ProgrammeMetrics,
    compute_programme_metrics,
    metrics_table,
    shown_value,
)
from model.costbenefit.export import Assumptions, metrics_xlsx
from model.costbenefit.table import to_csv
from model.costbenefit.views import (
    LEVERAGE_KEYS,
    RETURN_KEYS,
    UNIT_COST_KEYS,
    WARNING_MARK,
    EvidenceFilter,
    basis_text,
    explain,
    filter_options,
    instrument_label,
    keep,
    mix_notes,
    range_points,
    recovery_points,
    selected_ids,
    unit_text,
    warning_flag,
)
from model.formatting import numbers
from model.planning.charts import range_chart, recovery_chart
from model.store import db
from model.store.repository import load_evidence_dataset
from pages import _charts
from pages._i18n import _, keep_choice, ngettext, number_locale
from pages._shared import engine, localized_dataframe, md, warn_stored_problems

NOMINAL = "nominal"
DEFAULT_DISCOUNT_PCT = 5.0
MAX_DISCOUNT_PCT = 15.0
DEFAULT_HORIZON = 10
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLE_COLUMNS = [
    "flag",
    "programme_id",
    "programme",
    "instrument",
    "label",
    "qualifier",
    "shown",
    "value",
    "low",
    "high",
    "unit",
    "price_year",
    "basis",
    "period",
    "warnings",
    "programme_warnings",
    "sources",
]


@st.cache_data(ttl=60, show_spinner=False)
def _dataset(url: str, _eng: Engine) -> EvidenceDataset:
    return load_evidence_dataset(_eng)


@st.cache_data(ttl=60, show_spinner=False)
def _metrics(
    url: str,
    price_year: int | None,
    discount_rate: float,
    horizon: int,
    lang: str,
    _eng: Engine,
) -> list[ProgrammeMetrics]:
    # The same call `fomento evidence` makes, so page and CLI agree on every figure.
    # Keyed on the reader's locale: the metrics carry text (warnings) in their language.
    return compute_programme_metrics(_dataset(url, _eng), price_year, discount_rate, horizon)


st.title(_("Evidence"))
st.caption(
    _(
        "Programmes compared on cost per network and enterprise, return per dollar, leverage "
        "and cost recovery. Ranges stay ranges; every number opens to its formula, the figures "
        "it uses and the passage of the source document they come from."
    )
)
loc = number_locale()
eng = engine()
url = db.database_url()
warn_stored_problems(url)
dataset = _dataset(url, eng)
if not dataset.programmes:
    st.info(_("No programmes yet: run `fomento db seed` or import evidence on the Data page."))
    st.stop()

# Settings: how money is expressed and discounted.
years = sorted((d.year for d in dataset.deflators), reverse=True)
s1, s2, s3 = st.columns(3)
price_choice = s1.selectbox(
    _("Price year"),
    [NOMINAL, *(str(y) for y in years)],
    format_func={NOMINAL: _("nominal"), **{str(y): str(y) for y in years}}.__getitem__,
    key="evidence_price_year",
    help=_("Constant US$ of this year (US CPI-U); nominal keeps each figure's own year."),
)
discount_pct = s2.slider(
    _("Discount rate (% a year)"),
    0.0,
    MAX_DISCOUNT_PCT,
    DEFAULT_DISCOUNT_PCT,
    step=0.5,
    format="%.1f %%",
    key="evidence_discount_pct",
    help=_("Used by net present values."),
)
horizon = int(
    s3.number_input(
        _("Horizon (years)"),
        min_value=1,
        max_value=100,
        value=DEFAULT_HORIZON,
        key="evidence_horizon",
        help=_("Years of cash flows discounted."),
    )
)
price_year = None if price_choice == NOMINAL else int(price_choice)
discount_rate = discount_pct / 100

# Filters: which programmes.
options = filter_options(dataset.programmes)
f1, f2, f3 = st.columns(3)
# Worded in the script run, looked up when shown (a format_func may run elsewhere).
instrument_words = {i: instrument_label(i) for i in options.instruments}
keep_choice("evidence_instrument", instrument_words)
instruments = f1.multiselect(
    _("Instrument"),
    options.instruments,
    format_func=instrument_words.__getitem__,
    key="evidence_instrument",
    placeholder=_("Choose options"),
)
places = f2.multiselect(
    _("Country or region"), options.places, key="evidence_place", placeholder=_("Choose options")
)
period = None
if options.first_year is not None and options.last_year is not None:
    period = f3.slider(
        _("Period (programmes active in)"),
        options.first_year,
        options.last_year,
        (options.first_year, options.last_year),
        key="evidence_period",
    )
include_undated = f3.checkbox(
    _("Include programmes that state no period"), value=True, key="evidence_undated"
)

try:
    flt = EvidenceFilter(tuple(instruments), tuple(places), period, include_undated)
    all_metrics = _metrics(url, price_year, discount_rate, horizon, loc, eng)
except ValueError as exc:
    st.error(_("Cannot compute the metrics: {error}").format(error=exc))
    st.stop()
shown = keep(all_metrics, selected_ids(dataset.programmes, flt))
rows = metrics_table(shown)
money = (
    _("nominal US$ of each figure's year")
    if price_year is None
    else _("US$ of {year}").format(year=price_year)
)
st.write(
    ngettext(
        "**{shown} of {n} programme**, {rows} rows; money in {money}, "
        "discount rate {rate}, horizon {horizon} years.",
        "**{shown} of {n} programmes**, {rows} rows; money in {money}, "
        "discount rate {rate}, horizon {horizon} years.",
        len(all_metrics),
    ).format(
        shown=numbers.count(len(shown), locale=loc),
        n=numbers.count(len(all_metrics), locale=loc),
        rows=numbers.count(len(rows), locale=loc),
        money=money,
        rate=numbers.number(discount_pct, 0 if discount_pct.is_integer() else 1, locale=loc) + " %",
        horizon=numbers.count(horizon, locale=loc),
    )
)

notes = mix_notes(shown)
if notes:
    st.warning(
        _(
            "**Not averaged.** This selection mixes figures that cannot be pooled; rows "
            "marked {mark} say why:"
        ).format(mark=WARNING_MARK)
        + "\n"
        + "\n".join(f"- {md(n)}" for n in notes),
        icon=":material/warning:",
    )

# The comparison table (sortable by any column).
table = pd.DataFrame(rows, columns=list(rows[0]) if rows else None)
if not table.empty:
    table["flag"] = [warning_flag(r) for r in rows]
    table["shown"] = [shown_value(r) for r in rows]
    table["instrument"] = table["instrument"].map(instrument_label)
    table["label"] = [_(t) if t else t for t in table["label"]]  # _("") is the header
    table["unit"] = [unit_text(u) for u in table["unit"]]
    table["basis"] = [basis_text(b) for b in table["basis"]]
    table = table[TABLE_COLUMNS]
localized_dataframe(
    table,
    hide_index=True,
    placeholder=numbers.MISSING,  # an empty cell is a dash, never "None"
    width="stretch",
    key="evidence_table",
    figures=dict.fromkeys(("value", "low", "high"), "number"),
    column_config={
        "flag": st.column_config.TextColumn(WARNING_MARK, width="small", help=_("Has a warning")),
        "programme_id": st.column_config.TextColumn(_("Id"), pinned=True),
        "programme": st.column_config.TextColumn(_("Programme"), width="medium"),
        "instrument": st.column_config.TextColumn(_("Instrument")),
        "qualifier": st.column_config.TextColumn(_("Which figure")),
        "unit": st.column_config.TextColumn(_("Unit")),
        "basis": st.column_config.TextColumn(_("Growth basis")),
        "period": st.column_config.TextColumn(_("Period")),
        "sources": st.column_config.TextColumn(_("Sources"), width="large"),
        "label": st.column_config.TextColumn(_("Metric"), width="medium"),
        "shown": st.column_config.TextColumn(_("Value (range)"), help=_("Shares in %")),
        "value": st.column_config.NumberColumn(_("Value"), format="localized"),
        "low": st.column_config.NumberColumn(_("Low"), format="localized"),
        "high": st.column_config.NumberColumn(_("High"), format="localized"),
        "price_year": st.column_config.NumberColumn(_("Price year"), format="%d"),
        "warnings": st.column_config.TextColumn(_("Warnings"), width="large"),
        "programme_warnings": st.column_config.TextColumn(_("Programme warnings"), width="large"),
    },
)

stem = f"fomento-evidence-{price_choice}"
assumptions = Assumptions(
    price_year,
    discount_rate,
    horizon,
    dataset.deflators[0].source if dataset.deflators else "none",
)
d1, d2, _spacer = st.columns([1, 1, 4])
d1.download_button(
    "CSV",
    to_csv(rows),
    file_name=f"{stem}.csv",
    mime="text/csv",
    icon=":material/download:",
    on_click="ignore",
    key="evidence_dl_csv",
    help=_("The rows shown; with no filter, the same as `fomento evidence --format csv`."),
)
d2.download_button(
    "Excel",
    lambda: metrics_xlsx(shown, assumptions),
    file_name=f"{stem}.xlsx",
    mime=XLSX_MIME,
    icon=":material/download:",
    on_click="ignore",
    key="evidence_dl_xlsx",
    help=_("Sheets: metrics, sources, assumptions."),
)

st.subheader(_("Charts"))
unit = _("nominal US$") if price_year is None else _("US$ of {year}").format(year=price_year)
tabs = st.tabs(
    [_("Return per dollar"), _("Cost per unit"), _("Public vs total"), _("Cost recovery")]
)
views = (
    (tabs[0], range_points(shown, RETURN_KEYS), "returns", _("US$ of benefit per US$")),
    (tabs[1], range_points(shown, UNIT_COST_KEYS), "unit-costs", unit),
    (tabs[2], range_points(shown, LEVERAGE_KEYS), "leverage", _("US$ per US$")),
)
titles = {
    "returns": _("Return per dollar (bar: range; point: value as stated)"),
    "unit-costs": _("Cost per network and per enterprise reached ({unit})").format(unit=unit),
    "leverage": _("Return per total vs per public dollar, and leverage"),
}
for tab, points, name, axis in views:
    with tab:
        if not points:
            st.info(_("No programme in this selection states the figures for this chart."))
            continue
        fmt = ",.0f" if name == "unit-costs" else ",.2f"
        chart = range_chart(points, titles[name], axis, fmt, name == "unit-costs")
        _charts.show(chart, f"{stem}-{name}", f"evidence_{name}")
with tabs[3]:
    path = recovery_points(shown, dataset.programmes)
    if not path:
        st.info(_("No programme in this selection states a cost-recovery path."))
    else:
        _charts.show(recovery_chart(path), f"{stem}-recovery", "evidence_recovery")

st.subheader(_("Where every number comes from"))
st.caption(
    _(
        "One panel per programme in the selection: its warnings first, then each metric with "
        "its formula, the figures it uses as the source states them, and the passages cited."
    )
)
with_metrics = [pm for pm in shown if pm.metrics or pm.warnings]
records = {r.evidence_id: r for r in dataset.records}
for pm in with_metrics:
    mark = f" {WARNING_MARK}" if pm.warnings else ""
    heading = ngettext(
        "{id}: {name} ({n} metric){mark}", "{id}: {name} ({n} metrics){mark}", len(pm.metrics)
    ).format(id=pm.programme_id, name=pm.name, n=len(pm.metrics), mark=mark)
    with st.expander(heading):
        for w in pm.warnings:
            st.warning(md(w), icon=":material/warning:")
        if not pm.metrics:
            st.write(_("No metric can be computed from the stated figures."))
        for ex in explain(pm, records):
            inputs = "; ".join(
                f"{i.evidence_id} {i.metric}"
                + (f" [{i.qualifier}]" if i.qualifier else "")
                + f" = {i.stated}"
                for i in ex.inputs
            )
            lines = [
                md(f"**{ex.label}: {ex.shown}** ({ex.unit})"),
                # A code span shows "$" as it is.
                _("- Formula: `{formula}`").format(formula=ex.formula),
                md(_("- Inputs: {inputs}").format(inputs=inputs)),
                md(_("- Sources: {sources}").format(sources="; ".join(ex.citations))),
                *(md(f"- {WARNING_MARK} {w}") for w in ex.warnings),
            ]
            st.markdown("\n".join(lines))
