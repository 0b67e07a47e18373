"""The ``haven`` console script: a Flask CLI around ``create_app`` (commands: app.wiring)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.cli import FlaskGroup

from app import create_app


def _create_app(*_args: Any) -> Flask:
    return create_app()


def main(argv: list[str] | None = None) -> None:
    cli: Callable[..., Any] = FlaskGroup(create_app=_create_app, add_default_commands=True)
    cli(args=argv if argv is not None else sys.argv[1:], prog_name="haven")
