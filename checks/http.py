"""HTTP calls with a timeout, turned into one-line CheckFailed messages when the API misbehaves."""

from __future__ import annotations

import json
from dataclasses import dataclass

import requests

from checks.registry import CheckFailed, one_line

TIMEOUT = 5.0  # seconds, for every call


@dataclass(frozen=True)
class Reply:
    """The parts of an HTTP answer the checks look at."""

    method: str
    path: str
    status: int
    headers: dict[str, str]
    text: str

    @property
    def json(self) -> object:
        """The body parsed as JSON, or None if it is not JSON."""
        try:
            return json.loads(self.text)
        except ValueError:
            return None

    @property
    def is_json(self) -> bool:
        return "json" in self.headers.get("content-type", "").lower() and self.json is not None

    @property
    def call(self) -> str:
        return f"{self.method} {self.path}"

    def brief(self, limit: int = 80) -> str:
        """`POST /token → 401 {"error": "…"}` for details."""
        body = one_line(self.text, limit) if self.text else "(empty body)"
        return f"{self.call} → {self.status} {body}"


class Api:
    """Requests against one base URL; a fresh connection per call, never a hung grader."""

    def __init__(self, base_url: str, timeout: float = TIMEOUT) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def request(self, method: str, path: str, *, token: str | None = None,
                authorization: str | None = None, auth: tuple[str, str] | None = None,
                body: object = None) -> Reply:
        """Send one request; `token` adds `Authorization: Bearer <token>`, `authorization`
        sets the header verbatim. Timeouts and connection errors raise CheckFailed."""
        headers = {}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if authorization is not None:
            headers["Authorization"] = authorization
        call = f"{method} {path}"
        try:
            response = requests.request(
                method, self.base_url + path, headers=headers, auth=auth,
                json=body if body is not None else None, timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.Timeout:
            raise CheckFailed(f"timed out after {self.timeout:g}s calling {call}",
                              hint="The API hangs: look at its log (make logs), then make down "
                                   "&& make up.") from None
        except requests.ConnectionError:
            raise CheckFailed(f"cannot connect to {self.base_url} calling {call}",
                              hint="The API is not answering: make status, make logs, make up."
                              ) from None
        except requests.RequestException as error:
            raise CheckFailed(f"{call} failed: {type(error).__name__}") from None
        return Reply(method, path, response.status_code,
                     {k.lower(): v for k, v in response.headers.items()}, response.text)

    def get(self, path: str, **kwargs: object) -> Reply:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: object) -> Reply:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: object) -> Reply:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: object) -> Reply:
        return self.request("DELETE", path, **kwargs)
