"""A01 Broken Access Control: tokens from POST /token, permissions on every CRUD route.

Each check sends its own requests and decides only from the answers (plus the
database, for the reconciler's count); none reads the attendee's code.
"""

from __future__ import annotations

import re
import time

import jwt

from checks import tokens
from checks.context import (
    RECONCILER,
    RECONCILER_PERMISSIONS,
    ROOT,
    ROOT_PERMISSIONS,
    Context,
)
from checks.http import Reply
from checks.registry import REGISTRY, CheckFailed, Outcome, failed, passed

STAGE = "a01"
README = "exercises/01-a01-broken-access-control/README.md"
MAX_LIFETIME = 3600  # seconds
MISSING_ID = 2147483647  # a valid id no row has


def step(number: int, title: str, advice: str) -> str:
    return f"{advice} → {README} step {number} ({title})."


STEP3 = (3, "Issue tokens at POST /token")
STEP4 = (4, "Authorize with require_permission (401 vs 403)")
STEP5 = (5, "Protect every route")
STEP6 = (6, "Give the reconciler its own read-only credential")
check = REGISTRY.check


# --- helpers -----------------------------------------------------------------------

def crud_routes(ctx: Context, user_id: int, transaction_id: int) -> list[tuple[str, str, object]]:
    """The ten CRUD routes as (method, path, body), aimed at scratch rows only."""
    return [
        ("GET", "/users", None),
        ("GET", f"/users/{user_id}", None),
        ("POST", "/users", ctx.new_user_body()),
        ("PUT", f"/users/{user_id}", {"num_logins": 7}),
        ("DELETE", f"/users/{user_id}", None),
        ("GET", "/transactions", None),
        ("GET", f"/transactions/{transaction_id}", None),
        ("POST", "/transactions", ctx.new_transaction_body(user_id)),
        ("PUT", f"/transactions/{transaction_id}", {"description": ctx.tag}),
        ("DELETE", f"/transactions/{transaction_id}", None),
    ]


def send(ctx: Context, method: str, path: str, body: object = None, **auth: str) -> Reply:
    """One request; rows a POST creates are remembered for cleanup."""
    reply = ctx.api.request(method, path, body=body, **auth)
    if method == "POST" and path in ("/users", "/transactions"):
        ctx.remember(reply, "user" if path == "/users" else "transaction")
    return reply


def scratch_pair(ctx: Context) -> tuple[int, int]:
    user_id = ctx.scratch_user()
    return user_id, ctx.scratch_transaction(user_id)


def listing(reply: Reply) -> str:
    return f"{reply.call} ({reply.status})"


def expect(ctx: Context, token: str, cases: list[tuple[str, str, object, int]]) -> list[str]:
    """Send each (method, path, body, expected status) with `token`; the mismatches."""
    wrong = []
    for method, path, body, status in cases:
        reply = send(ctx, method, path, body, token=token)
        if reply.status != status:
            wrong.append(f"{reply.call} → {reply.status} (expected {status})")
    return wrong


def issued_token(ctx: Context, client: str, body: object = None) -> tuple[str, dict]:
    """POST /token as `client`; (token, claims verified with TOKEN_SECRET) or CheckFailed."""
    reply = ctx.login(client, body=body)
    what = f"POST /token as {client}" + (f" with {body}" if body is not None else "")
    if reply.status == 404:
        raise CheckFailed(f"{what} → 404: there is no token endpoint yet",
                          hint=step(*STEP3, "Add POST /token"))
    data = reply.json
    token = data.get("access_token") if isinstance(data, dict) else None
    if reply.status != 200 or not isinstance(token, str):
        raise CheckFailed(f"{what} → {reply.status}, expected 200 with an access_token: "
                          f"{reply.brief()}")
    try:
        claims = tokens.verify(token, ctx.secret("TOKEN_SECRET"))
    except jwt.InvalidSignatureError:
        raise CheckFailed(f"{what}: the token is not signed with TOKEN_SECRET (HS256)",
                          hint=step(2, "Add flask-jwt-extended and the signing key",
                                    "Sign tokens with the TOKEN_SECRET from the environment "
                                    "(JWT_SECRET_KEY)")) from None
    except jwt.ExpiredSignatureError:
        raise CheckFailed(f"{what}: the token is already expired") from None
    except jwt.PyJWTError as error:
        raise CheckFailed(f"{what}: the access_token is not a valid HS256 JWT ({error})"
                          ) from None
    return token, claims


