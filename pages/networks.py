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
from pages._shared import current_user, engine, may_write, md, plain, show_flash

EXAMPLE = DATA_DIR / "net_example.csv"
DEFAULT_YEARS = 4
NEW_NETWORK = "(new network)"


def stage_name(stage: str | None) -> str:
    return STAGE_LABELS[stage] if stage else "not yet at promotion"


def import_and_rerun(name: str, payload: bytes) -> None:
    try:
        report = import_net_assessments(eng, payload, name, user=user)
    except (ImportRejected, PermissionDenied) as exc:
        st.error(f"Not imported: {exc}")
    else:
        st.session_state["networks_flash"] = f"Imported {name}: {report.summary()}."
        st.rerun()


st.title("Networks (NET)")
st.caption(
    "The Network Evaluation Tool scores a network on 7 indicators at 5 development stages: "
    f"achieved, partly or not ({SOURCE}). Score = share of the 35 cells (achieved 1, partly "
    f"0.5); stage = the last stage with at least {MAJORITY} of 7 cells achieved, every "
    "earlier stage too."
)
eng = engine()
user = current_user()
writer = may_write(user, "net.write", "record assessments")
show_flash("networks_flash")

assessments = fetch_net_assessments(eng)

with st.expander("Import assessments (CSV or Excel)", expanded=not assessments):
    st.markdown(
        "One row per assessment; each indicator column holds its five stage cells as codes "
        "in stage order, A achieved, P partly, N not (`AAPNN`). The example is illustrative."
    )
    st.download_button(
        "Example file (net_example.csv)",
        EXAMPLE.read_bytes(),
        file_name=EXAMPLE.name,
        mime="text/csv",
        key="networks_example_dl",
    )
    # Reading an upload costs the server memory and time: only a role that may import it may.
    upload = (
        st.file_uploader("NET file", type=["csv", "xlsx"], key="networks_upload")
        if writer
        else None
    )
    if (
        writer
        and not assessments
        and st.button("Load the example assessments", key="networks_load_example")
    ):
        import_and_rerun(EXAMPLE.name, EXAMPLE.read_bytes())
    if upload is not None:
        payload = upload.getvalue()
        try:
            parsed = parse_net_assessments(payload, upload.name)
        except ImportRejected as exc:
            st.error(
                f"**{upload.name} was rejected; nothing was written.**\n\n"
                + "\n".join(f"- {p}" for p in exc.problems)
            )
        else:
            st.success(f"{upload.name} is valid: {len(parsed)} assessment(s).")
            if writer and st.button("Import these assessments", key="networks_go"):
                import_and_rerun(upload.name, payload)

if not assessments:
    st.info("No NET assessment yet: import the example file above.")
    st.stop()

last = latest(assessments)
names = {nid: a.network_name for nid, a in last.items()}
network = st.selectbox(
    "Network",
    sorted(last),
    format_func=lambda n: f"{n}: {names[n]}" if names[n] else n,
    key="networks_pick",
)
mine = [a for a in assessments if a.network_id == network]
current = last[network]
points = history(assessments, network)
# The score column is wide enough for "+70 percentage points since first".
c1, c2, c3, c4 = st.columns([2, 2, 1, 1])
c1.metric("Current stage", stage_name(current.stage))
# A change of a score (a share) is in percentage points, not per cent.
c2.metric(
    "NET score",
    numbers.share(current.score),
    delta=(
        f"{numbers.points(current.score - points[0].score)} since first"
        if len(points) > 1
        else None
    ),
)
c3.metric("Expected fee share", numbers.share(fee_share_for_stage(current.stage)))
c4.metric("Assessments", len(mine))

shown = st.selectbox(
    "Assessment shown in the matrix",
    [a.assessed_on for a in reversed(mine)],
    format_func=lambda d: d.isoformat(),
    key="networks_date",
)
pick = next(a for a in mine if a.assessed_on == shown)
_charts.show(
    net_heatmap(matrix_cells(pick), f"{network} on {shown.isoformat()}"),
    f"fomento-net-{network}-{shown.isoformat()}",
    "networks_heatmap",
)
if pick.note or pick.assessor:
    # Stored text is shown as typed: markdown in it is never rendered (no remote images).
    st.caption(plain(f"Assessor: {pick.assessor or 'n/a'}. {pick.note}"))
