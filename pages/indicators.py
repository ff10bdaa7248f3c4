"""Indicators: IDB monitoring indicators of each funded project (short, medium and long
run), baseline, target and actual, a status at a glance, and an Excel export."""

from dataclasses import asdict

import pandas as pd
import streamlit as st

from model.accounts.auth import PermissionDenied
from model.formatting import numbers
from model.formatting.numbers import MISSING
from model.screening.forms import FormInvalid, indicators_with_actuals
from model.screening.indicators import (
    AT_RISK_RATIO,
    ON_TRACK_RATIO,
    SOURCE,
    STATUS_FILLS,
    STATUSES,
    indicators_xlsx_bytes,
    status_summary,
)
from model.screening.proposals import HORIZON_LABELS, HORIZONS
from model.screening.tables import STATUS_COLOURS, badge, monitoring_rows
from model.store.screening import fetch_project_indicators, save_project_indicators
from pages._shared import current_user, engine, may_write, md, show_flash


def status_fill(status: object) -> str:
    """Cell style: the Excel export's status colour, so screen and file agree."""
    fill = STATUS_FILLS.get(str(status))
    return f"background-color: #{fill}" if fill else ""


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

st.title("Indicators")
st.caption(
    f"Per funded project, the IDB monitoring indicators ({SOURCE}): short run (during the "
    "project), medium run (at its end), long run (three years after). Status: on track when "
    f"at least {ON_TRACK_RATIO:.0%} of the change due by now is achieved, at risk from "
    f"{AT_RISK_RATIO:.0%}, off track below; an actual without a baseline is at risk."
)
eng = engine()
user = current_user()
writer = may_write(user, "indicator.write", "record actuals")
show_flash("indicators_flash")

indicators = fetch_project_indicators(eng)
if not indicators:
    st.info(
        "No funded project is monitored yet. On **Proposals**, tab *Hand-over to a plan*, "
        "solve a plan, then click *Start monitoring* for the funded proposals."
    )
    st.stop()

st.download_button(
    "Download all indicators (.xlsx)",
    indicators_xlsx_bytes(indicators),
    file_name="fomento-indicators.xlsx",
    mime=XLSX_MIME,
    key="indicators_xlsx",
)

st.subheader("At a glance")
counts = {s: sum(1 for i in indicators if i.status == s) for s in STATUSES}
for col, s in zip(st.columns(len(STATUSES)), STATUSES, strict=True):
    col.metric(badge(s, STATUS_COLOURS), counts[s])
st.dataframe(
    pd.DataFrame(
        [
            {
                "project": r.project_id,
                "horizon": r.horizon,
                **dict(r.counts),
            }
            for r in status_summary(indicators)
        ]
    ),
    hide_index=True,
    width="stretch",
    key="indicators_summary",
    placeholder=MISSING,
)

projects = sorted({i.project_id for i in indicators})
project = st.selectbox("Project", projects, key="indicators_project")
mine = [i for i in indicators if i.project_id == project]
for h in HORIZONS:
    rows = [r for r in monitoring_rows(mine) if r.horizon == h]
    if not rows:
        continue
    st.markdown(f"**{HORIZON_LABELS[h].capitalize()}**")
    frame = pd.DataFrame([asdict(r) for r in rows]).drop(columns=["project_id", "horizon"])
    # Each figure in its own unit with separators, an empty actual a dash (the table's
    # default showed "560000.000000" and "None").
    for field in ("baseline", "target", "actual"):
        frame[field] = [numbers.value_in(getattr(r, field), r.unit) for r in rows]
    frame["unit"] = [numbers.unit_words(r.unit) for r in rows]
    st.dataframe(
        frame.style.map(status_fill, subset=["status"]),
        hide_index=True,
        width="stretch",
        key=f"indicators_table_{h}",
        placeholder=MISSING,
    )

if writer:
    st.subheader("Record actuals")
    st.caption(
        "Type the measured value (in the indicator's unit) and the share of the planned "
        "change due by now (0-1: 1 at the end of the horizon). Leave an actual empty if "
        "not measured yet."
    )
    with st.form("indicators_form"):
        edited = st.data_editor(
            pd.DataFrame(
                {
                    "name": [i.name for i in mine],
                    "horizon": [i.horizon for i in mine],
                    "unit": [i.unit for i in mine],
                    "baseline": [i.baseline for i in mine],
                    "target": [i.target for i in mine],
                    "actual": [i.actual for i in mine],
                    "expected_share": [i.expected_share for i in mine],
                }
            ).astype({"actual": "float", "baseline": "float"}),
            disabled=["name", "horizon", "unit", "baseline", "target"],
            column_config={
                "expected_share": st.column_config.NumberColumn(
                    "share due by now", min_value=0.0, max_value=1.0, step=0.05
                )
            },
            hide_index=True,
            key=f"indicators_edit_{project}",
        )
        save = st.form_submit_button("Save actuals", type="primary")
    if save:
        try:
            updated = indicators_with_actuals(mine, edited.to_dict("records"))
            n = save_project_indicators(eng, updated, user=user)
        except FormInvalid as exc:
            st.error(
                "Not saved:\n\n"
                + "\n".join(md(f"- **{p.field}**: {p.message}") for p in exc.problems)
            )
        except PermissionDenied as exc:
            st.error(f"Not saved: {exc}.")
        else:
            st.session_state["indicators_flash"] = f"Saved {n} indicator(s) of {project}."
            st.rerun()