# --- the checks ----------------------------------------------------------------------

@check(STAGE, "A01-01", "Every CRUD route refuses a request without a token (401)",
       step(*STEP5, "Start with step 1 (make attack-a01) if nothing is protected yet; then put "
                    "require_permission on all ten routes of /users and /transactions"))
def no_token(ctx: Context) -> Outcome:
    user_id, transaction_id = scratch_pair(ctx)
    replies = [send(ctx, m, p, b) for m, p, b in crud_routes(ctx, user_id, transaction_id)]
    open_ = [r for r in replies if r.status != 401]
    if not open_:
        return passed("all 10 routes → 401 without a token")
    hint = None
    if len(open_) < len(replies):
        hint = step(*STEP5, "Some routes are still open: decorate "
                    + ", ".join(r.call for r in open_) + " as well")
    return failed(f"open: {', '.join(listing(r) for r in open_)}", hint)


@check(STAGE, "A01-02", "POST /token refuses a missing or wrong credential (401)",
       step(*STEP3, "Compare the Basic credential with APP_ROOT_CREDENTIAL / "
                    "APP_RECONCILER_CREDENTIAL (hmac.compare_digest) and answer 401 with "
                    "WWW-Authenticate: Basic otherwise"))
def token_refuses_bad_credentials(ctx: Context) -> Outcome:
    root, reconciler = ctx.secret("APP_ROOT_CREDENTIAL"), ctx.secret("APP_RECONCILER_CREDENTIAL")
    attempts = [
        ("no credential", None),
        ("root:<wrong password>", (ROOT, "wrong-" + root[:4])),
        ("root:<empty password>", (ROOT, "")),
        ("root:<the reconciler's credential>", (ROOT, reconciler)),
        ("reconciler:<root's credential>", (RECONCILER, root)),
        ("nobody:<root's credential>", ("nobody", root)),
    ]
    wrong = []
    for label, auth in attempts:
        reply = ctx.api.post("/token", auth=auth)
        if reply.status == 404:
            raise CheckFailed("POST /token → 404: there is no token endpoint yet",
                              hint=step(*STEP3, "Add POST /token"))
        if reply.status != 401:
            wrong.append(f"{label} → {reply.status}")
        elif label == "no credential" and not reply.headers.get(
                "www-authenticate", "").lower().startswith("basic"):
            wrong.append("no credential → 401 without WWW-Authenticate: Basic realm=\"bank\"")
    if wrong:
        return failed("POST /token: " + "; ".join(wrong))
    return passed(f"{len(attempts)} bad or missing credentials → 401")


@check(STAGE, "A01-03", "POST /token with the root credential issues a short-lived JWT",
       step(*STEP3, "Answer 200 {access_token, token_type, expires_in} with claims sub, "
                    "permissions, exp (JWT_ACCESS_TOKEN_EXPIRES = 15 minutes); a JSON body "
                    "{\"permissions\": [...]} narrows the token"))
