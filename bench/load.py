"""Multi-user load test: concurrent browser sessions against several app processes.

Run ``.venv/bin/python bench/load.py [--sessions 20] [--processes 2] [--rounds 3]``.

It creates a fresh PostgreSQL database (``fomento_load_<random>``) on the server of
``--database-url``, migrates and seeds it, copies "Demo baseline" to "Shared", starts
``--processes`` ``streamlit run app.py`` processes on loopback ports against it and
opens ``--sessions`` browser contexts in one headless Chromium, assigned round-robin
to the processes and all live for the whole run. Each round has two phases:

1. every session opens /plan, sets its own total budget, solves, waits for the summary
   and saves the plan as new under a unique name;
2. every session opens /scenarios, reopens "Shared" in Plan (all see the same
   version), edits its notes and, once all are ready, presses "Save changes" at
   the same moment: one save wins the version, the others must be refused.

Latency is measured from the browser's side: from the click (or navigation) to the
element that shows the outcome. Page loads share ``--load-parallel`` slots (20 cold
page loads at once would measure Chromium's start-up on 2 cores, not the app); solves
and saves run all at once. At the end the database is compared with what the
sessions were told: every "Saved" message must match a row (a confirmed save that is
missing or different is a lost update), and the shared scenario's version must have
risen by exactly the number of confirmed "Save changes". Exit status 0 only with
0 errors and 0 lost updates. The database is dropped unless ``--keep``.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from playwright.async_api import Browser, Page, async_playwright
from playwright.async_api import Error as PlaywrightError
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from model.planning.readout import millions  # noqa: E402
from model.store import db, migrate, seed  # noqa: E402
from model.store.orm import AuditEventRow, ScenarioRow  # noqa: E402
from model.store.scenarios import duplicate_scenario  # noqa: E402
from tests.browser import CHROMIUM_ARGS, chromium_path, free_port  # noqa: E402

DEFAULT_SERVER_URL = os.environ.get(
    "FOMENTO_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SHARED = "Shared"
SAVE_PREFIX = "Load "  # the phase-1 saves are named "Load r<round> s<session>"
FIRST_BUDGET = 3_000_000.0  # US$; session k of the run gets FIRST_BUDGET + k * BUDGET_STEP
BUDGET_STEP = 100_000.0  # one decimal of the summary's "US$x.x M", so every budget reads apart
SERVER_START_S = 90.0
PERCENTILES = (50, 90, 99)
STALE_TEXT = "someone else"  # both StaleScenario messages say who changed it
SAVED_SHARED = re.compile(rf"Saved '{SHARED}' \(version (\d+)\)\.")
EDITING = re.compile(rf"Editing saved scenario '{SHARED}' \(version (\d+)\)")
ERROR_ALERT = "[data-testid='stAlertContentError']"
NO_RUN = "() => !document.querySelector(\"[data-testid='stStatusWidget']\")"


@dataclass
class Tally:
    """Everything the sessions measured and were told (latencies in ms)."""

    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    confirmed: dict[str, float] = field(default_factory=dict)  # saved name -> budget (US$)
    wins: list[tuple[int, int, str]] = field(default_factory=list)  # round, version, notes
    refused: dict[int, int] = field(default_factory=lambda: defaultdict(int))  # round -> n
    opened: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))  # versions

    def error(self, session: int, step: str, exc: BaseException | str) -> None:
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        self.errors.append(f"session {session:02d} {step}: {msg[:200]}")


@dataclass(frozen=True)
class Session:
    index: int
    page: Page
    base: str  # the app process this session talks to


# --- database and servers ------------------------------------------------------------------
@contextmanager
def fresh_database(server_url: str, keep: bool) -> Iterator[str]:
    """Create ``fomento_load_<hex>`` next to ``server_url``, migrate and seed it."""
    admin = create_engine(db.normalise_url(server_url), isolation_level="AUTOCOMMIT")
    name = f"fomento_load_{uuid.uuid4().hex[:10]}"
    url = make_url(db.normalise_url(server_url)).set(database=name)
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        eng = db.make_engine(url.render_as_string(hide_password=False))
        try:
            migrate.upgrade(eng)
            seed.seed(eng)
            seed.seed_baseline(eng)
            with db.transaction(eng) as s:
                base_id = s.scalar(
                    select(ScenarioRow.id).where(ScenarioRow.name == "Demo baseline")
                )
            assert base_id is not None
            duplicate_scenario(eng, seed.SYSTEM_USER, base_id, SHARED)
        finally:
            eng.dispose()
        yield url.render_as_string(hide_password=False)
    finally:
        if keep:
            print(f"kept database {name}")
        else:
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def app_servers(n: int, database_url: str, logdir: Path) -> Iterator[list[str]]:
    """Start ``n`` app processes on loopback; logs go to files (a full pipe would stall one)."""
    procs: list[tuple[subprocess.Popen[bytes], IO[bytes]]] = []
    bases: list[str] = []
    env = {**os.environ, db.ENV_URL: database_url}
    try:
        for i in range(n):
            port = free_port()
            log: IO[bytes] = (logdir / f"server{i}.log").open("wb")
            cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
                   "--server.headless=true", "--server.address=127.0.0.1",
                   f"--server.port={port}", "--browser.gatherUsageStats=false",
                   "--server.fileWatcherType=none"]  # fmt: skip
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            procs.append((proc, log))
            bases.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + SERVER_START_S
        for (proc, _), base in zip(procs, bases, strict=True):
            while not _healthy(base):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"app process {base} did not start; see {logdir}")
                time.sleep(0.3)
        yield bases
    finally:
        for proc, _ in procs:
            proc.terminate()
        for proc, log in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)
            log.close()


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
            return bool(r.status == 200)
    except OSError:
        return False


# --- browser steps -------------------------------------------------------------------------
async def timed(tally: Tally, step: str, action: Callable[[], Awaitable[None]]) -> None:
    t0 = time.perf_counter()
    await action()
    tally.samples[step].append(1000 * (time.perf_counter() - t0))


async def check_page(page: Page, allowed: str | None = None) -> None:
    """Raise if the page shows a traceback or an error message other than ``allowed``."""
    if await page.get_by_test_id("stException").count():
        msg = await page.get_by_test_id("stException").first.inner_text()
        raise RuntimeError(f"exception on page: {msg[:300]}")
    for msg in await page.locator(ERROR_ALERT).all_inner_texts():
        if allowed is None or allowed not in msg:
            raise RuntimeError(f"error message on page: {msg[:300]}")


async def open_page(s: Session, path: str, heading: str, ready: str, tally: Tally) -> None:
    async def go() -> None:
        await s.page.goto(f"{s.base}/{path}")
        await s.page.locator("h1").filter(has_text=heading).first.wait_for()
        await s.page.locator(ready).first.wait_for()
        await s.page.wait_for_function(NO_RUN)

    await timed(tally, f"open {heading}", go)
    await check_page(s.page)


async def plan_and_save(s: Session, rnd: int, n: int, slots: asyncio.Semaphore, t: Tally) -> None:
    """Phase 1: open Plan, set this session's budget, solve, save as new."""
    budget = FIRST_BUDGET + BUDGET_STEP * (rnd * n + s.index)
    name = f"{SAVE_PREFIX}r{rnd} s{s.index:02d}"
    page = s.page
    try:
        async with slots:
            await open_page(s, "plan", "Plan", "button:has-text('Solve')", t)
        box = page.get_by_role("spinbutton", name="Total budget (US$)")
        await box.fill(f"{budget:.0f}")
        await box.press("Enter")
        await page.wait_for_function(NO_RUN)
        summary = page.get_by_test_id("stAlertContentSuccess").filter(
            has_text=f"With {millions(budget)} over"
        )
        solve = page.get_by_role("button", name="Solve", exact=True)
        await timed(t, "solve", lambda: _click_then(solve.click, summary.first.wait_for))
        await check_page(page)
        await page.get_by_role("textbox", name="Name", exact=True).fill(name)
        done = page.get_by_text(f"Saved '{name}' (version 1).", exact=True)
        save = page.get_by_role("button", name="Save as new")
        await timed(t, "save as new", lambda: _click_then(save.click, done.wait_for))
        await check_page(page)
        t.confirmed[name] = budget
    except Exception as exc:
        t.error(s.index, f"round {rnd} plan", exc)


