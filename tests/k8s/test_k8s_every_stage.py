"""The k3d contract holds at every stage: each exercise's start and the last solved stage.

A solution that makes the code read a new variable (A01: TOKEN_SECRET,
APP_API_CREDENTIAL) must also wire it into the manifests and the generated
Secrets, or the attendee's k3d deployment breaks.
"""

from __future__ import annotations

from pathlib import Path

import k8slint
import pytest
from test_k8s_contract import all_checks, problem_list

from stages import base
from stages.catalog import discover
from stages.trees import snapshots, write_entry

STAGES = discover(k8slint.REPO_ROOT)
SNAPSHOTS = snapshots(k8slint.REPO_ROOT, base.resolve(k8slint.REPO_ROOT), STAGES)
# SNAPSHOTS[k] is the start of STAGES[k]; one more, if any, is the last stage solved.
LABELS = ([f"start of {stage.name}" for stage in STAGES] + ["all solved"])[: len(SNAPSHOTS)]


def test_the_contract_check_sees_unwired_code(tmp_path: Path) -> None:
    """A01's code with the start's manifests: TOKEN_SECRET and APP_API_CREDENTIAL unset."""
    for path, entry in SNAPSHOTS[0].items():
        if not path.startswith("src/"):
            write_entry(tmp_path / path, entry)
    for path, entry in SNAPSHOTS[1].items():
        if path.startswith("src/"):
            write_entry(tmp_path / path, entry)
    docs = k8slint.load_yaml_strict(
        k8slint.render_kustomize(tmp_path / "kubernetes", tmp_path / "build-deploy"))
    problems = "\n".join(k8slint.check_env_contract(
        docs, k8slint.build_deploy_images(tmp_path / "build-deploy"),
        src_root=tmp_path / "src", dockerfile_root=tmp_path / "src"))
    assert "env TOKEN_SECRET" in problems and "env APP_API_CREDENTIAL" in problems


def test_solved_stages_are_covered() -> None:
    """At least A01's start and A01 solved are checked (the snapshot list is not empty)."""
    assert len(SNAPSHOTS) >= 2
    assert LABELS[:2] == [f"start of {STAGES[0].name}", f"start of {STAGES[1].name}"]


@pytest.mark.parametrize("index", range(len(SNAPSHOTS)), ids=LABELS)
def test_contract_at_stage(index: int, tmp_path: Path) -> None:
    for path, entry in SNAPSHOTS[index].items():
        write_entry(tmp_path / path, entry)
    docs = k8slint.load_yaml_strict(
        k8slint.render_kustomize(tmp_path / "kubernetes", tmp_path / "build-deploy"))
    built = k8slint.build_deploy_images(tmp_path / "build-deploy")
    problems = all_checks(docs, built)
    problems["env"] = k8slint.check_env_contract(docs, built, src_root=tmp_path / "src",
                                                 dockerfile_root=tmp_path / "src")
    found = problem_list(problems)
    assert not found, f"{LABELS[index]}: kubernetes/ and src/ disagree:\n{found}"