def token_for_root(ctx: Context) -> Outcome:
    _, claims = issued_token(ctx, ROOT)
    problems = []
    if claims.get("sub") != ROOT:
        problems.append(f"sub is {claims.get('sub')!r}, expected 'root'")
    permissions = claims.get("permissions")
    if not isinstance(permissions, list):
        problems.append(f"no permissions list in the claims (got {permissions!r})")
    elif sorted(permissions) != sorted(ROOT_PERMISSIONS):
        problems.append(f"permissions {permissions}, expected {ROOT_PERMISSIONS}")
    expiry = step(2, "Add flask-jwt-extended and the signing key",
                  "Tokens must expire: set JWT_ACCESS_TOKEN_EXPIRES to 15 minutes (never False)")
    if "exp" not in claims:
        raise CheckFailed("the root token has no exp claim: it never expires", hint=expiry)
    lifetime = int(claims["exp"]) - int(claims.get("iat", time.time()))
    if lifetime > MAX_LIFETIME:
        raise CheckFailed(f"the root token lives {lifetime}s (> {MAX_LIFETIME}s)", hint=expiry)
    _, narrowed = issued_token(ctx, ROOT, body={"permissions": ["read:user"]})
    if narrowed.get("permissions") != ["read:user"]:
        problems.append(f"asking for {{\"permissions\": [\"read:user\"]}} gave "
                        f"{narrowed.get('permissions')!r}")
    if problems:
        return failed("; ".join(problems))
    return passed(f"200, sub root, permissions {permissions}, lives {lifetime}s; "
                  "narrowing to [read:user] works")


@check(STAGE, "A01-04", "Forged, expired and malformed tokens are refused (401)",
       step(4, "Authorize with require_permission (401 vs 403)",
            "Let flask-jwt-extended verify every token (verify_jwt_in_request): signature with "
            "TOKEN_SECRET, HS256 only, exp; accept only 'Authorization: Bearer <jwt>'"))
def forged_tokens(ctx: Context) -> Outcome:
    secret = ctx.secret("TOKEN_SECRET")
    payload = tokens.claims(ROOT, ROOT_PERMISSIONS, template=ctx.template())
    valid = tokens.sign(payload, secret)
    empty = ctx.forge([])
    cases = [
        ("signed with another key", f"Bearer {tokens.sign(payload, 'not-' + secret)}",
         "signatures are not verified"),
        ("alg none", f"Bearer {tokens.unsigned(payload)}", "unsigned (alg none) tokens pass"),
        ("expired 10 minutes ago", f"Bearer {tokens.expired(payload, secret)}",
         "expired tokens are accepted: do not disable exp verification"),
        ("payload tampered to add permissions",
         f"Bearer {tokens.tampered(empty, permissions=ROOT_PERMISSIONS)}",
         "a changed payload with the old signature passes"),
        ("'Bearer' with nothing", "Bearer ", "an empty Bearer header passes"),
        ("'Token <jwt>'", f"Token {valid}", "a scheme other than Bearer passes"),
        ("'Bearer not.a.jwt'", "Bearer not.a.jwt", "a malformed token passes"),
        ("the JWT without 'Bearer'", valid, "a header without the Bearer scheme passes"),
    ]
    accepted, other, why = [], [], []
    for label, header, reason in cases:
        reply = ctx.api.get("/users", authorization=header)
        if 200 <= reply.status < 300:
            accepted.append(f"{label} → {reply.status}")
            why.append(reason)
        elif reply.status != 401:
            other.append(f"{label} → {reply.status}")
    control = ctx.api.get("/users", token=valid)
    note = f"; control 'Bearer <valid token>' → {control.status}"
    if accepted:
        hint = step(4, "Authorize with require_permission (401 vs 403)",
                    "Your API lets in tokens it must refuse: " + "; ".join(dict.fromkeys(why))
                    + ". Verify every token with flask-jwt-extended (signature with "
                    "TOKEN_SECRET, HS256 only, exp)")
        extra = f"; not 401 either: {', '.join(other)}" if other else ""
        return failed("GET /users accepted: " + ", ".join(accepted) + extra + note, hint)
    if other:
        hint = step(4, "Authorize with require_permission (401 vs 403)",
                    "Refused, but not with 401: a missing, malformed, forged or expired token "
                    "must answer 401 (flask-jwt-extended answers 422 by default: register "
                    "invalid_token_loader, unauthorized_loader and expired_token_loader)")
        return failed("GET /users refused with the wrong status: " + ", ".join(other) + note,
                      hint)
    return passed(f"all {len(cases)} forged/malformed tokens → 401 on GET /users{note}")