async def _click_then(
    click: Callable[[], Awaitable[None]], seen: Callable[[], Awaitable[None]]
) -> None:
    await click()
    await seen()


async def reopen_shared(s: Session, rnd: int, slots: asyncio.Semaphore, t: Tally) -> bool:
    """Phase 2a: Scenarios, pick "Shared", reopen it in Plan, type new notes (not saved yet)."""
    page = s.page
    try:
        async with slots:
            await open_page(s, "scenarios", "Scenarios", "[data-testid='stSelectbox']", t)
        box = page.get_by_test_id("stSelectbox").filter(has_text="Scenario")
        await box.click()
        await page.keyboard.type(SHARED)
        await page.get_by_role("option", name=SHARED, exact=True).click()
        await page.wait_for_function(NO_RUN)
        editing = page.get_by_text(EDITING)
        reopen = page.get_by_role("button", name="Reopen in Plan")
        await timed(t, "reopen in Plan", lambda: _click_then(reopen.click, editing.wait_for))
        await page.wait_for_function(NO_RUN)
        await check_page(page)
        found = EDITING.search(await editing.inner_text())
        assert found is not None
        t.opened[rnd].add(int(found.group(1)))
        await page.get_by_role("textbox", name="Notes").fill(_notes(rnd, s.index))
        return True
    except Exception as exc:
        t.error(s.index, f"round {rnd} reopen", exc)
        return False


