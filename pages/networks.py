"""Networks (NET): UNIDO Network Evaluation Tool assessments over time, score, stage,
benchmark, and the fee share a network's stage implies for its broker."""

from datetime import date

import pandas as pd
import streamlit as st

from model import DATA_DIR
from model.accounts.auth import PermissionDenied
from model.formatting import numbers
from model.formatting.numbers import MISSING
from model.planning.charts import benchmark_chart, net_heatmap, net_history_chart
from model.screening.forms import FormInvalid, assessment_from_grid
from model.screening.net import (
    DEFAULT_FEE_SHARES,
    FEE_SOURCE,
    INDICATOR_LABELS,
    INDICATORS,
    MAJORITY,
    SOURCE,
    STAGE_LABELS,
    STAGES,
    STATUS_LABELS,
    STATUSES,
    benchmark,
    fee_schedule_for_network,
    fee_share_for_stage,
    history,
    latest,
    matrix_cells,
)
from model.store.importer import ImportRejected
from model.store.net_files import (
    fetch_net_assessments,
    import_net_assessments,
    parse_net_assessments,
    save_net_assessments,
)
from pages import _charts
from pages._i18n import _, keep_choice, ngettext
from pages._shared import current_user, engine, may_write, md, plain, show_flash

EXAMPLE = DATA_DIR / "net_example.csv"
DEFAULT_YEARS = 4
NEW_NETWORK = "(new network)"  # the picker's sentinel value; shown as _("(new network)")


def stage_name(stage: str | None) -> str:
    return STAGE_LABELS[stage] if stage else _("not yet at promotion")


def import_and_rerun(name: str, payload: bytes) -> None:
    try:
        report = import_net_assessments(eng, payload, name, user=user)
    except (ImportRejected, PermissionDenied) as exc:
        st.error(_("Not imported: {problem}").format(problem=exc))
    else:
        st.session_state["networks_flash"] = _("Imported {name}: {summary}.").format(
            name=name, summary=report.summary()
        )
        st.rerun()


st.title(_("Networks (NET)"))
st.caption(
    _(
        "The Network Evaluation Tool scores a network on 7 indicators at 5 development stages: "
        "achieved, partly or not ({source}). Score = share of the 35 cells (achieved 1, partly "
        "0.5); stage = the last stage with at least {majority} of 7 cells achieved, every "
        "earlier stage too."
    ).format(source=_(SOURCE), majority=MAJORITY)
)
eng = engine()
user = current_user()
writer = may_write(user, "net.write", _("record assessments"))
show_flash("networks_flash")

assessments = fetch_net_assessments(eng)

with st.expander(_("Import assessments (CSV or Excel)"), expanded=not assessments):
    st.markdown(
        _(
            "One row per assessment; each indicator column holds its five stage cells as codes "
            "in stage order, A achieved, P partly, N not (`AAPNN`). The example is illustrative."
        )
    )
    st.download_button(
        _("Example file ({name})").format(name=EXAMPLE.name),
        EXAMPLE.read_bytes(),
        file_name=EXAMPLE.name,
        mime="text/csv",
        key="networks_example_dl",
    )
    # Reading an upload costs the server memory and time: only a role that may import it may.
    upload = (
        st.file_uploader(_("NET file"), type=["csv", "xlsx"], key="networks_upload")
        if writer
        else None
    )
    if (
        writer
        and not assessments
        and st.button(_("Load the example assessments"), key="networks_load_example")
    ):
        import_and_rerun(EXAMPLE.name, EXAMPLE.read_bytes())
    if upload is not None:
        payload = upload.getvalue()
        try:
            parsed = parse_net_assessments(payload, upload.name)
        except ImportRejected as exc:
            st.error(
                _("**{name} was rejected; nothing was written.**").format(name=upload.name)
                + "\n\n"
                + "\n".join(f"- {p}" for p in exc.problems)
            )
        else:
            st.success(
                ngettext(
                    "{name} is valid: {n} assessment(s).",
                    "{name} is valid: {n} assessment(s).",
                    len(parsed),
                ).format(name=upload.name, n=numbers.count(len(parsed)))
            )
            if writer and st.button(_("Import these assessments"), key="networks_go"):
                import_and_rerun(upload.name, payload)

if not assessments:
    st.info(_("No NET assessment yet: import the example file above."))
    st.stop()

last = latest(assessments)
names = {nid: a.network_name for nid, a in last.items()}
network = st.selectbox(
    _("Network"),
    sorted(last),
    format_func=lambda n: f"{n}: {names[n]}" if names[n] else n,
    key="networks_pick",
)
mine = [a for a in assessments if a.network_id == network]
current = last[network]
points = history(assessments, network)
# The score column is wide enough for "+70 percentage points since first".
c1, c2, c3, c4 = st.columns([2, 2, 1, 1])
c1.metric(_("Current stage"), stage_name(current.stage))
# A change of a score (a share) is in percentage points, not per cent.
c2.metric(
    _("NET score"),
    numbers.share(current.score),
    delta=(
        _("{points} since first").format(points=numbers.points(current.score - points[0].score))
        if len(points) > 1
        else None
    ),
)
c3.metric(_("Expected fee share"), numbers.share(fee_share_for_stage(current.stage)))
c4.metric(_("Assessments"), len(mine))

shown = st.selectbox(
    _("Assessment shown in the matrix"),
    [a.assessed_on for a in reversed(mine)],
    format_func=lambda d: d.isoformat(),
    key="networks_date",
)
pick = next(a for a in mine if a.assessed_on == shown)
_charts.show(
    net_heatmap(
        matrix_cells(pick), _("{network} on {date}").format(network=network, date=shown.isoformat())
    ),
    f"fomento-net-{network}-{shown.isoformat()}",
    "networks_heatmap",
)
if pick.note or pick.assessor:
    # Stored text is shown as typed: markdown in it is never rendered (no remote images).
    st.caption(
        plain(
            _("Assessor: {assessor}. {note}").format(
                assessor=pick.assessor or _("n/a"), note=pick.note
            )
        )
    )
