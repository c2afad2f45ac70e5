"""Configuration from environment variables (the same names locally and in Kubernetes).

- APP_DB_HOST: PostgreSQL host (default 127.0.0.1)
- APP_DB_PORT: PostgreSQL port (default 5432)
- APP_DB_DBNAME: database name (default bank)
- APP_DB_USERNAME: database user (default bank)
- APP_DB_PASSWORD: database password (required)
"""

from __future__ import annotations

import os

from sqlalchemy import URL

MAX_BODY_BYTES = 64 * 1024


def database_url() -> URL:
    """The SQLAlchemy URL of the bank database, built from APP_DB_* variables."""
    password = os.environ.get("APP_DB_PASSWORD")
    if not password:
        raise RuntimeError("APP_DB_PASSWORD is not set: the API cannot reach the database")
    return URL.create(
        "postgresql+psycopg2",
        host=os.environ.get("APP_DB_HOST", "127.0.0.1"),
        port=int(os.environ.get("APP_DB_PORT", "5432")),
        database=os.environ.get("APP_DB_DBNAME", "bank"),
        username=os.environ.get("APP_DB_USERNAME", "bank"),
        password=password,
    )


def flask_config() -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": database_url(),
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "pool_pre_ping": True,
            "connect_args": {"connect_timeout": 5, "options": "-c timezone=UTC"},
        },
        "MAX_CONTENT_LENGTH": MAX_BODY_BYTES,
    }
