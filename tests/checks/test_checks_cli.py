"""`python -m checks`: exit codes, stack-down message, fake checks end to end, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import checks.__main__ as cli
from checks.registry import REGISTRY, Check, failed, passed
from checks.targets import RunResult, Target

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "checks", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)


def test_stack_down_is_one_line_and_exit_3(tmp_path):
    done = run_cli("run", "a01", "--state-dir", str(tmp_path / "nothing"))
    assert done.returncode == 3
    assert done.stdout == ""
    assert done.stderr.strip().count("\n") == 0
    assert "no local stack" in done.stderr and "run: make up" in done.stderr
    assert "Traceback" not in done.stderr


def test_stages_without_checks_exit_2():
    done = run_cli("run", "a02")
    assert done.returncode == 2 and done.stderr.strip() == "no checks for A02 yet"
    done = run_cli("run", "a03")
    assert done.returncode == 2 and "unknown stage" in done.stderr
    assert run_cli("attack", "a05").returncode == 2


def test_progress_without_any_run(tmp_path):
    done = run_cli("progress", "--state-dir", str(tmp_path))
    assert done.returncode == 0 and done.stdout.count("not started") == 5


# --- fake checks through main() ---------------------------------------------------------

def fake_target() -> Target:
    return Target("local", "http://127.0.0.1:9", {}, lambda: RunResult(0, ""))


def returning(outcome):
    return lambda ctx: outcome


@pytest.fixture
def fake_stage(monkeypatch):
    def install(*outcomes):
        checks = [Check(f"A01-{n:02d}", f"fake {n}", f"hint {n}", returning(outcome),
                        frozenset({"local", "k3d"})) for n, outcome in enumerate(outcomes, 1)]
        monkeypatch.setitem(REGISTRY.checks, "a01", checks)
        monkeypatch.setattr(cli, "load_target", lambda name, state_dir: fake_target())
    return install


def test_all_passing_exits_0_and_records_progress(fake_stage, tmp_path, capsys):
    fake_stage(passed("ok"), passed("ok"))
    assert cli.main(["run", "a01", "--state-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "A01: 2/2 checks passed" in out
    assert json.loads((tmp_path / "progress.json").read_text())["a01"]["ok"] is True


def test_a_failure_exits_1_with_its_hint(fake_stage, tmp_path, capsys):
    fake_stage(passed("ok"), failed("open: GET /users (200)"))
    assert cli.main(["run", "a01", "--state-dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "A01-02 hint: hint 2" in out and "A01: 1/2 checks passed" in out


def test_json_output(fake_stage, tmp_path, capsys):
    fake_stage(failed("broken"), passed("ok"))
    assert cli.main(["run", "a01", "--json", "--state-dir", str(tmp_path)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [r["status"] for r in data["results"]] == ["FAIL", "PASS"]
    assert data["results"][0]["hint"] == "hint 1"
    assert data["summary"]["passed"] == 1


def test_hint_shows_the_first_failure_only(fake_stage, tmp_path, capsys):
    fake_stage(passed("ok"), failed("second"), failed("third"))
    assert cli.main(["hint", "a01", "--state-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "A01-02" in out and "hint 2" in out and "hint 3" not in out


def test_hint_when_everything_passes(fake_stage, tmp_path, capsys):
    fake_stage(passed("ok"))
    assert cli.main(["hint", "a01", "--state-dir", str(tmp_path)]) == 0
    assert "no hint needed" in capsys.readouterr().out


def test_a_crashing_check_is_a_fail_not_a_traceback(fake_stage, tmp_path, capsys):
    fake_stage(passed("ok"))
    REGISTRY.checks["a01"].append(Check("A01-02", "crash", "h", lambda ctx: {}["missing"],
                                        frozenset({"local"})))
    assert cli.main(["run", "a01", "--state-dir", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "KeyError" in captured.out and "Traceback" not in captured.out + captured.err


def test_a_broken_grader_is_one_line(monkeypatch, tmp_path, capsys):
    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "cmd_run", explode)
    assert cli.main(["run", "a01", "--state-dir", str(tmp_path)]) == 4
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "the grader broke: RuntimeError: boom" in err


def test_a_stopped_service_names_it_with_its_log_tail(tmp_path, monkeypatch):
    from checks import targets
    from stack import config as stack_config
    from stack import local

    config = stack_config.load(tmp_path)
    stack_config.save(config)
    local.logfile(config, local.API).write_text("line 1\nImportError: no module named flask_jwt\n")
    monkeypatch.setattr(local, "status", lambda cfg: {
        "postgres": (True, "running"), "api": (False, "crashed (log: api.log)"),
        "reconciler": (True, "ok")})
    with pytest.raises(targets.TargetError) as error:
        targets.local_target(tmp_path)
    first, *tail = str(error.value).splitlines()
    assert first == "api is not ready: crashed (log: api.log); run: make up"
    assert tail[-1] == "ImportError: no module named flask_jwt"
