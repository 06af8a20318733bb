"""Flask CLI commands: ``flask create-admin`` and ``flask ensure-admin``."""

import os
import secrets

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import func, select

from extensions import db
from models import Admin
from services import accounts
from services.errors import ServiceError


def register(app: Flask) -> None:
    """Attach the commands to the app."""
    from tasks.cli import audit_cli, market_cli, worker_command
    from tasks.dts_cli import dts_cli
    from tasks.simulate.cli import simulate_cli

    app.cli.add_command(create_admin_command)
    app.cli.add_command(ensure_admin_command)
    app.cli.add_command(market_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(worker_command)
    app.cli.add_command(simulate_cli)
    app.cli.add_command(dts_cli)


@click.command("create-admin")
@with_appcontext
@click.argument("username")
@click.password_option(help="The admin's password (asked for when not given).")
def create_admin_command(username: str, password: str) -> None:
    """Create an admin account."""
    try:
        accounts.create_admin(username, password)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Admin '{username}' created. Sign in at /auth/admin-login.")


@click.command("ensure-admin")
@with_appcontext
def ensure_admin_command() -> None:
    """Make sure an admin exists: from ADMIN_USERNAME/ADMIN_PASSWORD, or a random password.

    A generated password is printed once and never stored in plain text.
    """
    if db.session.scalar(select(func.count()).select_from(Admin)):
        click.echo("An admin account exists; sign in at /auth/admin-login.")
        return
    username = os.environ.get("ADMIN_USERNAME") or "admin"
    password = os.environ.get("ADMIN_PASSWORD") or secrets.token_urlsafe(12) + "7a"
    try:
        accounts.create_admin(username, password)
    except ServiceError as exc:
        setting = "ADMIN_USERNAME" if exc.field == "username" else "ADMIN_PASSWORD"
        if setting in os.environ:
            raise click.ClickException(f"{setting} is not acceptable: {exc.message}") from None
        raise click.ClickException(exc.message) from None
    if os.environ.get("ADMIN_PASSWORD"):
        click.echo(f"Admin '{username}' created with the password from ADMIN_PASSWORD.")
    else:
        click.echo(f"Admin '{username}' created with password: {password}")
        click.echo("This password is shown only once; keep it safe.")
