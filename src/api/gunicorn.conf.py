"""gunicorn settings; APP_BIND and APP_WORKERS come from the environment."""

import os

bind = os.environ.get("APP_BIND", "127.0.0.1:3000")
workers = int(os.environ.get("APP_WORKERS", "2"))
timeout = 30
graceful_timeout = 10
accesslog = "-"
errorlog = "-"
capture_output = True
# No control socket (gunicornc): by default it lands in $HOME, outside the
# workshop's state folder, and fails on Kubernetes' read-only root filesystem.
control_socket_disable = True
