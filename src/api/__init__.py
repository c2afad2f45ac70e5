"""The bank API: a Flask app factory."""

from __future__ import annotations

from flask import Flask

from api.config import flask_config
from api.db import db
from api.errors import register_error_handlers
from api.routes import blueprints


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(flask_config())
    app.config.update(overrides or {})
    app.json.sort_keys = False  # keep columns in table order
    db.init_app(app)
    register_error_handlers(app)
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    return app
