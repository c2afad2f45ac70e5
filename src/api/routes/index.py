"""The root and the health check used by `make up` and Kubernetes probes."""

from flask import Blueprint, jsonify
from sqlalchemy import text

from api.db import db

bp = Blueprint("index", __name__)


@bp.get("/")
def root():
    return jsonify(error="not found"), 404


@bp.get("/healthz")
def healthz():
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")