@check(STAGE, "A01-05", "A valid token without permissions gets 403 on every route",
       step(*STEP4, "require_permission must stop the request with 403 {\"error\": \"missing "
                    "permission …\"} when the token lacks the permission (not just log it)"))
def no_permissions(ctx: Context) -> Outcome:
    token = ctx.forge([])
    user_id, transaction_id = scratch_pair(ctx)
    through, unauthenticated = [], []
    for method, path, body in crud_routes(ctx, user_id, transaction_id):
        reply = send(ctx, method, path, body, token=token)
        if reply.status == 401:
            unauthenticated.append(reply.call)
        elif reply.status != 403:
            through.append(listing(reply))
    if through:
        return failed("a token with no permissions got through: " + ", ".join(through),
                      step(*STEP4, "require_permission lets requests without the permission "
                                   "through (does it only log?): answer 403 and stop there"))
    if unauthenticated:
        return failed("401 instead of 403 (the token is valid, it only lacks the permission): "
                      + ", ".join(unauthenticated),
                      step(*STEP4, "401 = no valid token, 403 = valid token without the "
                                   "permission: answer 403 {\"error\": \"missing permission "
                                   "…\"} here"))
    return passed("all 10 routes → 403 for a valid token with permissions []")


@check(STAGE, "A01-06", "A read:user token reads users, cannot change them or read transactions",
       step(*STEP5, "GET /users and GET /users/<id> need read:user; POST/PUT/DELETE need "
                    "modify:user; /transactions needs the transaction permissions"))
def read_user(ctx: Context) -> Outcome:
    token = ctx.forge(["read:user"])
    user_id = ctx.scratch_user()
    listed = send(ctx, "GET", "/users", token=token)
    wrong = []
    if listed.status != 200 or not isinstance(listed.json, list) or not listed.json:
        wrong.append(f"GET /users → {listed.status} (expected 200 with the users)")
    wrong += expect(ctx, token, [
        ("GET", f"/users/{user_id}", None, 200),
        ("POST", "/users", ctx.new_user_body(), 403),
        ("PUT", f"/users/{user_id}", {"num_logins": 7}, 403),
        ("DELETE", f"/users/{user_id}", None, 403),
        ("GET", "/transactions", None, 403),
    ])
    if wrong:
        return failed("; ".join(wrong))
    return passed(f"GET /users → 200 ({len(listed.json)} users, the grader's scratch user "
                  "included); writes and /transactions → 403")


@check(STAGE, "A01-07", "A modify:user token creates, updates and deletes a user",
       step(*STEP5, "POST /users, PUT /users/<id> and DELETE /users/<id> must work with a "
                    "token holding modify:user"))
def modify_user(ctx: Context) -> Outcome:
    token = ctx.forge(["modify:user"])
    created = send(ctx, "POST", "/users", ctx.new_user_body(), token=token)
    user_id = created.json.get("id") if isinstance(created.json, dict) else None
    if created.status != 201 or not isinstance(user_id, int):
        return failed(f"POST /users → {created.status} (expected 201): {created.brief()}")
    wrong = expect(ctx, token, [
        ("PUT", f"/users/{user_id}", {"num_logins": 7}, 200),
        ("DELETE", f"/users/{user_id}", None, 204),
    ])
    if wrong:
        return failed("; ".join(wrong))
    return passed(f"POST /users → 201 (id {user_id}), PUT → 200, DELETE → 204")


@check(STAGE, "A01-08", "Transactions: read:transaction only reads, modify:transaction writes",
       step(*STEP5, "GET /transactions[/<id>] need read:transaction; POST/PUT/DELETE need "
                    "modify:transaction"))
