"""Forged tokens decode to exactly the header and claims the checks intend."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest

from checks import tokens

SECRET = "s" * 43


def test_claims_look_like_flask_jwt_extended():
    claims = tokens.claims("root", ["read:user"], issued=1000)
    assert claims["sub"] == "root" and claims["permissions"] == ["read:user"]
    assert (claims["iat"], claims["nbf"], claims["exp"]) == (1000, 1000, 1900)
    assert claims["type"] == "access" and claims["fresh"] is False and claims["jti"]


def test_claims_follow_a_template_but_replace_time_and_permissions():
    template = {"sub": "root", "permissions": ["x"], "exp": 1, "iat": 1, "custom": "kept"}
    claims = tokens.claims("root", [], template=template, issued=5000)
    assert claims["custom"] == "kept" and claims["permissions"] == [] and claims["exp"] == 5900
    assert "exp" not in tokens.claims("root", [], lifetime=None)


def test_signed_token_verifies_with_the_secret_only():
    token = tokens.sign(tokens.claims("root", ["read:user"]), SECRET)
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    assert tokens.verify(token, SECRET)["permissions"] == ["read:user"]
    with pytest.raises(jwt.InvalidSignatureError):
        tokens.verify(token, "another-key-" + SECRET)


def test_expired_token_is_properly_signed_but_in_the_past():
    token = tokens.expired(tokens.claims("root", ["read:user"]), SECRET, ago=600)
    with pytest.raises(jwt.ExpiredSignatureError):
        tokens.verify(token, SECRET)
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_exp": False})
    assert claims["exp"] <= time.time() - 590
    assert claims["exp"] - claims["iat"] == tokens.LIFETIME


def test_unsigned_token_has_alg_none_and_no_signature():
    token = tokens.unsigned(tokens.claims("root", ["modify:user"]))
    assert token.endswith(".")
    header, claims = tokens.peek(token)
    assert header["alg"] == "none" and claims["permissions"] == ["modify:user"]
    with pytest.raises(jwt.PyJWTError):
        tokens.verify(token, SECRET)


def test_tampered_token_keeps_the_old_signature():
    original = tokens.sign(tokens.claims("root", []), SECRET)
    forged = tokens.tampered(original, permissions=["modify:user", "modify:transaction"])
    assert forged.split(".")[0] == original.split(".")[0]
    assert forged.split(".")[2] == original.split(".")[2]
    payload = forged.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["permissions"] == ["modify:user", "modify:transaction"]
    with pytest.raises(jwt.InvalidSignatureError):
        tokens.verify(forged, SECRET)


def test_peek_refuses_non_tokens():
    with pytest.raises(ValueError, match="not a JWT"):
        tokens.peek("not.a.jwt")
