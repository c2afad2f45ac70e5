# k3d / Kubernetes target of the workshop. Included from the root Makefile,
# which defines VENV (the project virtualenv directory).
#
#   make cluster         create the local k3d cluster "workshop"
#   make deploy          build + import all images, apply kubernetes/ (./build-deploy all)
#   make cluster-delete  delete the cluster (and its volumes)
#   make lint-k8s        static checks of kubernetes/, Dockerfiles and build-deploy (offline)

VENV ?= .venv
PY ?= $(VENV)/bin/python

K3D_CLUSTER ?= workshop
# Pinned k3s: Kubernetes v1.35.8, bundled Traefik v3.7.8 (serves the traefik.io
# CRD group; the legacy traefik.containo.us group is gone in Traefik v3).
# tests/k8s validates the manifests against this Kubernetes minor: keep the
# two in step by changing only this line.
K3S_IMAGE ?= rancher/k3s:v1.35.8-k3s1

.PHONY: cluster deploy cluster-delete lint-k8s

cluster: ## create the local k3d cluster "workshop" (pinned k3s, ports 9080/9443)
	@command -v k3d >/dev/null 2>&1 || { echo "k3d not found: install it from https://k3d.io" >&2; exit 1; }
	@if k3d cluster get $(K3D_CLUSTER) >/dev/null 2>&1; then \
		echo "k3d cluster $(K3D_CLUSTER) already exists"; \
	else \
		k3d cluster create $(K3D_CLUSTER) \
			--image $(K3S_IMAGE) \
			--port 9080:80@loadbalancer \
			--port 9443:443@loadbalancer \
			--wait; \
	fi
	kubectl config use-context k3d-$(K3D_CLUSTER)

deploy: ## build + import all images into k3d and apply kubernetes/ (./build-deploy all)
	K3D_CLUSTER=$(K3D_CLUSTER) ./build-deploy all

cluster-delete: ## delete the k3d cluster and its volumes
	@command -v k3d >/dev/null 2>&1 || { echo "k3d not found: install it from https://k3d.io" >&2; exit 1; }
	k3d cluster delete $(K3D_CLUSTER)

lint-k8s: $(STAMP) ## offline checks of kubernetes/, the Dockerfiles and build-deploy
	@$(PY) -m pytest tests/k8s -q --tb=line -p no:cacheprovider
