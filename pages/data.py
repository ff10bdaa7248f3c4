"""Data: browse the cited evidence and the planning candidates, import and download them."""

from typing import Any

import pandas as pd
import streamlit as st

from model.accounts.auth import PermissionDenied, can
from model.domain.candidates import KIND_LABELS
from model.formatting import numbers
from model.formatting.numbers import MISSING
from model.store import db
from model.store.exporter import csv_bytes, export_all, xlsx_bytes
from model.store.importer import SPECS_BY_NAME, ImportRejected, import_file, table_words
from pages._i18n import _, keep_choice, ngettext, number_format_select, number_locale
from pages._shared import (
    ILLUSTRATIVE_NOTE,
    candidates_frame,
    clear_data_caches,
    current_user,
    datasets,
    engine,
    evidence_frame,
    figures_of,
    localized_table,
    may_write,
    programmes_frame,
    regions_frame,
    show_flash,
    warn_stored_problems,
)

PROBLEMS_LISTED = 25
DETECT = "(detect)"  # the Table choice that means: tell it from the header

st.title(_("Data"))
st.caption(
    _(
        "The figures every computation starts from. Each evidence row cites its source "
        "document and passage; ranges are kept as low and high."
    )
)
loc = number_locale()
eng = engine()
url = db.database_url()
warn_stored_problems(url)
user = current_user()


def _readable(frame: pd.DataFrame) -> pd.DataFrame:
    """Units in words and empty text cells as a dash ("None" read as a value); numbers
    stay numbers so the columns still sort."""
    out = frame.copy()
    if "unit" in out:
        out["unit"] = out["unit"].map(numbers.unit_words)
    text = [
        c for c in out.columns if pd.api.types.is_string_dtype(out[c]) or out[c].dtype == object
    ]
    out[text] = out[text].fillna(numbers.MISSING).replace("", numbers.MISSING)
    return out


def browse(frame: pd.DataFrame, **kwargs: Any) -> None:
    """A browse table: its figures in the reader's number locale ("60.000", "0,5" for a
    Colombian reader; a year as it is), still sortable; the column keys stay as headings."""
    shown, config = localized_table(frame, figures_of(frame))
    st.dataframe(
        shown, hide_index=True, width="stretch", column_config=config, placeholder=MISSING, **kwargs
    )


tab_ev, tab_prog, tab_cand, tab_import, tab_dl = st.tabs(
    [_("Evidence"), _("Programmes"), _("Planning candidates"), _("Import"), _("Download")]
)

with tab_ev:
    ev = evidence_frame(url)
    if ev.empty:
        st.info(_("No evidence yet: run `fomento db seed` or import a file."))
    else:
        progs = programmes_frame(url)
        names = dict(zip(progs["programme_id"], progs["name"], strict=True))
        c1, c2, c3 = st.columns(3)
        pick_prog = c1.multiselect(
            _("Programme"),
            sorted(ev["programme_id"].unique()),
            format_func=lambda p: f"{p}: {names.get(p, p)}",
            key="data_ev_programme",
            placeholder=_("Choose options"),
        )
        pick_metric = c2.multiselect(
            _("Metric"),
            sorted(ev["metric"].unique()),
            key="data_ev_metric",
            placeholder=_("Choose options"),
        )
        pick_source = c3.multiselect(
            _("Source document"),
            sorted(ev["source_file"].unique()),
            key="data_ev_source",
            placeholder=_("Choose options"),
        )
        view = ev
        if pick_prog:
            view = view[view["programme_id"].isin(pick_prog)]
        if pick_metric:
            view = view[view["metric"].isin(pick_metric)]
        if pick_source:
            view = view[view["source_file"].isin(pick_source)]
        st.write(
            ngettext("{shown} of {n} evidence row", "{shown} of {n} evidence rows", len(ev)).format(
                shown=numbers.count(len(view), locale=loc), n=numbers.count(len(ev), locale=loc)
            )
        )
        browse(_readable(view), key="data_ev_table")

with tab_prog:
    browse(_readable(programmes_frame(url)))

with tab_cand:
    names_ds = datasets(url)
    if not names_ds:
        st.info(_("No planning candidates yet: run `fomento db seed` or import a file."))
    else:
        ds = st.selectbox(_("Dataset"), names_ds, key="data_cand_dataset")
        if ds == "demo":
            st.warning(_(ILLUSTRATIVE_NOTE), icon=":material/science:")
        cand = candidates_frame(url, ds, loc)
        if "kind" in cand:  # the instrument in the reader's words (the cache keeps English)
            cand = cand.assign(kind_label=[_(KIND_LABELS[k]) for k in cand["kind"]])
        c1, c2 = st.columns(2)
        # Worded in the script run, looked up when shown (a format_func may run elsewhere).
        kind_names = {k: _(KIND_LABELS[k]) for k in KIND_LABELS}
        keep_choice("data_cand_kind", kind_names)
        kinds = c1.multiselect(
            _("Kind"),
            list(KIND_LABELS),
            format_func=kind_names.__getitem__,
            key="data_cand_kind",
            placeholder=_("Choose options"),
        )
        regions = c2.multiselect(
            _("Region"),
            sorted(cand["region"].unique()),
            key="data_cand_region",
            placeholder=_("Choose options"),
        )
        view = cand
        if kinds:
            view = view[view["kind"].isin(kinds)]
        if regions:
            view = view[view["region"].isin(regions)]
        st.write(
            ngettext("{shown} of {n} candidate", "{shown} of {n} candidates", len(cand)).format(
                shown=numbers.count(len(view), locale=loc), n=numbers.count(len(cand), locale=loc)
            )
        )
        browse(view)
        with st.expander(_("Regions of this dataset")):
            browse(regions_frame(url, ds))

