"""Run draws in chunks: in this process, in a local process pool, or on a Dask cluster.

Every chunk is ``drawsolve.solve_samples`` on a slice of the draws made up front,
and every draw is solved from the same start, so the joined results are
bit-identical whichever executor ran them and however the draws were split.

``executor="auto"`` uses the Dask distributed scheduler named by the environment
variable ``FOMENTO_DASK_SCHEDULER`` (e.g. ``tcp://10.0.0.5:8786``; its workers need
fomento installed), else a pool of ``LOCAL_WORKERS`` processes when the run is
big enough to repay starting them, else this process.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import sys
import types
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from functools import partial
from typing import Literal, ParamSpec, TypeVar

from model.allocator.scenario import Scenario
from model.formatting.i18n import _, active, using
from model.uncertainty.drawsolve import DrawResults, needs_rebuild, solve_samples
from model.uncertainty.sampling import SampleSet

Executor = Literal["auto", "serial", "process", "dask"]
EXECUTORS: tuple[Executor, ...] = ("auto", "serial", "process", "dask")
ENV_SCHEDULER = "FOMENTO_DASK_SCHEDULER"
LOCAL_WORKERS = 2
# Chunks per worker: more chunks move the progress bar more often; each chunk also
# builds and solves the central model once (a few ms at 200 candidates).
CHUNKS_PER_WORKER = 4
SERIAL_CHUNK_DRAWS = 25
# Below this much work (draws x candidates; x REBUILD_WEIGHT when every draw rebuilds
# the model) spawning worker processes (about 1-2 s) costs more than it saves: on the
# 2-core bench machine 1,000 return draws of 200 candidates took 3.1 s serial and 4.3 s
# on 2 processes, while rebuild draws took 15.7 s serial and 9.9 s (bench/uncertainty.py).
PARALLEL_MIN_WORK = 1_000_000
REBUILD_WEIGHT = 10
DASK_CONNECT_TIMEOUT_S = 20

Progress = Callable[[int, int], None]  # (draws done, draws in all)
R = TypeVar("R")
P = ParamSpec("P")


def in_language(
    language: str, number_locale: str, task: Callable[P, R], *args: P.args, **kwargs: P.kwargs
) -> R:
    """``task(*args)`` with ``language`` active: a worker process (or a Dask worker) does
    not inherit the caller's active language, and its errors are read by the caller."""
    with using(language, number_locale):
        return task(*args, **kwargs)


def _worker(task: Callable[..., R]) -> Callable[..., R]:
    """``task`` bound to the caller's active language, picklable for a process or Dask."""
    t = active()
    return partial(in_language, t.language, t.number_locale, task)


def _chunks(total: int, count: int) -> list[tuple[int, int]]:
    count = max(1, min(count, total))
    size = math.ceil(total / count)
    return [(a, min(a + size, total)) for a in range(0, total, size)]


def choose(scenario: Scenario, samples: SampleSet, executor: Executor) -> Executor:
    """The executor ``auto`` stands for (see module docstring); others pass through."""
    if executor not in EXECUTORS:
        raise ValueError(
            _("executor: {executor} is not one of {choices}").format(
                executor=repr(executor), choices=", ".join(EXECUTORS)
            )
        )
    if executor != "auto":
        return executor
    if os.environ.get(ENV_SCHEDULER):
        return "dask"
    work = len(samples) * samples.candidates
    if needs_rebuild(scenario, samples):
        work *= REBUILD_WEIGHT
    cores = os.cpu_count() or 1
    return "process" if cores > 1 and work >= PARALLEL_MIN_WORK else "serial"


def run_draws(
    scenario: Scenario,
    samples: SampleSet,
    executor: Executor = "auto",
    *,
    workers: int = LOCAL_WORKERS,
    address: str | None = None,
    progress: Progress | None = None,
) -> tuple[DrawResults, Executor]:
    """Solve every draw; returns the results in draw order and the executor used.

    ``address``: the Dask scheduler (default: ``FOMENTO_DASK_SCHEDULER``).
    """
    if workers < 1:
        raise ValueError(_("workers: {workers} must be at least 1").format(workers=workers))
    used = choose(scenario, samples, executor)
    total = len(samples)
    done = 0

    def tick(k: int) -> None:
        nonlocal done
        done += k
        if progress is not None:
            progress(done, total)

    if used == "serial":
        parts = []
        for a, b in _chunks(total, math.ceil(total / SERIAL_CHUNK_DRAWS)):
            parts.append(solve_samples(scenario, samples.part(a, b)))
            tick(b - a)
        return DrawResults.join(parts), used
    spans = _chunks(total, workers * CHUNKS_PER_WORKER)
    results: dict[int, DrawResults] = {}
    if used == "process":
        # spawn, not fork: Streamlit's server process runs threads that fork would copy.
        ctx = multiprocessing.get_context("spawn")
        solve = _worker(solve_samples)
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            # Workers start during the submits: they must not re-run the caller's script.
            with _neutral_main():
                futures = {
                    pool.submit(solve, scenario, samples.part(a, b)): (a, b) for a, b in spans
                }
            for fut in as_completed(futures):
                a, b = futures[fut]
                results[a] = fut.result()
                tick(b - a)
    else:
        results = _run_dask(scenario, samples, spans, address, tick)
    return DrawResults.join([results[a] for a, _b in spans]), used


