"""Scenarios: list the saved funding scenarios, reopen, duplicate, rename, delete, compare and
export them (Excel workbook, JSON for `fomento allocate`, a printable one-page brief).

Saving happens on the Plan page. Reopen hands over through ``pages._handover.open_in_plan``
(the Plan page's contract). Every write passes the current user to
``model.store.scenarios``, which checks the role.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from model.accounts import auth
from model.accounts.auth import PermissionDenied
from model.allocator.api import allocate
from model.allocator.result import AllocationResult
from model.allocator.scenario import Scenario
from model.formatting import numbers
from model.formatting.i18n import N_
from model.planning.brief import brief_html
from model.planning.charts import (
    candidate_records,
    metric_records,
    moved_chart,
    rule_records,
    totals_chart,
)
from model.planning.compare import Compared, TotalGroup, compare
from model.planning.readout import status_words
from model.planning.workbook import ScenarioDocument, file_stem, scenario_json, workbook
from model.store.scenarios import (
    SavedScenario,
    delete_scenario,
    duplicate_scenario,
    list_records,
    list_scenarios,
    rename_scenario,
    save_scenario,
)
from model.uncertainty.report import KIND_NAMES
from pages import _charts
from pages._handover import open_in_plan, select_in_scenarios, take_scenario_to_select
from pages._i18n import _, keep_choice, number_locale
from pages._shared import (
    BY_CONTENT,
    ILLUSTRATIVE_NOTE,
    current_user,
    engine,
    localized_dataframe,
    md,
    plain,
    show_flash,
)

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_COMPARE = 6  # more columns than this stop fitting a screen
ss = st.session_state
# A refused write, per action: without the right to write, and for any other reason.
NOT_ALLOWED = {
    "saved": N_(
        "Not saved: {error}. Sign in (sidebar) as an analyst or admin to change scenarios."
    ),
    "copied": N_(
        "Not copied: {error}. Sign in (sidebar) as an analyst or admin to change scenarios."
    ),
    "renamed": N_(
        "Not renamed: {error}. Sign in (sidebar) as an analyst or admin to change scenarios."
    ),
    "deleted": N_(
        "Not deleted: {error}. Sign in (sidebar) as an analyst or admin to change scenarios."
    ),
}
REFUSED = {
    "saved": N_("Not saved: {error}"),
    "copied": N_("Not copied: {error}"),
    "renamed": N_("Not renamed: {error}"),
    "deleted": N_("Not deleted: {error}"),
}
# The list's columns (model.store.scenarios.list_records keys), in words.
LIST_HEADINGS = {
    "Name": N_("Name"),
    "Notes": N_("Notes"),
    "Dataset": N_("Dataset"),
    "Objective": N_("Objective"),
    "Objective value": N_("Objective value"),
    "Budget (US$)": N_("Budget (US$)"),
    "Solved": N_("Solved"),
    "Version": N_("Version"),
    "Updated": N_("Updated"),
    "By": N_("By"),
}
# The comparison tables' fixed columns (model.planning.charts records keys), in words; the
# other columns are the scenarios' names, shown as typed.
COMPARE_HEADINGS = {
    "Figure": N_("Figure"),
    "Unit": N_("Unit"),
    "Candidate": N_("Candidate"),
    "Name": N_("Name"),
    "Kind": N_("Kind"),
    "Region": N_("Region"),
    "Rule": N_("Rule"),
    "Family": N_("Family"),
    "Meaning": N_("Meaning"),
}
# The chart choice: English keys (session state), shown translated.
VIEWS: dict[str, TotalGroup | None] = {
    N_("What moved"): None,
    N_("By instrument"): "kind",
    N_("By region"): "region",
    N_("By plan year"): "year",
}


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_CONTENT)
def _solve(scenario: Scenario, lang: str) -> AllocationResult:
    # Keyed by the whole scenario and the reader's locale (the result's sentences are in
    # it); used for scenarios saved without a result. ``lang`` is active already.
    return allocate(scenario)


def _compared(s: SavedScenario) -> Compared:
    """``ValueError`` when the stored inputs or result no longer parse."""
    result = s.result
    if result is not None:
        return Compared(s.name, s.scenario, result)
    # Solved through the page's cache so reruns do not solve again; never saved from here.
    return Compared(s.name, s.scenario, _solve(s.scenario, number_locale()), solved_now=True)


def _document(s: SavedScenario) -> ScenarioDocument:
    c = _compared(s)
    return ScenarioDocument(
        name=s.name,
        notes=s.notes,
        dataset=s.dataset,
        scenario=c.scenario,
        result=c.result,
        saved_by=s.created_by,
        saved_at=s.updated_at,
        version=s.version,
        solved_now=c.solved_now,
    )


@st.cache_data(max_entries=8, show_spinner=False, hash_funcs=BY_CONTENT)
def _brief_pdf(doc: ScenarioDocument) -> bytes:
    from model.planning.pdf import brief_pdf  # fpdf2 and the chart converter: on demand

    return brief_pdf(doc)


def _done(message: str) -> None:
    ss["scenarios_flash"] = message
    st.rerun()


def _refused(exc: Exception, what: str) -> None:
    if isinstance(exc, PermissionDenied):
        st.error(_(NOT_ALLOWED[what]).format(error=exc))
    else:  # StaleScenario or bad input: the message says what to do
        st.error(_(REFUSED[what]).format(error=exc))


# --- list ---------------------------------------------------------------------------------
st.title(_("Scenarios"))  # activates the reader's language for the model's text too
st.caption(
    _(
        "Saved funding scenarios: reopen one in Plan, copy, rename or delete it, compare two "
        "or more side by side, and export one as an Excel workbook, as JSON for `fomento "
        "allocate`, or as a printable one-page brief."
    )
)
eng = engine()
user = current_user()
show_flash("scenarios_flash")

saved = list_scenarios(eng)
if not saved:
    st.info(_("No saved scenarios yet: solve a plan on the **Plan** page and save it there."))
    st.stop()
by_id = {s.id: s for s in saved}
# The versions this user last saw: a write based on them is refused if someone else saved since.
seen: dict[int, int] = ss.get("scenarios_seen", {})
ss["scenarios_seen"] = {s.id: s.version for s in saved}

records = pd.DataFrame(list_records(saved)).round({"Objective value": 0})
records["Objective"] = [KIND_NAMES.get(k, k) for k in records["Objective"]]
heading = {k: _(v) for k, v in LIST_HEADINGS.items()}
localized_dataframe(
    records.rename(columns=heading),
    dict.fromkeys((heading["Objective value"], heading["Budget (US$)"]), "whole"),
    hide_index=True,
    placeholder=numbers.MISSING,  # an empty cell is a dash, never "None"
    width="stretch",
    key="scenarios_list",
    column_config={
        heading["Notes"]: st.column_config.TextColumn(width="large"),
        heading["Objective value"]: st.column_config.NumberColumn(format="localized"),
        heading["Budget (US$)"]: st.column_config.NumberColumn(format="localized"),
        heading["Solved"]: st.column_config.CheckboxColumn(help=_("Saved with a result")),
        heading["Updated"]: st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
        heading["By"]: st.column_config.TextColumn(_("Created by")),
    },
)
if any(s.dataset == "demo" for s in saved):
    st.caption(md(_(ILLUSTRATIVE_NOTE)))  # marked where the note is defined

# --- one scenario: reopen, solve, export, duplicate, rename, delete -------------------------
st.subheader(_("One scenario"))
# A write asks for the next selection here: a widget's state cannot change once it is drawn.
handed, next_id = take_scenario_to_select()
if handed:
    ss["scenarios_selected"] = next_id
if ss.get("scenarios_selected") not in by_id:
    ss.pop("scenarios_selected", None)
sid: int = st.selectbox(
    _("Scenario"), list(by_id), format_func=lambda i: by_id[i].name, key="scenarios_selected"
)
sel = by_id[sid]
base_version = seen.get(sid, sel.version)
if sel.notes:
    # Stored text is shown as typed: markdown in it is never rendered (no remote images).
    st.write(f"*{plain(sel.notes)}*")
can_write = auth.can(user, "scenario.save")
if not can_write:
    st.info(
        _(
            "You are viewing without signing in: you can reopen, compare and export. To copy, "
            "rename, delete or save a result, sign in (sidebar) as an analyst or admin."
        ),
        icon=":material/lock:",
    )

a1, a2, _a3 = st.columns([1, 1.4, 2])
if a1.button(_("Reopen in Plan"), icon=":material/open_in_new:", key="scenarios_reopen"):
    try:
        open_in_plan(sid)
    except StreamlitAPIException:
        st.error(_("The Plan page is not available in this installation."))
if not sel.solved:
    st.warning(
        _(
            "Saved without a result. **Solve now and save** solves it with its saved inputs "
            "and stores the result (your rights apply); comparisons and exports meanwhile use "
            "a result computed on the fly, which is not saved."
        ),
        icon=":material/pending:",
    )
    if a2.button(_("Solve now and save"), icon=":material/play_arrow:", key="scenarios_solve"):
        result = _solve(sel.scenario, number_locale())
        if result.objective is None:
            st.error(
                _(
                    "No feasible plan ({status}): reopen it in Plan to see which rules to "
                    "relax. Nothing was saved."
                ).format(status=status_words(result.status))
            )
        else:
            try:
                save_scenario(
                    eng,
                    user,
                    sel.scenario,
                    name=sel.name,
                    result=result,
                    notes=sel.notes,
                    dataset=sel.dataset,
                    scenario_id=sid,
                    base_version=base_version,
                )
            except (PermissionDenied, ValueError) as exc:
                _refused(exc, "saved")
            else:
                _done(_("Solved and saved the result of '{name}'.").format(name=sel.name))

st.markdown("**" + _("Export") + "**")
try:
    doc = _document(sel)
except ValueError as exc:
    st.error(_("Cannot export '{name}': {error}").format(name=sel.name, error=exc))
else:
    stem = file_stem(sel.name)
    e1, e2, e3, e4, _e5 = st.columns([1, 1, 1, 1, 1])
    e1.download_button(
        _("Excel workbook"),
        lambda: workbook(doc),
        file_name=f"{stem}.xlsx",
        mime=XLSX_MIME,
        icon=":material/download:",
        on_click="ignore",
        key="scenarios_dl_xlsx",
        help=_(
            "Summary, inputs, allocation, charts, totals, rules, unfunded, baseline, candidates."
        ),
    )
    e2.download_button(
        _("JSON for the CLI"),
        lambda: scenario_json(doc),
        file_name=f"{stem}.json",
        mime="application/json",
        icon=":material/data_object:",
        on_click="ignore",
        key="scenarios_dl_json",
        help=_("The inputs: `fomento allocate FILE` solves them again."),
    )
    e3.download_button(
        _("Printable brief"),
        lambda: brief_html(doc),
        file_name=f"{stem}.html",
        mime="text/html",
        icon=":material/print:",
        on_click="ignore",
        key="scenarios_dl_html",
        help=_("One page with charts: open it in a browser, print it (A4) or save it as PDF."),
    )
    e4.download_button(
        _("PDF brief"),
        lambda: _brief_pdf(doc),
        file_name=f"{stem}.pdf",
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        on_click="ignore",
        key="scenarios_dl_pdf",
        help=_("The same one-page brief as a PDF, ready to file."),
    )

w1, w2, w3 = st.columns(3)
with w1.container(border=True):
    default_copy = _("{name} (copy)").format(name=sel.name)
    copy_name = st.text_input(
        _("Name of the copy"), key="scenarios_copy_name", placeholder=default_copy
    )
    if st.button(_("Duplicate"), icon=":material/content_copy:", key="scenarios_duplicate"):
        try:
            new = duplicate_scenario(eng, user, sid, copy_name or default_copy)
        except (PermissionDenied, ValueError) as exc:
            _refused(exc, "copied")
        else:
            select_in_scenarios(new.id)
            _done(_("Copied '{name}' as '{copy}'.").format(name=sel.name, copy=new.name))
with w2.container(border=True):
    new_name = st.text_input(_("New name"), key="scenarios_new_name", placeholder=sel.name)
    if st.button(_("Rename"), icon=":material/edit:", key="scenarios_rename"):
        try:
            renamed = rename_scenario(eng, user, sid, new_name, base_version)
        except (PermissionDenied, ValueError) as exc:
            _refused(exc, "renamed")
        else:
            _done(
                _("Renamed '{name}' to '{new_name}' (version {version}).").format(
                    name=sel.name, new_name=renamed.name, version=renamed.version
                )
            )
with w3.container(border=True):
    sure = st.checkbox(
        _("Yes, delete '{name}' for good").format(name=plain(sel.name)),
        key=f"scenarios_delete_confirm_{sid}",
    )
    if st.button(_("Delete"), icon=":material/delete:", key="scenarios_delete"):
        if not sure:
            st.warning(_("Tick the box above to confirm; nothing was deleted."))
        else:
            try:
                delete_scenario(eng, user, sid, base_version)
            except (PermissionDenied, ValueError) as exc:
                _refused(exc, "deleted")
            else:
                select_in_scenarios(None)
                _done(_("Deleted '{name}'.").format(name=sel.name))

# --- compare --------------------------------------------------------------------------------
st.subheader(_("Compare"))
ss["scenarios_compare"] = [i for i in ss.get("scenarios_compare", []) if i in by_id]
chosen: list[int] = st.multiselect(
    _("Scenarios to compare (the first one is the reference of every Δ)"),
    list(by_id),
    format_func=lambda i: by_id[i].name,
    max_selections=MAX_COMPARE,
    key="scenarios_compare",
    placeholder=_("Choose options"),
    select_all=False,  # Streamlit words "Select all" itself, in English only; and MAX_COMPARE
)
if len(chosen) < 2:
    st.info(_("Pick two or more scenarios to see what differs and what moved."))
    st.stop()
try:
    comparison = compare([_compared(by_id[i]) for i in chosen])
except ValueError as exc:
    st.error(_("Cannot compare: {error}").format(error=exc))
    st.stop()
for note in comparison.notes:
    st.warning(md(note), icon=":material/info:")
st.markdown(
    _("**Difference table** (Δ = scenario minus '{name}')").format(name=plain(comparison.names[0]))
)
# st.table renders markdown in its headers too: the scenario names are shown as typed.
fixed = {k: _(v) for k, v in COMPARE_HEADINGS.items()}  # made in this run, in its language


def _table_heading(col: str) -> str:
    """A difference-table heading: a fixed column in words, a scenario's name as typed."""
    if col in fixed:
        return fixed[col]
    return "Δ " + plain(col[2:]) if col.startswith("Δ ") else plain(col)


