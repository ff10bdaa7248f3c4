"""Scenario files, JSON Schema, CLI exit codes, export, explanations on the examples."""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pytest

from model.allocator import (
    allocate,
    build_model,
    check_plan,
    export_model,
    load_scenario,
    result_to_json,
    scenario_json_schema,
)
from model.allocator.result import result_json_bytes
from model.cli import main
from tests.allocator_fixtures import OBJ_TOL, SOLVERS

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "data" / "scenarios").glob("*.json"))
SCHEMA = ROOT / "model" / "schemas" / "scenario.schema.json"
HAND = ROOT / "data" / "scenarios" / "hand.json"
INFEASIBLE = ROOT / "data" / "scenarios" / "infeasible.json"


def test_committed_schema_is_up_to_date() -> None:
    assert json.loads(SCHEMA.read_text(encoding="utf-8")) == scenario_json_schema()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_match_schema(path: Path) -> None:
    jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), scenario_json_schema())
    load_scenario(path)


def test_three_examples_exist() -> None:
    assert {"hand.json", "infeasible.json", "demo.json"} <= {p.name for p in EXAMPLES}


def test_bad_field_is_named_by_json_path(tmp_path: Path) -> None:
    data = json.loads(HAND.read_text(encoding="utf-8"))
    data["candidates"][1]["cost_by_year"][1] = "lots"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match=r"candidates\[1\]\.cost_by_year\[1\]"):
        load_scenario(bad)


@pytest.mark.parametrize("path", [p for p in EXAMPLES if p.name != "infeasible.json"],
                         ids=lambda p: p.name)  # fmt: skip
def test_examples_solve_with_equal_objectives(path: Path) -> None:
    sc = load_scenario(path)
    objs = [allocate(sc, s).objective for s in SOLVERS]
    assert objs[0] is not None and objs[1] is not None
    assert objs[0] == pytest.approx(objs[1], rel=OBJ_TOL)