with tab_import:
    show_flash("data_import_flash")
    st.markdown(
        _(
            "Upload a **CSV** (UTF-8) or **Excel .xlsx** file of programmes, evidence, regions "
            "or candidates. The whole file is checked first: if any row is wrong, nothing is "
            "written and every problem is listed with its row and column. Rows whose id "
            "already exists are updated."
        )
    )
    c1, c2, c3 = st.columns(3)
    table_names = {DETECT: _("(detect from columns)"), **{n: table_words(n) for n in SPECS_BY_NAME}}
    keep_choice("data_import_table", table_names)
    table_choice = c1.selectbox(
        _("Table"),
        [DETECT, *SPECS_BY_NAME],
        format_func=table_names.__getitem__,
        key="data_import_table",
        help=_("Which table the file holds; by default it is told from the header."),
    )
    dataset_name = c2.text_input(
        _("Planning dataset (for regions and candidates)"),
        value="demo",
        key="data_import_dataset",
        help=_("Candidates and regions belong to a named dataset, e.g. one per country."),
    )
    with c3:
        number_format = number_format_select("data_import_number_format")
    # Reading an upload costs the server memory and time: only a role that may import it may.
    upload = (
        st.file_uploader(_("File to import"), type=["csv", "xlsx"], key="data_import_file")
        if may_write(user, "data.import", _("check and import a file"))
        else None
    )
    if upload is not None:
        table = None if table_choice == DETECT else table_choice
        payload = upload.getvalue()
        try:
            preview = import_file(
                eng,
                payload,
                upload.name,
                table=table,
                dataset=dataset_name,
                dry_run=True,
                user=user,
                number_format=number_format,
            )
        except ImportRejected as exc:
            shown = exc.problems[:PROBLEMS_LISTED]
            more = len(exc.problems) - len(shown)
            st.error(
                ngettext(
                    "**{file} was rejected; nothing was written.** {n} problem to fix:",
                    "**{file} was rejected; nothing was written.** {n} problems to fix:",
                    len(exc.problems),
                ).format(file=upload.name, n=numbers.count(len(exc.problems), locale=loc))
                + "\n\n"
                + "\n".join(f"- {p}" for p in shown)
                + (
                    "\n- "
                    + _("... and {n} more (see the table below)").format(
                        n=numbers.count(more, locale=loc)
                    )
                    if more > 0
                    else ""
                )
            )
            if more > 0:
                st.dataframe(
                    pd.DataFrame(
                        [
                            {
                                _("table"): p.table,
                                _("row"): p.row,
                                _("column"): p.column,
                                _("problem"): p.message,
                            }
                            for p in exc.problems
                        ]
                    ),
                    hide_index=True,
                    width="stretch",
                    key="data_import_problems",
                    placeholder=MISSING,
                )
        else:
            st.success(
                _("{file} is valid: {summary}.").format(file=upload.name, summary=preview.summary())
            )
            for t in preview.tables:
                st.write(
                    ngettext(
                        "**{table}** ({n} row)", "**{table}** ({n} rows)", len(t.records)
                    ).format(table=_(t.spec.label), n=numbers.count(len(t.records), locale=loc))
                )
                browse(pd.DataFrame([r.model_dump() for r in t.records]))
            if not can(user, "data.import"):
                st.info(
                    _("Only an admin can import data: sign in as an admin to write these rows.")
                )
            elif st.button(_("Import these rows"), type="primary", key="data_import_go"):
                try:
                    report = import_file(
                        eng,
                        payload,
                        upload.name,
                        table=table,
                        dataset=dataset_name,
                        user=user,
                        number_format=number_format,
                    )
                except ImportRejected as exc:
                    st.error(str(exc))
                except PermissionDenied as exc:
                    st.error(_("Not imported: {error}.").format(error=exc))
                else:
                    clear_data_caches()
                    # Rerun so every tab above shows the new rows; the message survives it.
                    st.session_state["data_import_flash"] = _("Imported {file}: {summary}.").format(
                        file=upload.name, summary=report.summary()
                    )
                    st.rerun()

with tab_dl:
    st.markdown(_("Exports re-import to identical rows."))
    if not loc.startswith("en"):
        st.caption(
            _(
                "The files keep their column names in English, as the importer reads them, "
                "so an export re-imports in any language."
            )
        )
    tables = export_all(eng)
    cols = st.columns(len(tables) + 1)
    for col, (name, tbl) in zip(cols, tables.items(), strict=False):
        file_name = f"{name}.csv"  # the button shows the file's name, the same in any language
        col.download_button(
            file_name,
            csv_bytes(tbl),
            file_name=file_name,
            mime="text/csv",
            key=f"data_dl_{name}",
        )
    cols[-1].download_button(
        _("All tables (.xlsx)"),
        xlsx_bytes(tables),
        file_name="fomento-data.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="data_dl_xlsx",
    )
