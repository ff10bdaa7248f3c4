"""Indicators: IDB monitoring indicators of each funded project (short, medium and long
run), baseline, target and actual, a status at a glance, and an Excel export."""

from dataclasses import asdict

import pandas as pd
import streamlit as st

from model.accounts.auth import PermissionDenied
from model.formatting import numbers
from model.formatting.i18n import N_
from model.formatting.numbers import MISSING
from model.screening.forms import FormInvalid, indicators_with_actuals
from model.screening.indicators import (
    AT_RISK_RATIO,
    ON_TRACK_RATIO,
    SOURCE,
    STATUS_FILLS,
    STATUS_LABELS,
    STATUSES,
    indicators_xlsx_bytes,
    status_summary,
)
from model.screening.proposals import HORIZON_LABELS, HORIZONS
from model.screening.tables import STATUS_COLOURS, monitoring_rows
from model.store.screening import fetch_project_indicators, save_project_indicators
from pages._i18n import _, ngettext, number_locale
from pages._shared import current_user, engine, localized_table, may_write, md, show_flash


def status_fill(status: object) -> str:
    """Cell style: the Excel export's status colour, so screen and file agree."""
    fill = STATUS_FILLS.get(str(status))
    return f"background-color: #{fill}" if fill else ""


def status_badge(status: str) -> str:
    """A coloured badge naming the status in the reader's language."""
    return f":{STATUS_COLOURS[status]}-badge[{STATUS_LABELS[status]}]"


HORIZON_WORDS = {"short": N_("short"), "medium": N_("medium"), "long": N_("long")}
# Table columns (dataclass fields and the editor's keys) and their headings on screen.
HEADINGS = {
    "name": N_("name"),
    "horizon": N_("horizon"),
    "unit": N_("unit"),
    "baseline": N_("baseline"),
    "target": N_("target"),
    "actual": N_("actual"),
    "status": N_("status"),
    "reason": N_("reason"),
}


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

st.title(_("Indicators"))
st.caption(
    _(
        "Per funded project, the IDB monitoring indicators ({source}): short run (during the "
        "project), medium run (at its end), long run (three years after). Status: on track when "
        "at least {on_track} of the change due by now is achieved, at risk from "
        "{at_risk}, off track below; an actual without a baseline is at risk."
    ).format(
        source=_(SOURCE),
        on_track=numbers.share(ON_TRACK_RATIO, locale=number_locale()),
        at_risk=numbers.share(AT_RISK_RATIO, locale=number_locale()),
    )
)
eng = engine()
user = current_user()
writer = may_write(user, "indicator.write", _("record actuals"))
show_flash("indicators_flash")

indicators = fetch_project_indicators(eng)
if not indicators:
    st.info(
        _(
            "No funded project is monitored yet. On **Proposals**, tab *Hand-over to a plan*, "
            "solve a plan, then click *Start monitoring* for the funded proposals."
        )
    )
    st.stop()

st.download_button(
    _("Download all indicators (.xlsx)"),
    indicators_xlsx_bytes(indicators),
    file_name="fomento-indicators.xlsx",
    mime=XLSX_MIME,
    key="indicators_xlsx",
)

st.subheader(_("At a glance"))
counts = {s: sum(1 for i in indicators if i.status == s) for s in STATUSES}
for col, s in zip(st.columns(len(STATUSES)), STATUSES, strict=True):
    col.metric(status_badge(s), counts[s])
st.dataframe(
    pd.DataFrame(
        [
            {
                _("project"): r.project_id,
                _("horizon"): _(HORIZON_WORDS[r.horizon]),
                **{STATUS_LABELS[s]: n for s, n in r.counts},
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
# A worded status's colour (the table shows the status in the reader's language).
fill_of = {STATUS_LABELS[s]: status_fill(s) for s in STATUSES}
project = st.selectbox(_("Project"), projects, key="indicators_project")
mine = [i for i in indicators if i.project_id == project]
for h in HORIZONS:
    rows = [r for r in monitoring_rows(mine) if r.horizon == h]
    if not rows:
        continue
    st.markdown(f"**{_(HORIZON_LABELS[h]).capitalize()}**")
    frame = pd.DataFrame([asdict(r) for r in rows]).drop(columns=["project_id", "horizon"])
    # Each figure in its own unit with separators, an empty actual a dash (the table's
    # default showed "560000.000000" and "None").
    for field in ("baseline", "target", "actual"):
        frame[field] = [numbers.value_in(getattr(r, field), r.unit) for r in rows]
    frame["unit"] = [numbers.unit_words(r.unit) for r in rows]
    frame["status"] = [STATUS_LABELS[r.status] for r in rows]
    frame = frame.rename(columns={k: _(v) for k, v in HEADINGS.items()})
    st.dataframe(
        frame.style.map(lambda v: fill_of.get(v, ""), subset=[_(HEADINGS["status"])]),
        hide_index=True,
        width="stretch",
        key=f"indicators_table_{h}",
        placeholder=MISSING,
    )

if writer:
    st.subheader(_("Record actuals"))
    st.caption(
        _(
            "Type the measured value (in the indicator's unit) and the share of the planned "
            "change due by now (0-1: 1 at the end of the horizon). Leave an actual empty if "
            "not measured yet."
        )
    )
    # The editor's column keys are what ``indicators_with_actuals`` reads back; the
    # reader sees them as translated headings (column_config labels).
    editor_columns = ("name", "horizon", "unit", "baseline", "target", "actual")
    records = [
        {
            **{c: getattr(i, c) for c in editor_columns},
            # Shown only (not read back): the horizon and the unit in words, as above.
            "horizon": _(HORIZON_WORDS[i.horizon]),
            "unit": numbers.unit_words(i.unit),
            "expected_share": i.expected_share,
        }
        for i in mine
    ]
    # Baseline and target (read-only) in the reader's number locale ("560.000"), an empty
    # one blank rather than "None"; the figures stay numbers.
    editor_table, editor_config = localized_table(
        pd.DataFrame(records, columns=[*editor_columns, "expected_share"]).astype(
            {"actual": "float", "baseline": "float", "target": "float"}
        ),
        {"baseline": "number", "target": "number"},
        {
            **{c: st.column_config.Column(_(HEADINGS[c])) for c in editor_columns},
            **{
                c: st.column_config.NumberColumn(_(HEADINGS[c]), format="localized")
                for c in ("baseline", "target")
            },
            "expected_share": st.column_config.NumberColumn(
                _("share due by now"), min_value=0.0, max_value=1.0, step=0.05
            ),
        },
    )
    with st.form("indicators_form"):
        edited = st.data_editor(
            editor_table,
            disabled=["name", "horizon", "unit", "baseline", "target"],
            column_config=editor_config,
            hide_index=True,
            key=f"indicators_edit_{project}",
        )
        save = st.form_submit_button(_("Save actuals"), type="primary")
    if save:
        try:
            updated = indicators_with_actuals(mine, edited.to_dict("records"))
            n = save_project_indicators(eng, updated, user=user)
        except FormInvalid as exc:
            st.error(
                _("Not saved:")
                + "\n\n"
                + "\n".join(md(f"- **{p.field}**: {p.message}") for p in exc.problems)
            )
        except PermissionDenied as exc:
            st.error(_("Not saved: {problem}.").format(problem=exc))
        else:
            st.session_state["indicators_flash"] = ngettext(
                "Saved {n} indicator(s) of {project}.",
                "Saved {n} indicator(s) of {project}.",
                n,
            ).format(n=numbers.count(n, locale=number_locale()), project=project)
            st.rerun()