# One under the other: side by side, the benchmark's long network names pushed its bars
# out of its half of the page.
_charts.show(
    net_history_chart(points, f"{network}: score over time"),
    f"fomento-net-{network}-history",
    "networks_line",
)
rows = benchmark(assessments)
_charts.show(
    benchmark_chart(rows, network, "Latest score of each network"),
    "fomento-net-benchmark",
    "networks_bench",
)

st.subheader("Benchmark")
st.dataframe(
    pd.DataFrame(
        [
            {
                "rank": r.rank,
                "network": r.network_id,
                "name": r.network_name,
                "latest assessment": r.assessed_on.isoformat(),
                "score": numbers.share(r.score),
                "stage": stage_name(r.stage),
                "change since first": numbers.points(r.change_since_first),
                "vs median": numbers.points(r.vs_median),
            }
            for r in rows
        ]
    ),
    hide_index=True,
    width="stretch",
    key="networks_bench_table",
    placeholder=MISSING,
)

st.subheader("Fee share for the network's broker")
st.markdown(
    "A network's stage sets the share of its broker's cost it is expected to pay (self-"
    "managing networks pay more). A broker candidate with this fee schedule feeds the "
    "allocator's cost-recovery rule: public subsidy at most (1 - fee share) x cost."
)
c1, c2 = st.columns(2)
years = int(c1.number_input("Years of operation", 1, 10, DEFAULT_YEARS, key="networks_years"))
step = c2.selectbox(
    "Stage over the years",
    [None, 1, 2, 3],
    format_func=lambda n: "stays at the current stage" if n is None else f"moves up every {n} yr",
    key="networks_step",
)
schedule = fee_schedule_for_network(assessments, network, years, years_per_stage=step)
st.dataframe(
    pd.DataFrame(
        {"year": list(range(1, years + 1)), "fee share": [numbers.share(v) for v in schedule]}
    )
    .set_index("year")
    .T,
    width="stretch",
    key="networks_fees",
    placeholder=MISSING,
)
st.caption(
    "Fee share by stage: "
    + ", ".join(f"{STAGE_LABELS[s]} {numbers.share(DEFAULT_FEE_SHARES[s])}" for s in STAGES)
    + f". Source: {FEE_SOURCE}."
)

if writer:
    st.subheader("Record an assessment")
    with st.form("networks_form"):
        c1, c2, c3 = st.columns(3)
        target = c1.selectbox("Network", [*sorted(last), NEW_NETWORK], key="networks_f_pick")
        new_id = c2.text_input("New network id (if new)", key="networks_f_id")
        new_name = c3.text_input("New network name (if new)", key="networks_f_name")
        c1, c2, c3 = st.columns(3)
        on = c1.date_input("Assessed on", date.today(), key="networks_f_date")
        assessor = c2.text_input("Assessor", value=user.username, key="networks_f_assessor")
        note = c3.text_input("Note", key="networks_f_note")
        st.caption(
            "Start from the selected network's latest matrix and change what moved. "
            "Empty cells count as not achieved."
        )
        grid = st.data_editor(
            pd.DataFrame(
                [list(row) for row in current.cells],
                index=[INDICATOR_LABELS[i] for i in INDICATORS],
                columns=[STAGE_LABELS[s] for s in STAGES],
            ),
            column_config={
                STAGE_LABELS[s]: st.column_config.SelectboxColumn(options=list(STATUSES))
                for s in STAGES
            },
            key="networks_f_grid",
        )
        save = st.form_submit_button("Save assessment", type="primary")
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
                "Not saved:\n\n"
                + "\n".join(md(f"- **{p.field}**: {p.message}") for p in exc.problems)
            )
        except PermissionDenied as exc:
            st.error(f"Not saved: {exc}.")
        else:
            st.session_state["networks_flash"] = (
                f"Saved {assessment.network_id} on {assessment.assessed_on}: score "
                f"{numbers.share(assessment.score)}, stage {stage_name(assessment.stage)}."
            )
            st.rerun()
