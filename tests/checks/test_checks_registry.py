"""The registry and the wrapper: every outcome, even a crash, becomes one result line."""

from __future__ import annotations

import pytest

from checks.registry import (
    Check,
    CheckFailed,
    CheckSkipped,
    Registry,
    Status,
    failed,
    passed,
    run_check,
    run_stage,
)


def make(run, targets=("local", "k3d"), id="T-01") -> Check:
    return Check(id, "a fake check", "see README step 1", run, frozenset(targets))


def test_pass_and_fail_keep_detail_and_hint():
    ok = run_check(make(lambda ctx: passed("fine")), None, "local")
    assert (ok.status, ok.detail, ok.hint) == (Status.PASS, "fine", "see README step 1")
    bad = run_check(make(lambda ctx: failed("broken", "specific hint")), None, "local")
    assert (bad.status, bad.detail, bad.hint) == (Status.FAIL, "broken", "specific hint")


def test_check_failed_exception_is_a_fail_with_its_hint():
    def run(ctx):
        raise CheckFailed("timed out after 5s calling GET /users", hint="look at the log")

    result = run_check(make(run), None, "local")
    assert result.status is Status.FAIL
    assert result.detail == "timed out after 5s calling GET /users"
    assert result.hint == "look at the log"


@pytest.mark.parametrize("error", [ZeroDivisionError("division by zero"), KeyError("x"),
                                   RuntimeError("line one\n  Traceback (most recent call)")])
def test_unexpected_exception_is_a_one_line_fail(error):
    def run(ctx):
        raise error

    result = run_check(make(run), None, "local")
    assert result.status is Status.FAIL
    assert type(error).__name__ in result.detail
    assert "\n" not in result.detail
    assert result.hint == "see README step 1"


def test_a_non_outcome_return_is_a_fail():
    assert run_check(make(lambda ctx: True), None, "local").status is Status.FAIL


def test_skips_have_a_reason():
    def run(ctx):
        raise CheckSkipped("no database configured for k3d")

    skipped = run_check(make(run), None, "k3d")
    assert (skipped.status, skipped.detail) == (Status.SKIPPED, "no database configured for k3d")
    other_target = run_check(make(lambda ctx: passed("x"), targets=("local",)), None, "k3d")
    assert other_target.status is Status.SKIPPED and "k3d" in other_target.detail


def test_long_details_are_cut_to_one_line():
    result = run_check(make(lambda ctx: failed("word\n" * 500)), None, "local")
    assert "\n" not in result.detail and len(result.detail) <= 300 and result.detail.endswith("…")


def test_run_stage_cleans_up_after_every_check_even_if_cleanup_breaks():
    class Context:
        calls = 0

        def cleanup(self):
            Context.calls += 1
            raise OSError("database gone")

    checks = [make(lambda ctx: passed("a"), id="T-01"), make(lambda ctx: 1 / 0, id="T-02")]
    results = run_stage(checks, Context(), "local")
    assert [r.status for r in results] == [Status.PASS, Status.FAIL]
    assert Context.calls == 2


def test_registry_keeps_order_and_refuses_duplicate_ids():
    registry = Registry()

    @registry.check("a01", "X-01", "first", "hint")
    def first(ctx):
        return passed("1")

    @registry.check("a01", "X-02", "second", "hint", targets=("local",))
    def second(ctx):
        return passed("2")

    assert [c.id for c in registry.for_stage("a01")] == ["X-01", "X-02"]
    assert registry.for_stage("a02") == []
    with pytest.raises(ValueError, match="duplicate"):
        registry.check("a01", "X-01", "again", "hint")(first)


def test_a01_ids_are_stable_and_hints_name_a_readme_step():
    from checks import a01  # noqa: F401
    from checks.registry import REGISTRY

    checks = REGISTRY.for_stage("a01")
    assert [c.id for c in checks] == [f"A01-{n:02d}" for n in range(1, 13)]
    for check in checks:
        assert "exercises/01-a01-broken-access-control/README.md step" in check.hint
        assert "\n" not in check.description
