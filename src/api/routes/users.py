"""CRUD for /users."""

import hashlib
from datetime import UTC, datetime

from flask import Blueprint, jsonify
from sqlalchemy import func, select

from api import validation as v
from api.db import db
from api.errors import ApiError
from api.models import Transaction, User
from api.resources import created, get_or_404

bp = Blueprint("users", __name__, url_prefix="/users")

COLUMNS = [column.key for column in User.__table__.columns]
WRITABLE = {
    "username": v.text(),
    "email": v.email,
    "credit_card": v.card_number,
    "currency": v.currency,
    "country": v.country,
    "password": v.password,
    "is_active": v.boolean,
    "num_logins": v.count,
}
REQUIRED = {"username", "email", "credit_card", "currency", "country"}


def _assign(user: User, values: dict) -> None:
    password = values.pop("password", None)
    if password is not None:
        # Deliberately weak (unsalted MD5): the A02 exercise replaces it.
        user.password_hash = hashlib.md5(password.encode()).hexdigest()  # noqa: S324
    for name, value in values.items():
        setattr(user, name, value)


@bp.get("")
def list_users():
    fields = v.read_fields(COLUMNS)
    users = db.session.scalars(select(User).order_by(User.id))
    return jsonify([user.to_dict(fields) for user in users])


@bp.get("/<int:item_id>")
def get_user(item_id: int):
    return jsonify(get_or_404(User, item_id).to_dict())


@bp.post("")
def create_user():
    values = v.read_body(WRITABLE, REQUIRED)
    user = User(created_at=datetime.now(UTC), is_active=True, num_logins=0)
    _assign(user, values)
    db.session.add(user)
    db.session.commit()
    return created(user, "users.get_user")


@bp.put("/<int:item_id>")
def update_user(item_id: int):
    user = get_or_404(User, item_id)
    _assign(user, v.read_body(WRITABLE, required=set()))
    db.session.commit()
    return jsonify(user.to_dict())


@bp.delete("/<int:item_id>")
def delete_user(item_id: int):
    user = get_or_404(User, item_id)
    owned = db.session.scalar(
        select(func.count()).select_from(Transaction).where(Transaction.user_id == user.id)
    )
    if owned:
        raise ApiError(409, f"user {user.id} still has {owned} transaction(s); delete them first")
    db.session.delete(user)
    db.session.commit()
    return "", 204
