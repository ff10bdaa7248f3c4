"""Data: browse the cited evidence and the planning candidates, import and download them."""

import pandas as pd
import streamlit as st

from model.accounts.auth import PermissionDenied, can
from model.domain.candidates import KIND_LABELS
from model.formatting import numbers
from model.formatting.numbers import MISSING
from model.store import db
from model.store.exporter import csv_bytes, export_all, xlsx_bytes
from model.store.importer import SPECS_BY_NAME, ImportRejected, import_file
from pages._i18n import number_format_select
from pages._shared import (
    ILLUSTRATIVE_NOTE,
    candidates_frame,
    clear_data_caches,
    current_user,
    datasets,
    engine,
    evidence_frame,
    may_write,
    programmes_frame,
    regions_frame,
    show_flash,
    warn_stored_problems,
)

PROBLEMS_LISTED = 25

st.title("Data")
st.caption(
    "The figures every computation starts from. Each evidence row cites its source "
    "document and passage; ranges are kept as low and high."
)
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


tab_ev, tab_prog, tab_cand, tab_import, tab_dl = st.tabs(
    ["Evidence", "Programmes", "Planning candidates", "Import", "Download"]
)

with tab_ev:
    ev = evidence_frame(url)
    if ev.empty:
        st.info("No evidence yet: run `fomento db seed` or import a file.")
    else:
        progs = programmes_frame(url)
        names = dict(zip(progs["programme_id"], progs["name"], strict=True))
        c1, c2, c3 = st.columns(3)
        pick_prog = c1.multiselect(
            "Programme",
            sorted(ev["programme_id"].unique()),
            format_func=lambda p: f"{p}: {names.get(p, p)}",
            key="data_ev_programme",
        )
        pick_metric = c2.multiselect("Metric", sorted(ev["metric"].unique()), key="data_ev_metric")
        pick_source = c3.multiselect(
            "Source document", sorted(ev["source_file"].unique()), key="data_ev_source"
        )
        view = ev
        if pick_prog:
            view = view[view["programme_id"].isin(pick_prog)]
        if pick_metric:
            view = view[view["metric"].isin(pick_metric)]
        if pick_source:
            view = view[view["source_file"].isin(pick_source)]
        st.write(f"{len(view)} of {len(ev)} evidence rows")
        st.dataframe(
            _readable(view),
            hide_index=True,
            width="stretch",
            key="data_ev_table",
            placeholder=MISSING,
        )

with tab_prog:
    st.dataframe(
        _readable(programmes_frame(url)), hide_index=True, width="stretch", placeholder=MISSING
    )

with tab_cand:
    names_ds = datasets(url)
    if not names_ds:
        st.info("No planning candidates yet: run `fomento db seed` or import a file.")
    else:
        ds = st.selectbox("Dataset", names_ds, key="data_cand_dataset")
        if ds == "demo":
            st.warning(ILLUSTRATIVE_NOTE, icon=":material/science:")
        cand = candidates_frame(url, ds)
        c1, c2 = st.columns(2)
        kinds = c1.multiselect(
            "Kind", list(KIND_LABELS), format_func=lambda k: KIND_LABELS[k], key="data_cand_kind"
        )
        regions = c2.multiselect("Region", sorted(cand["region"].unique()), key="data_cand_region")
        view = cand
        if kinds:
            view = view[view["kind"].isin(kinds)]
        if regions:
            view = view[view["region"].isin(regions)]
        st.write(f"{len(view)} of {len(cand)} candidates")
        st.dataframe(view, hide_index=True, width="stretch", placeholder=MISSING)
        with st.expander("Regions of this dataset"):
            st.dataframe(
                regions_frame(url, ds), hide_index=True, width="stretch", placeholder=MISSING
            )

with tab_import:
    show_flash("data_import_flash")
    st.markdown(
        "Upload a **CSV** (UTF-8) or **Excel .xlsx** file of programmes, evidence, regions "
        "or candidates. The whole file is checked first: if any row is wrong, nothing is "
        "written and every problem is listed with its row and column. Rows whose id already "
        "exists are updated."
    )
    c1, c2, c3 = st.columns(3)
    table_choice = c1.selectbox(
        "Table",
        ["(detect from columns)", *SPECS_BY_NAME],
        key="data_import_table",
        help="Which table the file holds; by default it is told from the header.",
    )
    dataset_name = c2.text_input(
        "Planning dataset (for regions and candidates)",
        value="demo",
        key="data_import_dataset",
        help="Candidates and regions belong to a named dataset, e.g. one per country.",
    )
    with c3:
        number_format = number_format_select("data_import_number_format")
    # Reading an upload costs the server memory and time: only a role that may import it may.
    upload = (
        st.file_uploader("File to import", type=["csv", "xlsx"], key="data_import_file")
        if may_write(user, "data.import", "check and import a file")
        else None
    )
    if upload is not None:
        table = None if table_choice.startswith("(") else table_choice
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
                f"**{upload.name} was rejected; nothing was written.** "
                f"{len(exc.problems)} problem(s) to fix:\n\n"
                + "\n".join(f"- {p}" for p in shown)
                + (f"\n- ... and {more} more (see the table below)" if more > 0 else "")
            )
            if more > 0:
                st.dataframe(
                    pd.DataFrame(
                        [
                            {
                                "table": p.table,
                                "row": p.row,
                                "column": p.column,
                                "problem": p.message,
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
            st.success(f"{upload.name} is valid: {preview.summary()}.")
            for t in preview.tables:
                st.write(f"**{t.spec.label}** ({len(t.records)} rows)")
                st.dataframe(
                    pd.DataFrame([r.model_dump() for r in t.records]),
                    hide_index=True,
                    width="stretch",
                    placeholder=MISSING,
                )
            if not can(user, "data.import"):
                st.info("Only an admin can import data: sign in as an admin to write these rows.")
            elif st.button("Import these rows", type="primary", key="data_import_go"):
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
                    st.error(f"Not imported: {exc}.")
                else:
                    clear_data_caches()
                    # Rerun so every tab above shows the new rows; the message survives it.
                    st.session_state["data_import_flash"] = (
                        f"Imported {upload.name}: {report.summary()}."
                    )
                    st.rerun()

with tab_dl:
    st.markdown("Exports re-import to identical rows.")
    tables = export_all(eng)
    cols = st.columns(len(tables) + 1)
    for col, (name, tbl) in zip(cols, tables.items(), strict=False):
        col.download_button(
            f"{name}.csv",
            csv_bytes(tbl),
            file_name=f"{name}.csv",
            mime="text/csv",
            key=f"data_dl_{name}",
        )
    cols[-1].download_button(
        "All tables (.xlsx)",
        xlsx_bytes(tables),
        file_name="fomento-data.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="data_dl_xlsx",
    )
