"""Policy and contract checks of the rendered manifests.

Each check runs on the real manifests (no problems expected) and on a copy
broken on purpose (the specific problem expected), so a check that silently
passes everything cannot go unnoticed.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import k8slint
import pytest

Docs = list[dict[str, Any]]
FIXTURES = Path(__file__).parent / "fixtures"
API_DOCKERFILE = k8slint.SRC_DIR / "api" / "Dockerfile"


def obj(docs: Docs, kind: str, name: str) -> dict[str, Any]:
    return next(d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name)


def pod(docs: Docs, kind: str, name: str) -> dict[str, Any]:
    tmpl = k8slint.pod_template(obj(docs, kind, name))
    assert tmpl is not None
    return tmpl["spec"]


def ctr(docs: Docs, kind: str, name: str) -> dict[str, Any]:
    return pod(docs, kind, name)["containers"][0]


def env(docs: Docs, kind: str, name: str, var: str) -> dict[str, Any]:
    return next(e for e in ctr(docs, kind, name)["env"] if e["name"] == var)


API = ("Deployment", "api")
DB = ("StatefulSet", "postgres")
JOB = ("CronJob", "reconciler")


# --------------------------------------------------------------------- checks on the real manifests


def all_checks(docs: Docs, built: dict[str, str]) -> dict[str, list[str]]:
    return {
        "non_root": k8slint.check_non_root(docs),
        "privileges": k8slint.check_privileges(docs),
        "resources": k8slint.check_resources(docs),
        "image_tags": k8slint.check_image_tags(docs),
        "pull_policy": k8slint.check_pull_policy(docs, built.values()),
        "probes": k8slint.check_probes(docs),
        "api_probe": k8slint.check_http_probe(docs, built["api"]),
        "env": k8slint.check_env_contract(docs, built),
        "selectors": k8slint.check_service_selectors(docs),
        "target_ports": k8slint.check_service_target_ports(docs),
        "api_port": k8slint.check_api_port(docs, built["api"], API_DOCKERFILE),
        "config_refs": k8slint.check_config_refs(docs),
        "images_built": k8slint.check_images_built(docs, built),
        "cronjob": k8slint.check_cronjob(docs),
        "api_url": k8slint.check_api_url(docs, built["reconciler"]),
    }


def problem_list(found: dict[str, list[str]]) -> str:
    """One line per problem, for a failure message an attendee can read."""
    return "\n".join(f"  [{check}] {problem}" for check, problems in found.items()
                     for problem in problems)


def test_real_manifests_pass_all_checks(rendered: Docs, built: dict[str, str]) -> None:
    problems = problem_list(all_checks(rendered, built))
    assert not problems, f"kubernetes/ and src/ disagree:\n{problems}"


def test_build_deploy_builds_three_images(built: dict[str, str]) -> None:
    assert set(built) == {"api", "reconciler", "db"}
    for image in built.values():
        _name, tag, _digest = k8slint.split_image(image)
        assert tag and tag != "latest", image


def test_env_contract_of_documented_interface(rendered: Docs, built: dict[str, str]) -> None:
    """The manifests + Dockerfiles satisfy the env contract (stand-in code, see fixture)."""
    src = FIXTURES / "contract-src"
    reads = k8slint.component_env_reads("api", src)
    assert {"APP_BIND", "APP_WORKERS", "APP_DB_PASSWORD"} <= set(reads)
    assert k8slint.component_env_reads("reconciler", src).keys() == {"APP_API_URL"}
    assert k8slint.check_env_contract(rendered, built, src_root=src) == []


def test_db_init_script_requirements_are_scanned() -> None:
    assert "BANK_DB_PASSWORD" in k8slint.component_env_reads("db")


# --------------------------------------------------------------------- broken on purpose


def _drop(d: dict[str, Any], key: str) -> None:
    del d[key]


Mutation = Callable[[Docs], None]

BROKEN: list[tuple[str, Mutation, str, str]] = [
    # (id, mutation, check name in all_checks, expected problem text)
    ("pod-may-run-as-root",
     lambda d: _drop(pod(d, *API)["securityContext"], "runAsNonRoot"),
     "non_root", "Deployment/api container api: runAsNonRoot is not true"),
    ("container-runs-as-uid-0",
     lambda d: ctr(d, *JOB)["securityContext"].update(runAsUser=0),
     "non_root", "CronJob/reconciler container reconciler: runAsUser is 0"),
    ("privilege-escalation",
     lambda d: ctr(d, *DB)["securityContext"].update(allowPrivilegeEscalation=True),
     "privileges", "StatefulSet/postgres container postgres: allowPrivilegeEscalation is not"),
    ("capabilities-kept",
     lambda d: _drop(ctr(d, *API)["securityContext"], "capabilities"),
     "privileges", "Deployment/api container api: capabilities.drop does not contain ALL"),
    ("privileged",
     lambda d: ctr(d, *API)["securityContext"].update(privileged=True),
     "privileges", "Deployment/api container api: privileged is true"),
    ("no-memory-limit",
     lambda d: _drop(ctr(d, *DB)["resources"]["limits"], "memory"),
     "resources", "StatefulSet/postgres container postgres: no limits.memory"),
    ("no-requests",
     lambda d: _drop(ctr(d, *JOB)["resources"], "requests"),
     "resources", "CronJob/reconciler container reconciler: no requests.cpu"),
    ("latest-tag",
     lambda d: ctr(d, *API).update(image="secure-bank-api:latest"),
     "image_tags", "image 'secure-bank-api:latest' uses the latest tag"),
    ("untagged-image",
     lambda d: ctr(d, *API).update(image="secure-bank-api"),
     "image_tags", "image 'secure-bank-api' has no tag"),
    ("pull-always",
     lambda d: ctr(d, *DB).update(imagePullPolicy="Always"),
     "pull_policy", "imagePullPolicy 'Always' for locally imported image"),
    ("no-readiness-probe",
     lambda d: _drop(ctr(d, *DB), "readinessProbe"),
     "probes", "StatefulSet/postgres container postgres: no readinessProbe"),
    ("api-probe-not-healthz",
     lambda d: ctr(d, *API)["livenessProbe"]["httpGet"].update(path="/"),
     "api_probe", "livenessProbe is not an httpGet on /healthz"),
    ("api-probe-undeclared-port",
     lambda d: ctr(d, *API)["readinessProbe"]["httpGet"].update(port="web"),
     "api_probe", "readinessProbe port 'web' is not declared"),
    ("api-db-password-unset",
     lambda d: ctr(d, *API).update(
         env=[e for e in ctr(d, *API)["env"] if e["name"] != "APP_DB_PASSWORD"]),
     "env", "env APP_DB_PASSWORD"),
    ("db-bank-password-unset",
     lambda d: ctr(d, *DB).update(
         env=[e for e in ctr(d, *DB)["env"] if e["name"] != "BANK_DB_PASSWORD"]),
     "env", "env BANK_DB_PASSWORD (read by db/initdb/10-create-bank.sh)"),
    ("db-superuser-password-unset",
     lambda d: ctr(d, *DB).update(
         env=[e for e in ctr(d, *DB)["env"] if e["name"] != "POSTGRES_PASSWORD"]),
     "env", "env POSTGRES_PASSWORD"),
    ("service-selector-typo",
     lambda d: obj(d, "Service", "api")["spec"]["selector"].update(
         {"app.kubernetes.io/name": "apii"}),
     "selectors", "Service/api: selector {'app.kubernetes.io/name': 'apii'} matches no pod"),
    ("named-target-port-missing",
     lambda d: obj(d, "Service", "api")["spec"]["ports"][0].update(targetPort="web"),
     "target_ports", "Service/api: targetPort 'web' (port 80) is not a container port"),
    ("numeric-target-port-missing",
     lambda d: obj(d, "Service", "postgres")["spec"]["ports"][0].update(targetPort=5433),
     "target_ports", "Service/postgres: targetPort 5433 (port 5432) is not a container port"),
    ("api-container-port-differs-from-app-bind",
     lambda d: ctr(d, *API)["ports"][0].update(containerPort=8000),
     "api_port", "APP_BIND port 3000 is not a containerPort"),
    ("api-binds-loopback",
     lambda d: ctr(d, *API)["env"].append({"name": "APP_BIND", "value": "127.0.0.1:3000"}),
     "api_port", "APP_BIND 127.0.0.1:3000 is not reachable from other pods"),
    ("secret-key-typo",
     lambda d: env(d, *API, "APP_DB_PASSWORD")["valueFrom"]["secretKeyRef"].update(
         key="DB_PASSWORD"),
     "config_refs", "Secret 'api-secrets' has no key 'DB_PASSWORD'"),
    ("secret-missing",
     lambda d: d.remove(obj(d, "Secret", "postgres-secrets")),
     "config_refs", "env POSTGRES_PASSWORD: Secret 'postgres-secrets' does not exist"),
    ("configmap-envfrom-missing",
     lambda d: ctr(d, *API).setdefault("envFrom", []).append(
         {"configMapRef": {"name": "api-config"}}),
     "config_refs", "envFrom: ConfigMap 'api-config' does not exist"),
    ("secret-volume-missing",
     lambda d: pod(d, *API)["volumes"].append({"name": "tls", "secret": {"secretName": "tls"}}),
     "config_refs", "volume tls: Secret 'tls' does not exist"),
    ("image-not-built-by-build-deploy",
     lambda d: ctr(d, *API).update(image="secure-bank-api:v2"),
     "images_built", "image 'secure-bank-api:v2' is used in the manifests but build-deploy"),
    ("cron-not-every-minute",
     lambda d: obj(d, *JOB)["spec"].update(schedule="*/5 * * * *"),
     "cronjob", "schedule '*/5 * * * *' is not every minute"),
    ("cron-allows-overlap",
     lambda d: obj(d, *JOB)["spec"].update(concurrencyPolicy="Allow"),
     "cronjob", "concurrencyPolicy 'Allow' is not Forbid"),
    ("api-url-wrong-port",
     lambda d: env(d, *JOB, "APP_API_URL").update(value="http://api:3000"),
     "api_url", "APP_API_URL=http://api:3000: Service api has no port 3000"),
    ("api-url-wrong-host",
     lambda d: env(d, *JOB, "APP_API_URL").update(value="http://localhost:3000"),
     "api_url", "does not point at Service api"),
]


@pytest.mark.parametrize(
    ("mutate", "check", "expected"),
    [pytest.param(m, c, e, id=i) for i, m, c, e in BROKEN],
)
def test_check_reports_broken_manifest(
    rendered: Docs, built: dict[str, str], mutate: Mutation, check: str, expected: str
) -> None:
    docs = copy.deepcopy(rendered)
    mutate(docs)
    problems = all_checks(docs, built)[check]
    assert any(expected in p for p in problems), problems


def test_every_check_has_a_broken_case(rendered: Docs, built: dict[str, str]) -> None:
    assert {c for _i, _m, c, _e in BROKEN} == set(all_checks(rendered, built))


def test_missing_cronjob_is_reported(rendered: Docs) -> None:
    docs = [d for d in rendered if d["kind"] != "CronJob"]
    assert k8slint.check_cronjob(docs) == ["no CronJob reconciler"]


def test_build_deploy_image_unused(rendered: Docs, built: dict[str, str]) -> None:
    extra = {**built, "worker": "secure-bank-worker:workshop"}
    assert k8slint.check_images_built(rendered, extra) == [
        "build-deploy builds 'secure-bank-worker:workshop' (worker) but no manifest uses it"
    ]


def test_env_contract_on_broken_source(rendered: Docs, built: dict[str, str]) -> None:
    """Unset vars read directly, via an imported first-party package, and a bad optional."""
    src = FIXTURES / "broken" / "src"
    problems = "\n".join(k8slint.check_env_contract(rendered, built, src_root=src))
    assert "env APP_MISSING_SECRET (read by api/__init__.py)" in problems
    assert "env APP_HELPER_LEVEL (read by helperpkg/settings.py)" in problems
    assert "APP_WORKERS is listed as optional but api/__init__.py reads it without a default" in (
        problems
    )
    assert "APP_DB_HOST" not in problems  # set by the manifest


def test_env_from_secret_counts_as_set(rendered: Docs, built: dict[str, str]) -> None:
    docs = copy.deepcopy(rendered)
    api = ctr(docs, *API)
    api["env"] = [e for e in api["env"] if e["name"] != "APP_DB_PASSWORD"]
    api["envFrom"] = [{"secretRef": {"name": "api-secrets"}}]
    assert k8slint.check_env_contract(docs, built, src_root=FIXTURES / "contract-src") == []
    assert k8slint.check_config_refs(docs) == []


def test_env_reads_through_a_wrapper_are_seen(tmp_path: Path) -> None:
    """`required("TOKEN_SECRET")` reads TOKEN_SECRET as surely as os.environ does."""
    module = tmp_path / "config.py"
    module.write_text(
        "import os\n\n"
        "def required(name):\n    value = os.environ.get(name)\n    return value\n\n"
        "KEY = required('TOKEN_SECRET')\nPORT = os.environ.get('APP_PORT', '1')\n"
    )
    assert k8slint.python_env_reads(module) == {"TOKEN_SECRET": False, "APP_PORT": True}
