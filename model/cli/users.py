"""``fomento users create-admin|list|unlock|reset-password|disable|enable|set-role``.

Accounts are made here, never with a default password. Whoever runs the command line
holds the database credentials already, so these act as an admin would (and are
recorded in the audit log as ``cli``); this is how a locked-out only admin gets back in.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from model.accounts.auth import ROLES, create_user, list_users, manage_account
from model.cli import LANG_CHOICES, LANG_HELP
from model.formatting.i18n import _
from model.store import db


def register(sub: Any) -> None:
    p_users = sub.add_parser("users", help="manage local accounts")
    users_sub = p_users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    p = users_sub.add_parser("create-admin", help="create the first admin account")
    p.add_argument("--username", required=True)
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input instead of prompting",
    )
    p.set_defaults(func=_create_admin)
    p = users_sub.add_parser("list", help="list accounts and roles")
    p.set_defaults(func=_list)
    p = users_sub.add_parser("unlock", help="clear failed sign-ins and a lockout")
    p.add_argument("username")
    p.set_defaults(func=_manage, action_kw={"unlock": True})
    p = users_sub.add_parser("reset-password", help="set a new password (and unlock)")
    p.add_argument("username")
    p.add_argument("--password-stdin", action="store_true", help="read it from standard input")
    p.set_defaults(func=_reset_password)
    p = users_sub.add_parser("disable", help="disable an account (it can no longer sign in)")
    p.add_argument("username")
    p.set_defaults(func=_manage, action_kw={"active": False})
    p = users_sub.add_parser("enable", help="enable a disabled account")
    p.add_argument("username")
    p.set_defaults(func=_manage, action_kw={"active": True})
    p = users_sub.add_parser("set-role", help="change an account's role")
    p.add_argument("username")
    p.add_argument("role", choices=[r for r in ROLES if r != "viewer"])
    p.set_defaults(func=_set_role)
    # ``fomento users list --lang es`` as well as ``fomento users --lang es list``: unset
    # here unless given, so the action's parser never overwrites the one given before it.
    for action in users_sub.choices.values():
        action.add_argument(
            "--lang", choices=LANG_CHOICES, default=argparse.SUPPRESS, help=_(LANG_HELP)
        )


def _read_password(from_stdin: bool, prompt: str | None = None) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(prompt or _("Password for the new admin: "))
    if getpass.getpass(_("Repeat the password: ")) != first:
        raise ValueError(_("password: the two entries differ"))
    return first


def _create_admin(args: argparse.Namespace) -> int:
    password = _read_password(args.password_stdin)
    user = create_user(db.default_engine(), args.username, password, "admin")
    print(_("created admin '{username}'").format(username=user.username))
    return 0


def _list(args: argparse.Namespace) -> int:
    for username, role, active in list_users(db.default_engine()):
        # Tab-separated for scripts: the username and role code stay as stored.
        state = _("active") if active else _("disabled")
        print(f"{username}\t{role}\t{state}")
    return 0


def _manage(args: argparse.Namespace) -> int:
    print(manage_account(db.default_engine(), None, args.username, **args.action_kw))
    return 0


def _reset_password(args: argparse.Namespace) -> int:
    password = _read_password(
        args.password_stdin, _("New password for {username}: ").format(username=args.username)
    )
    print(manage_account(db.default_engine(), None, args.username, password=password))
    return 0


def _set_role(args: argparse.Namespace) -> int:
    print(manage_account(db.default_engine(), None, args.username, role=args.role))
    return 0
