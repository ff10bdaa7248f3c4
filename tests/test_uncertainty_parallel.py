"""Draws give bit-identical results whichever executor ran them: this process, a local
process pool, or a Dask LocalCluster reached through ``FOMENTO_DASK_SCHEDULER``."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from distributed import LocalCluster

from model.uncertainty.drawsolve import DrawResults
from model.uncertainty.montecarlo import monte_carlo_to_json, run_monte_carlo
from model.uncertainty.parallel import ENV_SCHEDULER, choose, run_draws
from model.uncertainty.sampling import CostRange, DrawSpec, draw_samples
from tests.test_uncertainty import demo

DRAWS = 24


def same(a: DrawResults, b: DrawResults) -> bool:
    return all(
        np.array_equal(x, y, equal_nan=True)
        for x, y in (
            (a.ok, b.ok),
            (a.objective, b.objective),
            (a.spend, b.spend),
            (a.outcome, b.outcome),
            (a.scale, b.scale),
        )
    )


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    # Two single-threaded workers in this process: a real scheduler, without spawning;
    # the dashboard on a free port, since parallel test workers would clash on 8787.
    c = LocalCluster(  # type: ignore[no-untyped-call]  # distributed leaves it untyped
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    )
    with c:
        yield c


@pytest.mark.parametrize("costs", [CostRange(), CostRange(1.0, 1.0, 1.3)], ids=["fixed", "drawn"])
def test_serial_process_pool_and_dask_agree_exactly(
    costs: CostRange, cluster: LocalCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    sc = demo()
    samples = draw_samples(sc, DrawSpec(DRAWS, seed=21, costs=costs))
    serial, used = run_draws(sc, samples, "serial")
    assert used == "serial" and serial.ok.all()
    pooled, used = run_draws(sc, samples, "process", workers=2)
    assert used == "process" and same(serial, pooled)
    monkeypatch.setenv(ENV_SCHEDULER, cluster.scheduler_address)
    seen: list[int] = []
    dasked, used = run_draws(sc, samples, "auto", progress=lambda done, total: seen.append(done))
    assert used == "dask" and same(serial, dasked)
    assert seen[-1] == DRAWS and seen == sorted(seen)


def test_monte_carlo_summary_is_the_same_on_dask(cluster: LocalCluster) -> None:
    sc = demo()
    spec = DrawSpec(DRAWS, seed=8)
    local = run_monte_carlo(sc, spec, "serial")
    remote = run_monte_carlo(sc, spec, "dask", address=cluster.scheduler_address)
    assert remote.executor == "dask"
    assert monte_carlo_to_json(local) == monte_carlo_to_json(remote)


def test_auto_stays_serial_for_small_runs_and_needs_an_address_for_dask(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(ENV_SCHEDULER, raising=False)
    sc = demo()
    assert choose(sc, draw_samples(sc, DrawSpec(10)), "auto") == "serial"
    with pytest.raises(ValueError, match=ENV_SCHEDULER):
        run_draws(sc, draw_samples(sc, DrawSpec(4)), "dask")
    with pytest.raises(ValueError, match="executor"):
        choose(sc, draw_samples(sc, DrawSpec(4)), "threads")  # type: ignore[arg-type]


def test_process_pool_workers_do_not_rerun_a_page_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Under Streamlit (and AppTest) ``__main__`` is a page script; a spawned worker that
    # re-imported it would run the page. This one would leave a marker file and fail.
    marker = tmp_path / "page-ran"
    script = tmp_path / "page.py"
    script.write_text(f"open({str(marker)!r}, 'w').close()\nraise SystemExit('page ran')\n")
    page = types.ModuleType("__main__")
    page.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", page)
    sc = demo()
    samples = draw_samples(sc, DrawSpec(4, seed=3))
    pooled, used = run_draws(sc, samples, "process", workers=2)
    assert used == "process" and pooled.ok.all()
    assert not marker.exists()
    assert sys.modules["__main__"] is page


def test_value_of_information_is_the_same_on_every_executor(
    cluster: LocalCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The candidates' lines and the instruments' re-solves are spread like the draws.
    from model.uncertainty.voi import value_of_information

    spec = DrawSpec(DRAWS, seed=8)
    stages: list[str] = []
    serial = value_of_information(
        demo(), spec, "serial", progress=lambda stage, done, total: stages.append(stage)
    )
    pooled = value_of_information(demo(), spec, "process", workers=2)
    monkeypatch.setenv(ENV_SCHEDULER, cluster.scheduler_address)
    dasked = value_of_information(demo(), spec, "auto")
    for other in (pooled, dasked):
        assert other.evpi == serial.evpi
        assert [(g.label, g.evppi, g.se) for g in other.groups] == [
            (g.label, g.evppi, g.se) for g in serial.groups
        ]
    assert stages[0] == "wait-and-see optimum per draw"
    assert "each candidate's returns" in stages and "the matching grants' returns" in stages
