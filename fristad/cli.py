"""The ``fristad`` command: Django's management commands, with hyphenated names.

``fristad import-jourer FILE`` runs the ``import_jourer`` command, and so on. A wrong
setting or a database that is down gives one clear line and exit code 2, not a
traceback (an operator reads it at start-up; a supervisor restarting the process would
otherwise fill the log with tracebacks).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fristad.settings")
    from django.core.exceptions import ImproperlyConfigured

    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018  (reads the settings now, to report them clearly)
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"fristad: configuration error: {exc}\n")
        sys.exit(2)
    from django.core.management import execute_from_command_line
    from django.db import OperationalError

    try:
        execute_from_command_line(args)
    except OperationalError as exc:
        from fristad.ops.worker import database_describe

        sys.stderr.write(f"fristad: the {database_describe()} is not reachable ({type(exc).__name__}).\n")
        sys.exit(2)
