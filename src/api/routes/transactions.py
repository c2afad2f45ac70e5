"""CRUD for /transactions."""

from datetime import UTC, datetime

from flask import Blueprint, jsonify
from sqlalchemy import select

from api import validation as v
from api.db import db
from api.errors import ApiError
from api.models import Transaction, User
from api.resources import created, get_or_404

bp = Blueprint("transactions", __name__, url_prefix="/transactions")

COLUMNS = [column.key for column in Transaction.__table__.columns]
WRITABLE = {
    "amount": v.amount,
    "currency": v.currency,
    "description": v.optional_text(500),
    "timestamp": v.timestamp,
    "user_id": v.identifier,
}
REQUIRED = {"amount", "currency", "user_id"}


def _check_owner(values: dict) -> None:
    if "user_id" in values and db.session.get(User, values["user_id"]) is None:
        raise ApiError(422, f"user {values['user_id']} does not exist")


@bp.get("")
def list_transactions():
    fields = v.read_fields(COLUMNS)
    transactions = db.session.scalars(select(Transaction).order_by(Transaction.id))
    return jsonify([transaction.to_dict(fields) for transaction in transactions])


@bp.get("/<int:item_id>")
def get_transaction(item_id: int):
    return jsonify(get_or_404(Transaction, item_id).to_dict())


@bp.post("")
def create_transaction():
    values = v.read_body(WRITABLE, REQUIRED)
    _check_owner(values)
    transaction = Transaction(**{"timestamp": datetime.now(UTC), **values})
    db.session.add(transaction)
    db.session.commit()
    return created(transaction, "transactions.get_transaction")


@bp.put("/<int:item_id>")
def update_transaction(item_id: int):
    transaction = get_or_404(Transaction, item_id)
    values = v.read_body(WRITABLE, required=set())
    _check_owner(values)
    for name, value in values.items():
        setattr(transaction, name, value)
    db.session.commit()
    return jsonify(transaction.to_dict())


@bp.delete("/<int:item_id>")
def delete_transaction(item_id: int):
    db.session.delete(get_or_404(Transaction, item_id))
    db.session.commit()
    return "", 204
