"""YAML hygiene, schema validation and linters for the Kubernetes target."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import k8slint
import kubernetes_validate.utils
import pytest

FIXTURES = Path(__file__).parent / "fixtures"
BROKEN = FIXTURES / "broken"
DOCKERFILES = sorted(k8slint.SRC_DIR.glob("*/Dockerfile"))
SCRIPTS = [k8slint.BUILD_DEPLOY, *sorted((k8slint.SRC_DIR / "db").rglob("*.sh"))]


def load(path: Path) -> list[dict[str, Any]]:
    return k8slint.load_yaml_strict(path.read_text())


# --------------------------------------------------------------------- YAML


def test_yaml_files_exist() -> None:
    names = {p.name for p in k8slint.yaml_files()}
    assert {"kustomization.yaml", "postgres.yaml", "api.yaml", "reconciler.yaml"} <= names


def test_no_duplicate_keys() -> None:
    assert k8slint.duplicate_key_problems(k8slint.yaml_files()) == []


def test_duplicate_keys_are_rejected() -> None:
    problems = k8slint.duplicate_key_problems([BROKEN / "duplicate-keys.yaml"])
    assert len(problems) == 1
    assert "duplicate key 'port'" in problems[0]


def test_yamllint() -> None:
    assert k8slint.yamllint_problems(k8slint.yaml_files()) == []


def test_yamllint_catches_broken_fixture() -> None:
    text = "\n".join(k8slint.yamllint_problems([BROKEN / "yamllint.yaml"]))
    assert "(indentation)" in text
    assert "(truthy)" in text


# --------------------------------------------------------------------- versions


def test_k3s_pin_is_supported_by_validator(k8s_version: str) -> None:
    minor = ".".join(k8s_version.split(".")[:2])
    bundled = {".".join(v.split(".")[:2]) for v in kubernetes_validate.utils.all_versions()}
    assert minor in bundled, f"kubernetes-validate has no schemas for Kubernetes {minor}"


def test_k3s_image_is_pinned() -> None:
    with pytest.raises(ValueError):
        k8slint.kubernetes_version("rancher/k3s:latest")
    assert k8slint.kubernetes_version("rancher/k3s:v1.35.8-k3s1") == "1.35.8"


# --------------------------------------------------------------------- schemas


def test_rendered_builtin_objects_validate(
    rendered: list[dict[str, Any]], k8s_version: str
) -> None:
    kinds = {d["kind"] for d in rendered}
    assert {"StatefulSet", "Deployment", "CronJob", "Service", "Secret"} <= kinds
    assert k8slint.validate_builtin(rendered, k8s_version) == []


def test_rendered_custom_objects_validate(rendered: list[dict[str, Any]]) -> None:
    assert k8slint.validate_custom(rendered) == []


def test_kubernetes_validate_catches_invalid_core_object(k8s_version: str) -> None:
    problems = k8slint.validate_builtin(load(BROKEN / "core-invalid.yaml"), k8s_version)
    assert any("tragetPort" in p for p in problems), problems


def test_kubernetes_validate_unknown_core_kind_is_a_failure(k8s_version: str) -> None:
    doc = {"apiVersion": "v1", "kind": "Frobnicator", "metadata": {"name": "x"}}
    problems = k8slint.validate_builtin([doc], k8s_version)
    assert any("Couldn't find schema" in p for p in problems), problems


def test_valid_custom_resources_pass() -> None:
    docs = load(FIXTURES / "valid" / "crds.yaml")
    assert {d["kind"] for d in docs} == {"IngressRoute", "Middleware", "Issuer", "Certificate"}
    assert k8slint.validate_custom(docs) == []


def test_custom_resource_without_schema_fails() -> None:
    problems = k8slint.validate_custom(load(BROKEN / "crd-legacy-group.yaml"))
    assert problems == [
        "Middleware/headers (traefik.containo.us/v1alpha1): no schema "
        f"traefik.containo.us_middleware_v1alpha1.json in {k8slint.SCHEMA_DIR}"
    ]


def test_custom_resource_schema_violation_fails() -> None:
    problems = k8slint.validate_custom(load(BROKEN / "crd-invalid.yaml"))
    assert any("entryPoints" in p and "is not of type 'array'" in p for p in problems), problems


def test_schema_dir_matches_bundled_traefik() -> None:
    files = sorted(p.name for p in k8slint.SCHEMA_DIR.glob("*.json"))
    for name in files:
        json.loads((k8slint.SCHEMA_DIR / name).read_text())
    expected = {
        f"traefik.io_{k}_v1alpha1.json"
        for k in ("ingressroute", "middleware", "tlsoption", "serverstransport")
    } | {f"cert-manager.io_{k}_v1.json" for k in ("certificate", "issuer", "clusterissuer")}
    assert expected <= set(files)
    # Traefik v3 (bundled by the pinned k3s) does not serve the legacy group.
    assert not [f for f in files if f.startswith("traefik.containo.us_")]


# --------------------------------------------------------------------- linters


def test_dockerfiles_exist() -> None:
    assert {p.parent.name for p in DOCKERFILES} >= {"api", "reconciler", "db"}


def test_hadolint() -> None:
    assert k8slint.hadolint_problems(DOCKERFILES) == []


def test_hadolint_catches_broken_fixture() -> None:
    text = "\n".join(k8slint.hadolint_problems([BROKEN / "Dockerfile"]))
    assert "DL3007" in text  # latest tag
    assert "DL3013" in text  # unpinned pip package
    assert "DL3025" in text  # shell-form CMD


def test_shellcheck() -> None:
    assert k8slint.shellcheck_problems(SCRIPTS) == []


def test_shellcheck_catches_broken_fixture() -> None:
    text = "\n".join(k8slint.shellcheck_problems([BROKEN / "script.sh"]))
    assert "SC2086" in text


def test_build_deploy_is_executable() -> None:
    assert k8slint.BUILD_DEPLOY.stat().st_mode & 0o111