@contextmanager
def _neutral_main() -> Iterator[None]:
    """Hide a script ``__main__`` from spawned workers while they start.

    A spawned worker first re-imports the parent's ``__main__`` from its file. Under
    Streamlit (or AppTest) that is a page script, which would run a whole page in each
    worker; the worker needs nothing from it, so it gets an empty module instead.
    """
    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) or not getattr(main, "__file__", None):
        yield
        return
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def _run_dask(
    scenario: Scenario,
    samples: SampleSet,
    spans: list[tuple[int, int]],
    address: str | None,
    tick: Callable[[int], None],
) -> dict[int, DrawResults]:
    from distributed import Client

    where = address or os.environ.get(ENV_SCHEDULER)
    if not where:
        raise ValueError(
            _("executor: dask needs a scheduler address (set {variable})").format(
                variable=ENV_SCHEDULER
            )
        )
    results: dict[int, DrawResults] = {}
    solve = _worker(solve_samples)
    # distributed leaves Client untyped; we type the results ourselves.
    client = Client(  # type: ignore[no-untyped-call]
        where, timeout=DASK_CONNECT_TIMEOUT_S, set_as_default=False
    )
    with client:
        futures = []
        for a, b in spans:
            # pure=False: chunks with equal numbers are still separate tasks.
            futures.append(client.submit(solve, scenario, samples.part(a, b), pure=False))
        # In submission order: distributed.as_completed needs a default client, and this
        # one stays private so sessions of the app never share it.
        for fut, (a, b) in zip(futures, spans, strict=True):
            results[a] = fut.result()
            tick(b - a)
    return results


def map_spans(
    task: Callable[[int, int], R],
    total: int,
    executor: Executor,
    *,
    workers: int = LOCAL_WORKERS,
    address: str | None = None,
    progress: Progress | None = None,
    serial_chunk: int = SERIAL_CHUNK_DRAWS,
) -> list[R]:
    """``task(start, stop)`` over ``range(total)`` in chunks, in order, on ``executor``
    (``serial``, ``process`` or ``dask``; resolve ``auto`` with ``choose`` first).

    ``task`` must be picklable (a module-level function or a ``functools.partial`` of
    one) and a pure function of its span, so every executor gives the same answer.
    """
    if executor == "auto":
        raise ValueError("executor: resolve 'auto' with choose() before map_spans")  # a bug
    done = 0

    def tick(k: int) -> None:
        nonlocal done
        done += k
        if progress is not None:
            progress(done, total)

    if total == 0:
        return []
    if executor == "serial":
        out = []
        for a, b in _chunks(total, math.ceil(total / serial_chunk)):
            out.append(task(a, b))
            tick(b - a)
        return out
    spans = _chunks(total, workers * CHUNKS_PER_WORKER)
    results: dict[int, R] = {}
    work = _worker(task)
    if executor == "process":
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            with _neutral_main():
                futures = {pool.submit(work, a, b): (a, b) for a, b in spans}
            for fut in as_completed(futures):
                a, b = futures[fut]
                results[a] = fut.result()
                tick(b - a)
        return [results[a] for a, _b in spans]
    from distributed import Client

    where = address or os.environ.get(ENV_SCHEDULER)
    if not where:
        raise ValueError(
            _("executor: dask needs a scheduler address (set {variable})").format(
                variable=ENV_SCHEDULER
            )
        )
    client = Client(  # type: ignore[no-untyped-call]
        where, timeout=DASK_CONNECT_TIMEOUT_S, set_as_default=False
    )
    with client:
        jobs = [client.submit(work, a, b, pure=False) for a, b in spans]
        for job, (a, b) in zip(jobs, spans, strict=True):
            results[a] = job.result()
            tick(b - a)
    return [results[a] for a, _b in spans]
