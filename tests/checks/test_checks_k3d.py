"""The k3d target's configuration and kubectl command lines (offline: kubectl is faked)."""

from __future__ import annotations

import base64
import subprocess

import pytest

from checks import targets
from checks.targets import K3dConfig, Kubectl, TargetError, load_k3d_config


def test_shipped_file_holds_the_defaults():
    assert load_k3d_config() == K3dConfig()
    assert K3dConfig().api_url == "http://127.0.0.1:3000"
    assert K3dConfig().namespace == "default"


def test_missing_file_means_defaults(tmp_path):
    assert load_k3d_config(tmp_path / "nope.toml") == K3dConfig()


def test_settings_are_read(tmp_path):
    path = tmp_path / "k3d.toml"
    path.write_text('api_url = "http://127.0.0.1:8080"\nnamespace = "bank"\n'
                    'context = "k3d-workshop"\ndb_port = 55433\n')
    config = load_k3d_config(path)
    assert (config.api_url, config.namespace, config.context, config.db_port) == (
        "http://127.0.0.1:8080", "bank", "k3d-workshop", 55433)
    assert config.secret == "api-secrets" and config.cronjob == "reconciler"


@pytest.mark.parametrize(("content", "message"), [
    ("api_url = ", "cannot read"),
    ('apiurl = "http://x"', r"unknown setting\(s\) apiurl"),
    ('db_port = "5432"', "db_port must be a int"),
    ("namespace = true", "namespace must be a str"),
    ('api_url = "127.0.0.1:3000"', "must start with http://"),
])
def test_bad_settings_are_one_clear_line(tmp_path, content, message):
    path = tmp_path / "k3d.toml"
    path.write_text(content + "\n")
    with pytest.raises(TargetError, match=message) as error:
        load_k3d_config(path)
    assert "\n" not in str(error.value)


def test_command_lines():
    kubectl = Kubectl(K3dConfig(namespace="bank"))
    assert kubectl.secret_command("TOKEN_SECRET") == [
        "kubectl", "--namespace", "bank", "get", "secret", "api-secrets", "-o",
        "jsonpath={.data.TOKEN_SECRET}"]
    assert kubectl.create_job_command("grader-1") == [
        "kubectl", "--namespace", "bank", "create", "job", "--from=cronjob/reconciler",
        "grader-1"]
    assert kubectl.job_state_command("grader-1") == [
        "kubectl", "--namespace", "bank", "get", "job", "grader-1", "-o",
        "jsonpath={.status.succeeded},{.status.failed}"]
    assert kubectl.logs_command("grader-1")[-2:] == ["logs", "job/grader-1"]
    assert kubectl.delete_job_command("grader-1")[-4:] == ["delete", "job", "grader-1",
                                                           "--wait=false"]
    with_context = Kubectl(K3dConfig(context="k3d-workshop"))
    assert with_context.command("get", "pods")[:5] == [
        "kubectl", "--context", "k3d-workshop", "--namespace", "default"]


class FakeKubectl:
    """Answers kubectl command lines from a table; records what was run."""

    def __init__(self, answers: dict[str, tuple[int, str, str]]) -> None:
        self.answers, self.calls = answers, []

    def __call__(self, command, **kwargs):
        self.calls.append(command)
        for needle, (code, out, err) in self.answers.items():
            if needle in " ".join(command):
                return subprocess.CompletedProcess(command, code, out, err)
        return subprocess.CompletedProcess(command, 0, "", "")


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_secrets_are_base64_decoded():
    fake = FakeKubectl({f"{{.data.{key}}}": (0, b64(f"value-of-{key}"), "")
                        for key in targets.SECRET_KEYS})
    secrets = Kubectl(K3dConfig(), runner=fake).secrets()
    assert secrets == {key: f"value-of-{key}" for key in targets.SECRET_KEYS}
    assert len(fake.calls) == 3


def test_a_missing_key_names_step_7():
    fake = FakeKubectl({"TOKEN_SECRET": (0, "", "")})
    with pytest.raises(TargetError, match="has no key TOKEN_SECRET.*step 7"):
        Kubectl(K3dConfig(), runner=fake).secrets()


def test_a_missing_secret_is_one_line():
    fake = FakeKubectl({"get secret": (1, "", 'Error from server (NotFound): secrets '
                                              '"api-secrets" not found\n')})
    with pytest.raises(TargetError) as error:
        Kubectl(K3dConfig(), runner=fake).secrets()
    assert "NotFound" in str(error.value) and "\n" not in str(error.value)


def test_missing_kubectl_is_one_line(monkeypatch):
    monkeypatch.setattr(targets.shutil, "which", lambda name: None)
    with pytest.raises(TargetError, match="kubectl not found"):
        Kubectl(K3dConfig()).secrets()

    def no_binary(command, **kwargs):
        raise FileNotFoundError(command[0])

    with pytest.raises(TargetError, match="kubectl not found"):
        Kubectl(K3dConfig(), runner=no_binary).secrets()


def test_reconcile_creates_waits_reads_logs_and_deletes_the_job():
    fake = FakeKubectl({"jsonpath={.status.succeeded}": (0, "1,", ""),
                        "logs job/": (0, "found 50 known users\nreconciled 50 accounts\n", "")})
    run = Kubectl(K3dConfig(), runner=fake).reconcile(poll=0)
    assert run.returncode == 0 and run.stdout.startswith("found 50 known users")
    verbs = [" ".join(c[3:5]) for c in fake.calls]
    assert verbs == ["create job", "get job", "logs job/" + fake.calls[0][-1].split()[-1],
                     "delete job"]
    assert fake.calls[0][-1].startswith("grader-")


def test_a_failed_job_reports_its_logs_as_stderr():
    fake = FakeKubectl({"jsonpath={.status.succeeded}": (0, ",1", ""),
                        "logs job/": (0, "reconciler: FAILED: GET /users?fields=id answered "
                                         "401 UNAUTHORIZED\n", "")})
    run = Kubectl(K3dConfig(), runner=fake).reconcile(poll=0)
    assert run.returncode == 1 and "401" in run.stderr
    assert fake.calls[-1][3:5] == ["delete", "job"]


def test_a_job_without_result_times_out_and_is_deleted():
    fake = FakeKubectl({"jsonpath={.status.succeeded}": (0, ",", "")})
    run = Kubectl(K3dConfig(), runner=fake).reconcile(timeout=0, poll=0)
    assert run.returncode == 124 and "no result" in run.stderr
    assert fake.calls[-1][3:5] == ["delete", "job"]


def test_k3d_target_without_a_port_forward_is_one_line(tmp_path):
    path = tmp_path / "k3d.toml"
    path.write_text('api_url = "http://127.0.0.1:9"\n')
    with pytest.raises(TargetError, match="port-forward svc/api 9:80") as error:
        targets.k3d_target(path, kubectl=Kubectl(K3dConfig(), runner=FakeKubectl({})))
    assert "\n" not in str(error.value)