# One under the other: side by side, the benchmark's long network names pushed its bars
# out of its half of the page.
_charts.show(
    net_history_chart(points, _("{network}: score over time").format(network=network)),
    f"fomento-net-{network}-history",
    "networks_line",
)
rows = benchmark(assessments)
_charts.show(
    benchmark_chart(rows, network, _("Latest score of each network")),
    "fomento-net-benchmark",
    "networks_bench",
)

st.subheader(_("Benchmark"))
st.dataframe(
    pd.DataFrame(
        [
            {
                _("rank"): r.rank,
                _("network"): r.network_id,
                _("name"): r.network_name,
                _("latest assessment"): r.assessed_on.isoformat(),
                _("score"): numbers.share(r.score),
                _("stage"): stage_name(r.stage),
                _("change since first"): numbers.points(r.change_since_first),
                _("vs median"): numbers.points(r.vs_median),
            }
            for r in rows
        ]
    ),
    hide_index=True,
    width="stretch",
    key="networks_bench_table",
    placeholder=MISSING,
)

st.subheader(_("Fee share for the network's broker"))
st.markdown(
    _(
        "A network's stage sets the share of its broker's cost it is expected to pay (self-"
        "managing networks pay more). A broker candidate with this fee schedule feeds the "
        "allocator's cost-recovery rule: public subsidy at most (1 - fee share) x cost."
    )
)
c1, c2 = st.columns(2)
years = int(c1.number_input(_("Years of operation"), 1, 10, DEFAULT_YEARS, key="networks_years"))
# Option labels are worded here, in the reader's language, and looked up when shown.
step_words: dict[int | None, str] = {
    None: _("stays at the current stage"),
    **{n: _("moves up every {n} yr").format(n=numbers.count(n)) for n in (1, 2, 3)},
}
keep_choice("networks_step", step_words)
step = c2.selectbox(
    _("Stage over the years"),
    list(step_words),
    format_func=step_words.__getitem__,
    key="networks_step",
)
schedule = fee_schedule_for_network(assessments, network, years, years_per_stage=step)
year_heading, fee_heading = _("year"), _("fee share")
st.dataframe(
    pd.DataFrame(
        {
            year_heading: list(range(1, years + 1)),
            fee_heading: [numbers.share(v) for v in schedule],
        }
    )
    .set_index(year_heading)
    .T,
    width="stretch",
    key="networks_fees",
    placeholder=MISSING,
)
st.caption(
    _("Fee share by stage: {shares}. Source: {source}.").format(
        shares=", ".join(
            f"{STAGE_LABELS[s]} {numbers.share(DEFAULT_FEE_SHARES[s])}" for s in STAGES
        ),
        source=_(FEE_SOURCE),
    )
)

if writer:
    st.subheader(_("Record an assessment"))
    new_network_words = _("(new network)")
    status_words: dict[str, str] = {s: STATUS_LABELS[s] for s in STATUSES}
    with st.form("networks_form"):
        c1, c2, c3 = st.columns(3)
        target = c1.selectbox(
            _("Network"),
            [*sorted(last), NEW_NETWORK],
            format_func=lambda n: new_network_words if n == NEW_NETWORK else n,
            key="networks_f_pick",
        )
        new_id = c2.text_input(_("New network id (if new)"), key="networks_f_id")
        new_name = c3.text_input(_("New network name (if new)"), key="networks_f_name")
        c1, c2, c3 = st.columns(3)
        on = c1.date_input(_("Assessed on"), date.today(), key="networks_f_date")
        assessor = c2.text_input(_("Assessor"), value=user.username, key="networks_f_assessor")
        note = c3.text_input(_("Note"), key="networks_f_note")
        st.caption(
            _(
                "Start from the selected network's latest matrix and change what moved. "
                "Empty cells count as not achieved."
            )
        )
        grid = st.data_editor(
            pd.DataFrame(
                [list(row) for row in current.cells],
                index=[INDICATOR_LABELS[i] for i in INDICATORS],
                columns=[STAGE_LABELS[s] for s in STAGES],
            ),
            column_config={
                STAGE_LABELS[s]: st.column_config.SelectboxColumn(
                    options=list(STATUSES), format_func=lambda v: status_words[str(v)]
                )
                for s in STAGES
            },
            key="networks_f_grid",
        )
        save = st.form_submit_button(_("Save assessment"), type="primary")
    if save:
        is_new = target == NEW_NETWORK
        try:
            assessment = assessment_from_grid(
                new_id if is_new else str(target),
                new_name if is_new else names[str(target)],
                on if isinstance(on, date) else date.today(),
                grid.values.tolist(),
                assessor=assessor,
                note=note,
            )
            save_net_assessments(eng, [assessment], user=user)
        except FormInvalid as exc:
            st.error(
                _("Not saved:")
                + "\n\n"
                + "\n".join(md(f"- **{p.field}**: {p.message}") for p in exc.problems)
            )
        except PermissionDenied as exc:
            st.error(_("Not saved: {problem}.").format(problem=exc))
        else:
            st.session_state["networks_flash"] = _(
                "Saved {network} on {date}: score {score}, stage {stage}."
            ).format(
                network=assessment.network_id,
                date=assessment.assessed_on,
                score=numbers.share(assessment.score),
                stage=stage_name(assessment.stage),
            )
            st.rerun()
