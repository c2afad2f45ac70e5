"""Forge JWTs the way an attacker (or the API itself) would, to probe the API's token checks."""

from __future__ import annotations

import base64
import json
import time
import uuid
import warnings

import jwt

# The grader signs with short keys on purpose (an attacker's key); keep the output clean.
warnings.filterwarnings("ignore", message=r"The HMAC key is \d+ bytes long")

ALGORITHM = "HS256"
LIFETIME = 900  # seconds, like the tokens POST /token issues


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def claims(subject: str, permissions: list[str], *, lifetime: int | None = LIFETIME,
           issued: int | None = None, template: dict | None = None) -> dict:
    """Claims shaped like flask-jwt-extended's access tokens (or like `template`, a real
    token's claims): sub, permissions, iat, nbf, jti, exp (omitted if lifetime is None)."""
    now = int(time.time()) if issued is None else issued
    base = {"fresh": False, "type": "access"} if template is None else dict(template)
    base.update({"sub": subject, "permissions": list(permissions), "iat": now, "nbf": now,
                 "jti": str(uuid.uuid4())})
    base.pop("exp", None)
    if lifetime is not None:
        base["exp"] = now + lifetime
    return base


def sign(payload: dict, secret: str, algorithm: str = ALGORITHM) -> str:
    """A properly signed token (the secret decides whether the API should trust it)."""
    return jwt.encode(payload, secret, algorithm=algorithm)


def expired(payload: dict, secret: str, ago: int = 600) -> str:
    """`payload` signed with `secret`, issued 25 minutes ago and expired `ago` seconds ago."""
    now = int(time.time())
    stale = {**payload, "iat": now - ago - LIFETIME, "nbf": now - ago - LIFETIME,
             "exp": now - ago}
    return sign(stale, secret)


def unsigned(payload: dict) -> str:
    """The classic `alg: none` token: no signature at all."""
    header = {"alg": "none", "typ": "JWT"}
    return (f"{_b64(json.dumps(header).encode())}."
            f"{_b64(json.dumps(payload, separators=(',', ':')).encode())}.")


def tampered(token: str, **changes: object) -> str:
    """`token` with its payload changed (e.g. more permissions) and the old signature kept."""
    header, payload, signature = token.split(".")
    data = json.loads(_unb64(payload))
    data.update(changes)
    new_payload = _b64(json.dumps(data, separators=(",", ":")).encode())
    return f"{header}.{new_payload}.{signature}"


def peek(token: str) -> tuple[dict, dict]:
    """(header, claims) of any JWT-looking string, without checking anything; ValueError if
    it is not a JWT."""
    try:
        header = jwt.get_unverified_header(token)
        payload = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as error:
        raise ValueError(f"not a JWT ({error})") from None
    return header, payload


def verify(token: str, secret: str) -> dict:
    """The claims of a token signed with `secret` (HS256); jwt.PyJWTError otherwise."""
    return jwt.decode(token, secret, algorithms=[ALGORITHM],
                      options={"verify_exp": True, "verify_sub": False})
