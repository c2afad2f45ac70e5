"""What a run of checks shares: the target, its API, tokens, and scratch rows (always removed).

Scratch rows are created only by the grader: through the API with a root token when
that works, else straight into the database. Every row the grader creates (or that
an open API lets it create) carries the run's tag, so cleanup finds it even if the
API's answer could not be parsed. The data set's own rows are never touched.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

from checks import tokens
from checks.http import Api, Reply
from checks.registry import CheckFailed, CheckSkipped
from checks.targets import Target

ROOT = "root"
RECONCILER = "reconciler"
ROOT_PERMISSIONS = ["read:user", "modify:user", "read:transaction", "modify:transaction"]
RECONCILER_PERMISSIONS = ["read:user", "read:transaction"]
CREDENTIALS = {ROOT: "APP_ROOT_CREDENTIAL", RECONCILER: "APP_RECONCILER_CREDENTIAL"}
VALID_CARD = "4111111111111111"  # passes the Luhn check; a well-known test number


class Context:
    def __init__(self, target: Target, api: Api | None = None, prefix: str = "grader") -> None:
        self.target = target
        self.api = api or Api(target.api_url)
        self.tag = f"{prefix}-{uuid.uuid4().hex[:10]}"  # marks every row this run creates
        self.users: set[int] = set()
        self.transactions: set[int] = set()
        self._root_token: str | None = None
        self._root_tried = False
        self.leftovers: list[str] = []  # cleanup problems, reported once at the end

    # --- secrets and tokens ----------------------------------------------------------

    def secret(self, name: str) -> str:
        value = self.target.secrets.get(name)
        if not value:
            raise CheckFailed(f"the grader has no {name} for target {self.target.name}")
        return value

    def login(self, client: str, password: str | None = None, body: object = None) -> Reply:
        """POST /token with HTTP Basic `client:password` (default: the client's credential)."""
        if password is None:
            password = self.secret(CREDENTIALS[client])
        return self.api.post("/token", auth=(client, password), body=body)

    def root_token(self) -> str | None:
        """A token issued by POST /token for root, or None if the API issues none."""
        if not self._root_tried:
            self._root_tried = True
            try:
                reply = self.login(ROOT)
            except CheckFailed:
                return None
            body = reply.json
            token = body.get("access_token") if isinstance(body, dict) else None
            if reply.status == 200 and isinstance(token, str) and token.count(".") == 2:
                self._root_token = token
        return self._root_token

    def template(self) -> dict | None:
        """The claims of a real root token (so forged tokens look exactly like real ones)."""
        token = self.root_token()
        if token is None:
            return None
        try:
            return tokens.peek(token)[1]
        except ValueError:
            return None

    def forge(self, permissions: list[str], subject: str = ROOT) -> str:
        """A valid token (signed with TOKEN_SECRET, 15 minutes) holding `permissions`."""
        payload = tokens.claims(subject, permissions, template=self.template())
        return tokens.sign(payload, self.secret("TOKEN_SECRET"))

    # --- bodies ------------------------------------------------------------------------

    def new_user_body(self) -> dict:
        suffix = uuid.uuid4().hex[:6]
        return {"username": f"{self.tag}-{suffix}", "email": f"{self.tag}-{suffix}@example.invalid",
                "credit_card": VALID_CARD, "currency": "USD", "country": "US",
                "password": uuid.uuid4().hex}

    def new_transaction_body(self, user_id: int) -> dict:
        return {"amount": 1.23, "currency": "USD", "description": self.tag, "user_id": user_id}

    def remember(self, reply: Reply, kind: str) -> int | None:
        """Track a row that a POST created (whether or not it should have)."""
        body = reply.json
        if 200 <= reply.status < 300 and isinstance(body, dict) and isinstance(body.get("id"), int):
            (self.users if kind == "user" else self.transactions).add(body["id"])
            return body["id"]
        return None

    # --- database ------------------------------------------------------------------------

    @contextlib.contextmanager
    def db(self) -> Iterator[object]:
        """An autocommit connection to the bank database; CheckSkipped if there is none."""
        if self.target.connect_db is None:
            raise CheckSkipped(self.target.no_db_reason or "no database access on this target")
        try:
            conn = self.target.connect_db()
        except Exception as error:  # noqa: BLE001 - psycopg2 raises many kinds
            raise CheckFailed(f"cannot connect to the database: {type(error).__name__}: "
                              f"{str(error).strip().splitlines()[0] if str(error) else ''}"
                              ) from None
        conn.autocommit = True
        try:
            yield conn
        finally:
            conn.close()

    def has_db(self) -> bool:
        return self.target.connect_db is not None

    # --- scratch rows ----------------------------------------------------------------------

    def scratch_user(self) -> int:
        """A new user that belongs to the grader (created with a root token, else in the DB)."""
        token = self.root_token()
        if token:
            reply = self.api.post("/users", token=token, body=self.new_user_body())
            user_id = self.remember(reply, "user")
            if reply.status == 201 and user_id:
                return user_id
        if not self.has_db():
            raise CheckFailed("cannot create a scratch user: POST /users with a root token did "
                              "not answer 201 and there is no database access on this target")
        body = self.new_user_body()
        with self.db() as conn, conn.cursor() as cur:
            cur.execute(
                "INSERT INTO users (created_at, credit_card, currency, email, is_active, country,"
                " num_logins, username) VALUES (now(), %s, %s, %s, true, %s, 0, %s) RETURNING id",
                (body["credit_card"], body["currency"], body["email"], body["country"],
                 body["username"]),
            )
            user_id = cur.fetchone()[0]
        self.users.add(user_id)
        return user_id

    def scratch_transaction(self, user_id: int) -> int:
        """A new transaction of scratch user `user_id`."""
        token = self.root_token()
        if token:
            reply = self.api.post("/transactions", token=token,
                                  body=self.new_transaction_body(user_id))
            transaction_id = self.remember(reply, "transaction")
            if reply.status == 201 and transaction_id:
                return transaction_id
        if not self.has_db():
            raise CheckFailed("cannot create a scratch transaction: POST /transactions with a "
                              "root token did not answer 201 and there is no database access")
        with self.db() as conn, conn.cursor() as cur:
            cur.execute(
                "INSERT INTO transactions (amount, currency, description, timestamp, user_id)"
                " VALUES (1.23, 'USD', %s, now(), %s) RETURNING id", (self.tag, user_id))
            transaction_id = cur.fetchone()[0]
        self.transactions.add(transaction_id)
        return transaction_id

    def cleanup(self) -> None:
        """Delete every row this run created: through the DB if possible, else the API."""
        if not (self.users or self.transactions or self.has_db()):
            return
        if self.has_db():
            try:
                with self.db() as conn, conn.cursor() as cur:
                    users, transactions = sorted(self.users), sorted(self.transactions)
                    cur.execute("DELETE FROM transactions WHERE id = ANY(%s) OR user_id = ANY(%s)"
                                " OR description LIKE %s", (transactions, users, self.tag + "%"))
                    cur.execute("DELETE FROM users WHERE id = ANY(%s) OR username LIKE %s",
                                (users, self.tag + "%"))
                self.users.clear()
                self.transactions.clear()
                return
            except (CheckFailed, CheckSkipped) as error:
                self.leftovers.append(f"cleanup through the database failed: {error}")
            except Exception as error:  # noqa: BLE001
                self.leftovers.append(f"cleanup through the database failed: "
                                      f"{type(error).__name__}")
        self._cleanup_through_api()

    def _cleanup_through_api(self) -> None:
        token = self.root_token()
        for kind, ids in (("transactions", self.transactions), ("users", self.users)):
            for item in sorted(ids):
                try:
                    reply = self.api.delete(f"/{kind}/{item}", token=token)
                    ok = reply.status in (204, 404)
                except CheckFailed:
                    ok = False
                if ok:
                    ids.discard(item)
                else:
                    self.leftovers.append(f"could not delete scratch row /{kind}/{item}")
