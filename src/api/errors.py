"""JSON errors: every failure, expected or not, answers JSON without internals."""

from __future__ import annotations

import logging

from flask import Flask, jsonify
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error the client can fix; rendered as {"error": message, ...extra}."""

    def __init__(self, status: int, message: str, **extra: object) -> None:
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(error: ApiError):
        return jsonify(error=error.message, **error.extra), error.status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return jsonify(error=(error.name or "error").lower()), error.code

    @app.errorhandler(OperationalError)
    def database_down(error: OperationalError):
        log.error("database unavailable: %s", error.orig)
        return jsonify(error="database unavailable"), 503

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unhandled error")
        return jsonify(error="internal server error"), 500