figures = pd.DataFrame(metric_records(comparison))
figures = figures.set_index(figures.columns[0])  # the figure's name
st.table(figures.rename(columns=_table_heading).rename_axis(fixed["Figure"]))

# One chart at a time: Vega charts drawn inside hidden tabs came out empty or squashed.
view_words = {v: _(v) for v in VIEWS}  # made in this run (AppTest formats in another thread)
keep_choice("scenarios_chart", view_words)
view = st.radio(
    _("Chart"),
    list(VIEWS),
    format_func=view_words.__getitem__,
    horizontal=True,
    key="scenarios_chart",
)
group = VIEWS[view]
if group is not None:
    _charts.show(totals_chart(comparison, group), f"fomento-compare-{group}", f"scenarios_{group}")
elif comparison.moved():
    _charts.show(moved_chart(comparison), "fomento-compare-moved", "scenarios_moved")
else:
    st.info(_("No candidate's funding changed by US\\$1 or more."))

st.markdown(_("**Funding per candidate** (public US\\$ over the horizon, Δ vs the reference)"))
only_moved = st.toggle(
    _("Only candidates whose funding changed"), value=True, key="scenarios_moved_only"
)
money_cols = {n: st.column_config.NumberColumn(format="localized") for n in comparison.names}
money_cols.update(
    {f"Δ {n}": st.column_config.NumberColumn(format="localized") for n in comparison.names[1:]}
)
localized_dataframe(
    pd.DataFrame(candidate_records(comparison, only_moved)).round(0).rename(columns=fixed),
    dict.fromkeys(money_cols, "whole"),
    hide_index=True,
    placeholder=numbers.MISSING,  # an empty cell is a dash, never "None"
    width="stretch",
    key="scenarios_candidates",
    column_config=money_cols,
)
with st.expander(
    _("Binding rules ({n} bind in at least one scenario)").format(n=len(comparison.rules))
):
    st.caption(
        _(
            "Portfolio-wide rules first, then rules that bind in some scenarios only. The "
            "number is the shadow price: what one more unit of the rule's limit adds to the "
            "objective."
        )
    )
    rules = pd.DataFrame(rule_records(comparison)).rename(columns=fixed)
    # The last column is the rule's meaning in a sentence (its heading in the reader's words).
    wide = {rules.columns[-1]: st.column_config.TextColumn(width="large")} if len(rules) else {}
    st.dataframe(
        rules,
        hide_index=True,
        placeholder=numbers.MISSING,  # an empty cell is a dash, never "None"
        width="stretch",
        key="scenarios_rules",
        column_config=wide,
    )
