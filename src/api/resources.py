"""Small helpers the resource blueprints share."""

from __future__ import annotations

from flask import Response, jsonify, url_for

from api.db import db
from api.errors import ApiError
from api.validation import MAX_ID


def get_or_404(model: type[db.Model], item_id: int) -> db.Model:
    """The row with this id, or a JSON 404 naming the resource."""
    item = db.session.get(model, item_id) if 1 <= item_id <= MAX_ID else None
    if item is None:
        raise ApiError(404, f"{model.__name__.lower()} {item_id} not found")
    return item


def created(item: db.Model, endpoint: str) -> tuple[Response, int, dict[str, str]]:
    """201 with the new row and its Location."""
    return jsonify(item.to_dict()), 201, {"Location": url_for(endpoint, item_id=item.id)}