def transactions(ctx: Context) -> Outcome:
    reader, writer = ctx.forge(["read:transaction"]), ctx.forge(["modify:transaction"])
    user_id, transaction_id = scratch_pair(ctx)
    listed = send(ctx, "GET", "/transactions", token=reader)
    wrong = []
    if listed.status != 200 or not isinstance(listed.json, list) or not listed.json:
        wrong.append(f"read:transaction GET /transactions → {listed.status} (expected 200)")
    wrong += ["read:transaction " + w for w in expect(ctx, reader, [
        ("GET", f"/transactions/{transaction_id}", None, 200),
        ("POST", "/transactions", ctx.new_transaction_body(user_id), 403),
        ("PUT", f"/transactions/{transaction_id}", {"description": ctx.tag}, 403),
        ("DELETE", f"/transactions/{transaction_id}", None, 403),
        ("GET", "/users", None, 403),
    ])]
    created = send(ctx, "POST", "/transactions", ctx.new_transaction_body(user_id), token=writer)
    new_id = created.json.get("id") if isinstance(created.json, dict) else None
    if created.status != 201 or not isinstance(new_id, int):
        wrong.append(f"modify:transaction POST /transactions → {created.status} (expected 201)")
    else:
        wrong += ["modify:transaction " + w for w in expect(ctx, writer, [
            ("PUT", f"/transactions/{new_id}", {"description": ctx.tag}, 200),
            ("DELETE", f"/transactions/{new_id}", None, 204),
        ])]
    if wrong:
        return failed("; ".join(wrong))
    return passed("read:transaction: GET → 200, writes → 403; modify:transaction: "
                  "POST → 201, PUT → 200, DELETE → 204")


RECONCILER_HINT = step(*STEP6, "The reconciler must get a token at POST /token as "
                               "'reconciler' with APP_API_CREDENTIAL and send it as Bearer")


@check(STAGE, "A01-09", "The reconciler still works (run once: exit 0, all users found)",
       RECONCILER_HINT)
def reconciler_runs(ctx: Context) -> Outcome:
    started = time.monotonic()
    run = ctx.target.reconcile()
    seconds = time.monotonic() - started
    output = (run.stdout + run.stderr).strip()
    last = output.splitlines()[-1] if output else "(no output)"
    if run.returncode != 0:
        return failed(f"the reconciler exited {run.returncode}: {last}")
    found = re.search(r"^found (\d+) known users$", run.stdout, re.MULTILINE)
    if not found:
        return failed(f"the reconciler exited 0 but printed no 'found N known users': {last}")
    reported = int(found.group(1))
    if ctx.has_db():
        with ctx.db() as conn, conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM users")
            actual, source = cur.fetchone()[0], "the database"
    else:
        token = ctx.root_token()
        reply = ctx.api.get("/users?fields=id", token=token) if token else None
        if reply is None or not isinstance(reply.json, list):
            return failed(f"found {reported} known users, but the grader cannot count users "
                          f"to compare ({ctx.target.no_db_reason}; no root token)")
        actual, source = len(reply.json), "GET /users with a root token"
    if reported != actual:
        return failed(f"the reconciler found {reported} users, {source} has {actual}")
    return passed(f"exit 0 in {seconds:.1f}s: found {reported} known users ({source}: {actual})")


@check(STAGE, "A01-10", "The reconciler's own credential gives a read-only token",
       step(*STEP6, "Client 'reconciler' (APP_RECONCILER_CREDENTIAL) may hold only read:user "
                    "and read:transaction; modify:* stays with root"))
def reconciler_read_only(ctx: Context) -> Outcome:
    token, claims = issued_token(ctx, RECONCILER)
    permissions = claims.get("permissions")
    if not isinstance(permissions, list):
        return failed(f"the reconciler's token has no permissions list ({permissions!r})")
    problems = []
    writes = [p for p in permissions if str(p).startswith("modify:")]
    if writes:
        problems.append(f"its token holds {', '.join(map(str, writes))}")
    lacking = [p for p in RECONCILER_PERMISSIONS if p not in permissions]
    if lacking:
        problems.append(f"its token lacks {', '.join(lacking)} (the reconciler needs them)")
    user_id, transaction_id = scratch_pair(ctx)
    problems += expect(ctx, token, [
        ("GET", "/users?fields=id", None, 200),
        ("POST", "/users", ctx.new_user_body(), 403),
        ("PUT", f"/users/{user_id}", {"num_logins": 7}, 403),
        ("POST", "/transactions", ctx.new_transaction_body(user_id), 403),
        ("DELETE", f"/transactions/{transaction_id}", None, 403),
    ])
    escalate = ctx.login(RECONCILER, body={"permissions": ["modify:user"]})
    if escalate.status != 403:
        problems.append(f"POST /token as reconciler asking for modify:user → {escalate.status} "
                        "(expected 403)")
    if problems:
        return failed("; ".join(problems))
    return passed(f"permissions {permissions}; POST/PUT/DELETE → 403; asking for modify:user "
                  "→ 403")


