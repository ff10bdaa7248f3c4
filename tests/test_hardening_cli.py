"""The command line's 0/1/2 contract under bad input (issue 17): every failure is a
clear message and the documented exit code, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from model import DATA_DIR
from model.cli import main

DEMO = json.loads((DATA_DIR / "scenarios" / "demo.json").read_text(encoding="utf-8"))
SCENARIO = str(DATA_DIR / "scenarios" / "demo.json")


@pytest.mark.parametrize("option", ["--out", "--export-lp"])
def test_output_to_a_missing_folder_or_a_folder_is_refused_before_solving(
    option: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Both used to fail with a traceback after the solve."""
    missing = tmp_path / "no" / "such" / "result.json"
    assert main(["allocate", SCENARIO, option, str(missing)]) == 2
    err = capsys.readouterr().err
    assert f"the folder {missing.parent} does not exist" in err and "Traceback" not in err
    assert main(["allocate", SCENARIO, option, str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_time_limit_without_a_plan_is_not_called_infeasible(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(json.dumps(DEMO))
    data.setdefault("solver", {})["time_limit_s"] = 1e-6
    path = tmp_path / "tight.json"
    path.write_text(json.dumps(data))
    assert main(["allocate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "No feasible plan" not in out
    assert "does not mean no plan exists" in out


def test_contradictory_floors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(json.dumps(DEMO))
    data["rules"]["policy_mix"]["kind_shares"] = {
        "cluster_initiative": {"min": 0.9},
        "matching_grant": {"min": 0.9},
    }
    path = tmp_path / "floors.json"
    path.write_text(json.dumps(data))
    assert main(["allocate", str(path)]) == 2
    assert "add up to 180%" in capsys.readouterr().err


def test_export_to_a_file_path_is_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], app_db: str
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    assert main(["export", str(blocker / "sub")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("fomento: error:") and "Traceback" not in err


def test_import_of_a_folder_is_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(tmp_path)]) == 2
    assert "no such file" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["missing folder", "a folder", "not a database"])
@pytest.mark.parametrize("argv", [["db", "status"], ["db", "upgrade"], ["evidence"]])
def test_bad_sqlite_path_is_exit_2_with_a_message(
    kind: str,
    argv: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """These printed tracebacks when the database path was bad."""
    not_db = tmp_path / "notes.txt"
    not_db.write_text("not a database\n" * 100)
    path = {
        "missing folder": Path("/proc/no-such-folder/x.db"),
        "a folder": tmp_path,
        "not a database": not_db,
    }[kind]
    monkeypatch.setenv("FOMENTO_DATABASE_URL", f"sqlite:///{path}")
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("fomento: error:") and "Traceback" not in err
