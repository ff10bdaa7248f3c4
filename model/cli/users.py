"""``fomento users create-admin|list``: accounts are made here, never with a default password."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from model.accounts.auth import create_user, list_users
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


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password for the new admin: ")
    if getpass.getpass("Repeat the password: ") != first:
        raise ValueError("password: the two entries differ")
    return first


def _create_admin(args: argparse.Namespace) -> int:
    password = _read_password(args.password_stdin)
    user = create_user(db.default_engine(), args.username, password, "admin")
    print(f"created admin '{user.username}'")
    return 0


def _list(args: argparse.Namespace) -> int:
    for username, role, active in list_users(db.default_engine()):
        print(f"{username}\t{role}\t{'active' if active else 'disabled'}")
    return 0