INTERNALS = [
    (re.compile(r"Traceback"), "a traceback"),
    (re.compile(r"File \"|\.py\b|/site-packages/|/src/"), "a file path"),
    (re.compile(r"\b[A-Z][A-Za-z]*(Error|Exception)\b"), "an exception class name"),
    (re.compile(r"werkzeug|sqlalchemy|psycopg2|flask_jwt_extended|jwt\.exceptions"),
     "a library's internals"),
]


@check(STAGE, "A01-11", "401 and 403 answers are JSON {\"error\": …} without internals",
       step(*STEP3, "Register JSON handlers for missing/invalid/expired tokens "
                    "(flask-jwt-extended's *_loader callbacks) answering {\"error\": …} only"))
def error_bodies(ctx: Context) -> Outcome:
    empty = ctx.forge([])
    probes = [
        ("GET /users without a token", "GET", "/users", {}, None, 401),
        ("GET /users with 'Bearer not.a.jwt'", "GET", "/users",
         {"authorization": "Bearer not.a.jwt"}, None, 401),
        ("GET /users with a token signed with another key", "GET", "/users",
         {"token": tokens.sign(tokens.claims(ROOT, ROOT_PERMISSIONS), "another-key")}, None, 401),
        ("POST /token without a credential", "POST", "/token", {}, None, 401),
        ("POST /token with a garbled Basic header", "POST", "/token",
         {"authorization": "Basic !!not-base64!!"}, None, 401),
        ("GET /users with a token without permissions", "GET", "/users", {"token": empty},
         None, 403),
        (f"DELETE /users/{MISSING_ID} with a token without permissions", "DELETE",
         f"/users/{MISSING_ID}", {"token": empty}, None, 403),
    ]
    problems = []
    for label, method, path, auth, body, status in probes:
        reply = send(ctx, method, path, body, **auth)
        if reply.status != status:
            problems.append(f"{label} → {reply.status}, expected {status}")
            continue
        data = reply.json
        if not reply.is_json or not isinstance(data, dict):
            problems.append(f"{label} → {status} but not a JSON object: {reply.brief(60)}")
        elif not isinstance(data.get("error"), str) or not data["error"].strip():
            problems.append(f"{label} → {status} JSON without an \"error\" message: "
                            f"{reply.brief(60)}")
        leaks = [what for pattern, what in INTERNALS if pattern.search(reply.text)]
        if leaks:
            problems.append(f"{label} → {status} shows {', '.join(leaks)}: {reply.brief(80)}")
    if problems:
        return failed("; ".join(problems))
    return passed(f"{len(probes)} refusals, each JSON {{\"error\": …}} without internals")


@check(STAGE, "A01-12", "GET /healthz and GET / stay open without a token",
       step(*STEP5, "Protect the ten CRUD routes only: Kubernetes probes call /healthz "
                    "without a token"))
def open_routes(ctx: Context) -> Outcome:
    health, root = ctx.api.get("/healthz"), ctx.api.get("/")
    problems = []
    if health.status != 200:
        problems.append(f"GET /healthz → {health.status} (expected 200)")
    if root.status != 404 or not root.is_json:
        problems.append(f"GET / → {root.status} (expected the JSON 404)")
    if problems:
        return failed("; ".join(problems))
    return passed("GET /healthz → 200, GET / → 404 JSON")