def _notes(rnd: int, index: int) -> str:
    return f"load test round {rnd}, edited by session {index:02d}"


async def save_changes(s: Session, rnd: int, t: Tally) -> None:
    """Phase 2b: press "Save changes"; expect either "Saved 'Shared'" or the stale refusal."""
    page = s.page
    outcome = page.locator("[data-testid='stAlertContentSuccess'], " + ERROR_ALERT).filter(
        has_text=re.compile(rf"Saved '{SHARED}'|Not saved:")
    )
    try:
        t0 = time.perf_counter()
        await page.get_by_role("button", name="Save changes").click()
        await outcome.first.wait_for()
        ms = 1000 * (time.perf_counter() - t0)
        said = await outcome.first.inner_text()
        won = SAVED_SHARED.search(said)
        if won:
            t.samples["save changes (won)"].append(ms)
            t.wins.append((rnd, int(won.group(1)), _notes(rnd, s.index)))
        elif STALE_TEXT in said:
            t.samples["save changes (refused)"].append(ms)
            t.refused[rnd] += 1
        else:
            raise RuntimeError(f"unexpected answer: {said[:300]}")
        await check_page(page, allowed=STALE_TEXT)
    except Exception as exc:
        t.error(s.index, f"round {rnd} save changes", exc)


async def warm_up(browser: Browser, bases: list[str], timeout_ms: float) -> None:
    """One visit per process first: a fresh process compiles the app and switches to app.py's
    navigation on its first run, which would otherwise land in the first sessions' figures."""
    ctx = await browser.new_context()
    try:
        page = await ctx.new_page()
        page.set_default_timeout(timeout_ms)
        for base in bases:
            for path, heading in (("", "Fomento"), ("plan", "Plan"), ("scenarios", "Scenarios")):
                await page.goto(f"{base}/{path}")
                await page.locator("h1").filter(has_text=heading).first.wait_for()
                await page.wait_for_function(NO_RUN)
    finally:
        await ctx.close()


def _on_page_error(t: Tally, index: int) -> Callable[[PlaywrightError], None]:
    def record(exc: PlaywrightError) -> None:
        t.error(index, "browser (uncaught JavaScript error)", exc)

    return record


async def drive(args: argparse.Namespace, bases: list[str], exe: str, t: Tally) -> str:
    timeout_ms = 1000 * args.step_timeout
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            await warm_up(browser, bases, timeout_ms)
            sessions: list[Session] = []
            for i in range(args.sessions):
                ctx = await browser.new_context(viewport={"width": 1280, "height": 900})
                page = await ctx.new_page()
                page.set_default_timeout(timeout_ms)
                page.on("pageerror", _on_page_error(t, i))
                sessions.append(Session(i, page, bases[i % len(bases)]))
            slots = asyncio.Semaphore(args.load_parallel)
            for rnd in range(args.rounds):
                n = args.sessions
                await asyncio.gather(*(plan_and_save(s, rnd, n, slots, t) for s in sessions))
                ready = await asyncio.gather(*(reopen_shared(s, rnd, slots, t) for s in sessions))
                # Everyone holds the same version now; all press "Save changes" together.
                await asyncio.gather(
                    *(save_changes(s, rnd, t) for s, ok in zip(sessions, ready, strict=True) if ok)
                )
                print(f"round {rnd + 1}/{args.rounds} done, {len(t.errors)} errors so far")
            return browser.version
        finally:
            await browser.close()