@pytest.mark.parametrize("solver", SOLVERS)
def test_cli_optimal_writes_json(
    solver: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.json"
    code = main(["allocate", str(HAND), "--solver", solver, "--out", str(out)])
    assert code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["objective"] == pytest.approx(1_040_000, rel=OBJ_TOL)
    assert capsys.readouterr().out == ""  # with --out the result is written once, not printed
    assert main(["allocate", str(HAND), "--solver", solver]) == 0
    text = capsys.readouterr().out
    assert "adds US$4.00 of benefit" in text
    assert "US$10,000 of the US$200,000 budget is left unallocated" in text


def _same_but_timings(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert {k: v for k, v in a.items() if k != "seconds"} == {
        k: v for k, v in b.items() if k != "seconds"
    }
    assert set(a["seconds"]) == set(b["seconds"])


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_out_file_is_the_result_json(
    path: Path, fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The --out file is result_to_json of the same run, whatever --format; stdout stays empty."""
    out = tmp_path / "r.json"
    code = main(["allocate", str(path), "--out", str(out), "--format", fmt])
    assert capsys.readouterr().out == ""
    written = json.loads(out.read_bytes())
    expected = result_to_json(allocate(load_scenario(path)))
    assert code == (0 if expected["objective"] is not None else 1)
    _same_but_timings(written, expected)
    assert out.read_bytes().endswith(b"}\n")


def test_json_format_prints_the_same_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["allocate", str(HAND), "--format", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    _same_but_timings(printed, result_to_json(allocate(load_scenario(HAND))))


def test_fast_json_writes_non_finite_numbers_as_null() -> None:
    """result_json_bytes keeps result_to_json's contract: NaN and infinities become null,
    numpy numbers become plain numbers, and nothing else changes."""
    r = allocate(load_scenario(HAND))
    odd = replace(
        r,
        objective=math.nan,
        gap=math.inf,
        totals_by_year=(np.float64(1.5), -math.inf),
        scale={**r.scale, "C1": np.float64(math.nan)},
        constraints=tuple(replace(c, shadow_price=math.nan) for c in r.constraints[:2]),
    )
    data = json.loads(result_json_bytes(odd))
    assert data == result_to_json(odd)
    assert data["objective"] is None and data["gap"] is None
    assert data["totals_by_year"] == [1.5, None]
    assert data["scale"]["C1"] is None
    assert [c["shadow_price"] for c in data["constraints"][:2]] == [None, None]
    assert json.loads(result_json_bytes(r, indent=False)) == json.loads(result_json_bytes(r))


def test_allocator_package_names_resolve() -> None:
    import model.allocator as pkg

    for name in pkg.__all__:
        assert getattr(pkg, name) is not None
    with pytest.raises(AttributeError):
        _ = pkg.no_such_name


def _subcommands(parser: argparse.ArgumentParser) -> argparse._SubParsersAction[Any]:
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def test_command_table_matches_the_modules() -> None:
    """The light command table (help without imports) says what the modules register, and
    ``build_parser(name)`` registers that command's module for real."""
    from model import cli

    sub = _subcommands(cli.build_parser())
    helps = {c.dest: c.help for c in sub._choices_actions}
    assert helps == {name: text for name, (_, text) in cli.COMMANDS.items()}
    for name, (module, _) in cli.COMMANDS.items():
        choices = _subcommands(cli.build_parser(name)).choices
        assert list(choices) == list(cli.COMMANDS)
        real = {c for c, p in choices.items() if p._subparsers or p.get_default("func")}
        assert real == {c for c, (m, _) in cli.COMMANDS.items() if m == module}


def test_allocate_start_up_imports_no_storage() -> None:
    """`fomento allocate` imports neither the database, Excel nor PuLP machinery."""
    code = (
        "import sys; from model.cli import build_parser; build_parser('allocate'); "
        "import model.cli.allocate; "
        "print(sorted(m for m in ('sqlalchemy', 'openpyxl', 'alembic', 'pulp', "
        "'model.store', 'model.accounts') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("solver", SOLVERS)
def test_cli_infeasible_prints_diagnosis(solver: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["allocate", str(INFEASIBLE), "--solver", solver, "--format", "table"])
    assert code == 1
    text = capsys.readouterr().out
    assert "raise the year-1 budget by US$20,000" in text
    assert "lower the Altiplano floor from 60 % to 54.5 %" in text


def test_cli_invalid_input_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "x"}', encoding="utf-8")
    assert main(["allocate", str(bad)]) == 2


def test_cli_json_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["allocate", str(HAND), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data["objective"], float)


@pytest.mark.parametrize("suffix", [".lp", ".mps"])
def test_export_model(suffix: str, tmp_path: Path) -> None:
    built = build_model(load_scenario(HAND))
    path = export_model(built, tmp_path / f"m{suffix}")
    text = path.read_text(encoding="utf-8")
    assert "budget_year_1" in text and "subsidy_floor_C1_1" in text


@pytest.mark.parametrize("solver", SOLVERS)
def test_hand_explanations(solver: str) -> None:
    """Hand solution: G1 is the marginal candidate at US$4 per year-1 dollar."""
    r = allocate(load_scenario(HAND), solver)
    assert r.funding["G1"] == pytest.approx((10_000, 0), rel=OBJ_TOL)
    assert r.return_per_public_dollar == pytest.approx(1_040_000 / 190_000, rel=OBJ_TOL)
    assert r.greedy is not None and r.greedy.feasible
    assert r.objective is not None and r.objective >= r.greedy.objective
    assert json.dumps(result_to_json(r))


@pytest.mark.parametrize("solver", SOLVERS)
def test_unfunded_explanation(solver: str) -> None:
    """Year-1 money is worth US$4 (G1); D returns US$2 per dollar: it needs +100 % or -50 %."""
    data = json.loads(HAND.read_text(encoding="utf-8"))
    d = dict(data["candidates"][2], id="D", benefit=60_000, benefit_low=0, benefit_high=60_000)
    data["candidates"].append(d)
    from model.allocator import parse_scenario

    r = allocate(parse_scenario(data), solver)
    (u,) = [u for u in r.unfunded_written if u.candidate == "D"]
    assert u.return_per_public_dollar == pytest.approx(2.0, rel=OBJ_TOL)
    assert u.return_rise == pytest.approx(1.0, rel=1e-4)
    assert u.cost_fall == pytest.approx(0.5, rel=1e-4)
    assert "rise by 100 %" in u.sentence


def test_checker_catches_a_broken_plan() -> None:
    sc = load_scenario(HAND)
    r = allocate(sc)
    doubled = {cid: tuple(2 * v for v in row) for cid, row in r.funding.items()}
    rules = {v.rule for v in check_plan(sc, doubled, r.scale)}
    assert {"budget_year[1]", "subsidy_ceiling[G1,1]", "subsidy_ceiling[C1,1]"} <= rules


@pytest.mark.parametrize("solver", SOLVERS)
def test_budget_sweep(solver: str) -> None:
    """Hand case: at factor 1 the optimum is US$1,040,000; a bigger budget never does worse."""
    from model.allocator import sweep_budget

    points = sweep_budget(load_scenario(HAND), [0.5, 1.0, 2.0], solver)
    objs = [p.objective for p in points]
    assert objs[1] == pytest.approx(1_040_000, rel=OBJ_TOL)
    assert all(o is not None for o in objs)
    assert objs[0] <= objs[1] <= objs[2]  # type: ignore[operator]
    assert objs[2] == pytest.approx(1_120_000, rel=OBJ_TOL)  # all three at full scale
