"""Table, hints, summary line, JSON, exit codes and the progress file."""

from __future__ import annotations

import io
import json

from rich.console import Console

from checks import report
from checks.registry import Result, Status


def result(id: str, status: Status, detail: str = "d", hint: str = "h") -> Result:
    return Result(id, f"check {id}", status, detail, hint)


def render(results, summary) -> str:
    buffer = io.StringIO()
    report.print_results(results, summary, Console(file=buffer, width=200, color_system=None))
    return buffer.getvalue()


def test_all_pass_is_exit_0():
    results = [result("A01-01", Status.PASS), result("A01-02", Status.PASS)]
    summary = report.summarize("a01", "local", results)
    assert summary.line == "A01: 2/2 checks passed"
    assert (summary.exit_code, summary.state) == (0, "passed")


def test_failures_print_their_hints_and_exit_1():
    results = [result("A01-01", Status.FAIL, "open: GET /users (200)", "README step 5"),
               result("A01-02", Status.PASS, hint="never shown")]
    summary = report.summarize("a01", "local", results)
    text = render(results, summary)
    assert "open: GET /users (200)" in text
    assert "A01-01 hint: README step 5" in text
    assert "never shown" not in text
    assert "A01: 1/2 checks passed" in text
    assert (summary.exit_code, summary.state) == (1, "not yet")


def test_skips_pass_only_on_k3d():
    results = [result("A01-01", Status.PASS), result("A01-09", Status.SKIPPED, "no database")]
    k3d = report.summarize("a01", "k3d", results)
    assert k3d.exit_code == 0 and k3d.state == "passed with 1 skipped"
    assert "passed with 1 skipped" in k3d.line and "1/2" in k3d.line
    local = report.summarize("a01", "local", results)
    assert local.exit_code == 1 and local.state == "not yet"
    assert "do not count on local" in local.line


def test_a_failure_with_skips_fails_on_k3d_too():
    results = [result("A01-01", Status.FAIL), result("A01-09", Status.SKIPPED)]
    assert report.summarize("a01", "k3d", results).exit_code == 1


def test_markup_in_details_is_printed_literally():
    results = [result("A01-11", Status.FAIL, 'body [bold]{"error": "x"}[/bold]')]
    text = render(results, report.summarize("a01", "local", results))
    assert '[bold]{"error": "x"}[/bold]' in text


def test_json_lists_every_result_and_the_summary():
    results = [result("A01-01", Status.FAIL, "open", "step 5"), result("A01-02", Status.PASS)]
    data = json.loads(report.as_json(results, report.summarize("a01", "local", results)))
    assert data["results"][0] == {"id": "A01-01", "description": "check A01-01",
                                  "status": "FAIL", "detail": "open", "hint": "step 5"}
    assert data["results"][1]["hint"] == ""
    assert data["summary"]["line"] == "A01: 1/2 checks passed"
    assert data["summary"]["ok"] is False


def test_first_failure():
    results = [result("A01-01", Status.PASS), result("A01-02", Status.FAIL),
               result("A01-03", Status.FAIL)]
    assert report.first_failure(results).id == "A01-02"
    assert report.first_failure(results[:1]) is None


def test_progress_is_remembered_per_stage(tmp_path):
    fail = report.summarize("a01", "local", [result("A01-01", Status.FAIL)])
    report.record_progress(tmp_path, fail)
    ok = report.summarize("a01", "local", [result("A01-01", Status.PASS)])
    report.record_progress(tmp_path, ok)
    progress = report.read_progress(tmp_path)
    assert set(progress) == {"a01"} and progress["a01"]["ok"] is True
    buffer = io.StringIO()
    report.print_progress(tmp_path, Console(file=buffer, width=200, color_system=None))
    text = buffer.getvalue()
    assert "passed" in text and "not started" in text and "1/5 stages passed" in text


def test_progress_survives_a_broken_file(tmp_path):
    (tmp_path / "progress.json").write_text("{not json")
    assert report.read_progress(tmp_path) == {}
    buffer = io.StringIO()
    report.print_progress(tmp_path, Console(file=buffer, width=200, color_system=None))
    assert buffer.getvalue().count("not started") == 5