# --- verdict -------------------------------------------------------------------------------
def lost_updates(database_url: str, t: Tally, sessions: int, rounds: int) -> list[str]:
    """Compare the database with what the sessions were told; each line is one discrepancy."""
    problems: list[str] = []
    eng: Engine = db.make_engine(database_url)
    try:
        with db.transaction(eng) as s:
            rows = {r.name: r for r in s.scalars(select(ScenarioRow))}
            shared = rows[SHARED]
            updates = s.scalar(
                select(func.count())
                .select_from(AuditEventRow)
                .where(AuditEventRow.entity == "scenario", AuditEventRow.action == "update")
                .where(AuditEventRow.entity_key == str(shared.id))
            )
    finally:
        eng.dispose()
    for name, budget in t.confirmed.items():
        row = rows.get(name)
        if row is None:
            problems.append(f"'{name}' was confirmed but is not in the database")
        elif row.version != 1 or row.inputs.get("budget", {}).get("total") != budget:
            problems.append(f"'{name}' differs from what was saved (version {row.version})")
    extra = sorted(n for n in rows if n.startswith(SAVE_PREFIX) and n not in t.confirmed)
    # Not a lost update, but a save the user was not told about: an error of its own.
    t.errors += [f"'{n}' is in the database but its session was not told" for n in extra]
    wins = sorted(t.wins)
    if shared.version - 1 != len(wins) or updates != len(wins):
        problems.append(
            f"'{SHARED}' is at version {shared.version} with {updates} audited updates, "
            f"but {len(wins)} 'Save changes' were confirmed"
        )
    if wins and shared.notes != wins[-1][2]:
        problems.append(f"'{SHARED}' notes are not the last confirmed save's: {shared.notes!r}")
    for rnd in range(rounds):
        won = [w for w in wins if w[0] == rnd]
        if len(t.opened[rnd]) > 1:
            problems.append(f"round {rnd}: sessions opened different versions {t.opened[rnd]}")
        if len(won) > 1:
            problems.append(f"round {rnd}: {len(won)} saves of one version were all confirmed")
    return problems


def percentile(xs: list[float], p: float) -> float:
    """Nearest-rank percentile (no interpolation: every figure is a measured one)."""
    s = sorted(xs)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def report(t: Tally, problems: list[str], header: str, rounds: int, sessions: int) -> bool:
    print(f"\n{header}\n")
    print("| step | n | p50 ms | p90 ms | p99 ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for step, xs in t.samples.items():
        cells = " | ".join(f"{percentile(xs, p):,.0f}" for p in PERCENTILES)
        print(f"| {step} | {len(xs)} | {cells} | {max(xs):,.0f} |")
    per_round = ", ".join(
        f"r{r}: {sum(1 for w in t.wins if w[0] == r)} won / {t.refused[r]} refused"
        for r in range(rounds)
    )
    print(f"\nsaves confirmed: {len(t.confirmed)} of {sessions * rounds}")
    print(f"contention on '{SHARED}' ({sessions} sessions per round): {per_round}")
    for e in t.errors:
        print(f"ERROR {e}")
    for p in problems:
        print(f"LOST {p}")
    ok = not t.errors and not problems
    verdict = f"{len(t.errors)} errors, {len(problems)} lost updates"
    print(f"\n{verdict}" + ("" if ok else "  <-- FAILED"))
    return ok


def server_tracebacks(logdir: Path) -> list[str]:
    found = []
    for log in sorted(logdir.glob("server*.log")):
        n = log.read_text(errors="replace").count("Traceback")
        if n:
            found.append(f"{log.name}: {n} traceback(s) in the app log")
    return found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument(
        "--database-url",
        default=DEFAULT_SERVER_URL,
        help="any database on the PostgreSQL server where the test database may be created",
    )
    ap.add_argument("--keep", action="store_true", help="keep the database and app logs")
    ap.add_argument("--load-parallel", type=int, default=4, help="page loads at once")
    ap.add_argument("--step-timeout", type=float, default=120.0, help="seconds per step")
    ap.add_argument("--max-seconds", type=float, default=1800.0, help="whole run")
    args = ap.parse_args()
    if min(args.sessions, args.processes, args.rounds, args.load_parallel) < 1:
        ap.error("--sessions, --processes, --rounds and --load-parallel must be at least 1")
    exe = chromium_path()
    if exe is None:
        print("Chromium not found (apt-get install chromium)", file=sys.stderr)
        return 2
    t = Tally()
    with ExitStack() as stack:
        logdir = Path(tempfile.mkdtemp(prefix="fomento-load-"))
        if not args.keep:
            stack.callback(shutil.rmtree, logdir, ignore_errors=True)
        url = stack.enter_context(fresh_database(args.database_url, args.keep))
        bases = stack.enter_context(app_servers(args.processes, url, logdir))
        started = time.monotonic()
        try:
            version = asyncio.run(asyncio.wait_for(drive(args, bases, exe, t), args.max_seconds))
        except TimeoutError:
            t.errors.append(f"run stopped after --max-seconds {args.max_seconds:.0f}")
            version = "?"
        wall = time.monotonic() - started
        t.errors += server_tracebacks(logdir)
        problems = lost_updates(url, t, args.sessions, args.rounds)
        header = (
            f"{args.sessions} sessions x {args.rounds} rounds on {args.processes} app processes "
            f"(PostgreSQL, Chromium {version}, {os.cpu_count()} CPUs, page loads "
            f"{args.load_parallel} at a time), {wall:.0f} s"
        )
        if args.keep:
            print(f"app logs in {logdir}")
        return 0 if report(t, problems, header, args.rounds, args.sessions) else 1
    return 1  # unreachable: ExitStack does not swallow exceptions


if __name__ == "__main__":
    raise SystemExit(main())
