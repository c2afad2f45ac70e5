"""Shared fixtures of the Kubernetes static checks (offline, no cluster)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import k8slint  # noqa: E402


@pytest.fixture(scope="session")
def k8s_version() -> str:
    """Kubernetes version of the pinned k3s image."""
    return k8slint.kubernetes_version(k8slint.k3s_image())


@pytest.fixture(scope="session")
def rendered_text() -> str:
    """`kubectl kustomize kubernetes` output (rendered in a temp copy)."""
    if shutil.which("kubectl") is None:
        pytest.skip("kubectl not installed: cannot render kubernetes/ with kustomize")
    return k8slint.render_kustomize()


@pytest.fixture(scope="session")
def rendered(rendered_text: str) -> list[dict[str, Any]]:
    """The rendered objects."""
    return k8slint.load_yaml_strict(rendered_text)


@pytest.fixture(scope="session")
def built() -> dict[str, str]:
    """Component -> image, as build-deploy builds them."""
    return k8slint.build_deploy_images()
