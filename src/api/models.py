"""ORM models for the two tables of src/bankdata/schema.sql."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, ForeignKey, Identity, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.db import db


def _json_value(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


class Serializable:
    def to_dict(self, fields: list[str] | None = None) -> dict:
        names = fields or [c.key for c in self.__table__.columns]  # type: ignore[attr-defined]
        return {name: _json_value(getattr(self, name)) for name in names}


class User(Serializable, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Identity(), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    credit_card: Mapped[str] = mapped_column(Text)
    currency: Mapped[str] = mapped_column(String(3))
    email: Mapped[str] = mapped_column(Text)
    is_active: Mapped[bool]
    country: Mapped[str] = mapped_column(String(3))
    num_logins: Mapped[int | None]
    password_hash: Mapped[str | None] = mapped_column(String(32))
    username: Mapped[str] = mapped_column(Text)


class Transaction(Serializable, db.Model):
    __tablename__ = "transactions"

    id: Mapped[int] = mapped_column(Identity(), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3))
    description: Mapped[str | None] = mapped_column(Text)
    timestamp: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
